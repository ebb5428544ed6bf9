package clients

import (
	"bytes"
	"context"
	"encoding/binary"
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"github.com/mcptray/mcptray/internal/credential"
	"github.com/mcptray/mcptray/keychain"
	"github.com/mcptray/mcptray/redact"
)

// The backup of a JSON client file finds its credentials in one pass over the file's strings
// and takes them out in one more, without a tree of the file: ~/.claude.json runs to 100 MB.
// What counts as a credential is what credentialsIn finds from the tree (a value named like
// one or shaped like one, every argument of a command line that holds one); what is replaced
// is what keepCredentialsOut replaces (every string that is one, every form of a long one
// anywhere). A file the scanner cannot follow goes that general way.

// jsonToken is one token of a JSON or JSONC file, comments skipped.
type jsonToken byte

const (
	tokString      jsonToken = '"' // a string with escapes, its quotes included
	tokPlainString jsonToken = 's' // a string without escapes, its quotes included
	tokScalar      jsonToken = 'v' // a number, true, false or null
)

// walkJSON calls visit for every token of src ('{', '}', '[', ']', ':', ',', tokString,
// tokScalar) with its span, skipping white space and comments. It checks no grammar beyond
// the tokens: false when src holds something that is no token (an unterminated string or
// comment, a stray byte), or when visit returns false.
func walkJSON(src []byte, visit func(t jsonToken, start, end int) bool) bool {
	n := len(src)
	i := 0
	if len(src) >= len(utf8BOM) && string(src[:len(utf8BOM)]) == string(utf8BOM) {
		i = len(utf8BOM)
	}
	for i < n {
		c := src[i]
		switch c {
		case ' ', '\t', '\n', '\r':
			i++
		case '{', '}', '[', ']', ':', ',':
			if !visit(jsonToken(c), i, i+1) {
				return false
			}
			i++
		case '"':
			end, escaped := stringEnd(src, i)
			t := tokString
			if !escaped {
				t = tokPlainString
			}
			if end < 0 || !visit(t, i, end) {
				return false
			}
			i = end
		case '/':
			switch {
			case i+1 < n && src[i+1] == '/':
				j := indexByteFrom(src, i+2, '\n')
				if j < 0 {
					return true
				}
				i = j
			case i+1 < n && src[i+1] == '*':
				j := bytes.Index(src[i+2:], []byte("*/"))
				if j < 0 {
					return false
				}
				i += 2 + j + 2
			default:
				return false
			}
		default:
			if c != '-' && c != '+' && c != '.' && !(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') {
				return false
			}
			j := i + 1
			for j < n && (src[j] == '-' || src[j] == '+' || src[j] == '.' || src[j] >= '0' && src[j] <= '9' || src[j] >= 'a' && src[j] <= 'z' || src[j] >= 'A' && src[j] <= 'Z') {
				j++
			}
			if !visit(tokScalar, i, j) {
				return false
			}
			i = j
		}
	}
	return true
}

// stringEnd is the index just after the closing quote of the string opening at src[start],
// or -1 when it does not close on its line. escaped reports a backslash in it.
func stringEnd(src []byte, start int) (end int, escaped bool) {
	for i := start + 1; ; {
		k := bytes.IndexByte(src[i:], '"')
		if k < 0 {
			return -1, false
		}
		q := i + k
		n := 0 // backslashes right before the quote
		for q-n-1 > start && src[q-n-1] == '\\' {
			n++
		}
		if n%2 == 0 {
			if bytes.IndexByte(src[start+1:q], '\n') >= 0 {
				return -1, false // a JSON string holds no new line
			}
			return q + 1, escaped || n > 0 || bytes.IndexByte(src[i:q], '\\') >= 0
		}
		escaped = true
		i = q + 1
	}
}

func indexByteFrom(b []byte, from int, c byte) int {
	for i := from; i < len(b); i++ {
		if b[i] == c {
			return i
		}
	}
	return -1
}

// unquoteInto appends to buf the value of the string literal lit (quotes included), as
// encoding/json reads it: invalid escapes and lone surrogates become U+FFFD.
func unquoteInto(buf []byte, lit []byte) []byte {
	s := lit[1 : len(lit)-1]
	for i := 0; i < len(s); {
		c := s[i]
		if c != '\\' {
			j := i + 1
			for j < len(s) && s[j] != '\\' {
				j++
			}
			buf = append(buf, s[i:j]...)
			i = j
			continue
		}
		if i+1 >= len(s) {
			return append(buf, "\uFFFD"...)
		}
		switch s[i+1] {
		case '"', '\\', '/':
			buf = append(buf, s[i+1])
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := hex4(s[i+2:])
			if !ok {
				buf = append(buf, "\uFFFD"...)
				i += 2
				continue
			}
			i += 6
			if utf16.IsSurrogate(r) {
				if len(s) >= i+6 && s[i] == '\\' && s[i+1] == 'u' {
					if r2, ok := hex4(s[i+2:]); ok {
						if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
							buf = utf8.AppendRune(buf, dec)
							i += 6
							continue
						}
					}
				}
				r = utf8.RuneError
			}
			buf = utf8.AppendRune(buf, r)
			continue
		default:
			buf = append(buf, "\uFFFD"...)
		}
		i += 2
	}
	return buf
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// scanFrameCred is one open object or array of jsonCredentials' walk.
type scanFrameCred struct {
	obj        bool
	expectName bool
	name       *scanName // an object's current member, the member an array is the value of
	args       []string  // an array's elements: strings, "" for anything else
	hasString  bool
}

// scanName is a member name seen in the file, once, with what credential.Name said of it.
type scanName struct {
	name   string
	secret bool
}

// jsonCredentials lists the credentials in a JSON or JSONC file, longest first, as
// credentialsIn does from the file's tree: the strings named like a credential or shaped
// like one, and the arguments of a command line that hold one. ok is false when the file
// cannot be followed token by token. It holds no tree: only the names of members (each
// once) and the strings of the arrays open at a time.
func jsonCredentials(src []byte) (creds []string, ok bool) {
	seen := map[string]bool{}
	names := map[string]*scanName{}
	root := &scanName{}
	var stack []scanFrameCred
	var buf []byte
	// context is the name a value at the top of the stack is judged by.
	context := func() *scanName {
		if len(stack) == 0 {
			return root
		}
		if f := &stack[len(stack)-1]; f.name != nil {
			return f.name
		}
		return root
	}
	element := func(s string, isString bool) {
		if len(stack) > 0 && !stack[len(stack)-1].obj {
			f := &stack[len(stack)-1]
			f.args = append(f.args, s)
			f.hasString = f.hasString || isString && s != ""
		}
	}
	// Between two tokens lie only blanks and comments; a comment may hold a token.
	prevEnd := 0
	comments := func(upTo int) {
		if gap := src[prevEnd:upTo]; len(gap) > 2 && bytes.IndexByte(gap, '/') >= 0 {
			for _, v := range tokensIn(gap) {
				if !kept(v) {
					seen[v] = true
				}
			}
		}
	}
	ok = walkJSON(src, func(t jsonToken, start, end int) bool {
		comments(start)
		prevEnd = end
		switch t {
		case '{', '[':
			element("", false)
			frame := scanFrameCred{obj: t == '{', expectName: t == '{'}
			if t == '[' {
				frame.name = context() // a list's strings are judged by the list's name
			}
			stack = append(stack, frame)
		case '}', ']':
			if len(stack) == 0 || stack[len(stack)-1].obj != (t == '}') {
				return false
			}
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if f.hasString {
				for _, c := range CredentialsInArgs(f.args) {
					if a := f.args[c.Arg]; !kept(a) {
						seen[a] = true
					}
				}
			}
		case ',':
			if len(stack) > 0 && stack[len(stack)-1].obj {
				stack[len(stack)-1].expectName = true
			}
		case tokScalar:
			element("", false)
		case tokString, tokPlainString:
			// The string is judged where it lies, in the file or in buf, and copied only
			// when it is kept.
			v := unsafe.String(unsafe.SliceData(src[start+1:]), end-start-2)
			if t == tokString {
				buf = unquoteInto(buf[:0], src[start:end])
				v = unsafe.String(unsafe.SliceData(buf), len(buf))
			}
			if len(stack) > 0 && stack[len(stack)-1].obj && stack[len(stack)-1].expectName {
				f := &stack[len(stack)-1]
				n, found := names[v]
				if !found {
					n = &scanName{name: strings.Clone(v)}
					n.secret = credential.Name(n.name)
					names[n.name] = n
				}
				f.name, f.expectName = n, false
				return true
			}
			if v != "" && !seen[v] && !credential.Reference(v) && (context().secret || credential.Value(v) || urlCredential(v)) && !kept(v) {
				seen[strings.Clone(v)] = true
			}
			if len(stack) > 0 && !stack[len(stack)-1].obj {
				element(strings.Clone(v), true)
			}
		}
		return true
	})
	if !ok || len(stack) != 0 {
		return nil, false
	}
	comments(len(src))
	out := make([]string, 0, len(seen))
	for v := range seen {
		out = append(out, v)
	}
	sortLongestFirst(out)
	return out, true
}

func sortLongestFirst(list []string) {
	slices.SortFunc(list, func(a, b string) int {
		if len(a) != len(b) {
			return len(b) - len(a)
		}
		return strings.Compare(a, b)
	})
}

// keepJSONCredentialsOut is keepCredentialsOut for a JSON or JSONC file, in one pass: every
// string whose value is a credential becomes a marker between its quotes, and every form of a
// credential of redact.MinLen characters or more (as the file spells it, base64, escaped)
// becomes a marker wherever it is, inside a longer string or a comment. ok is false when the
// file cannot be followed token by token.
func keepJSONCredentialsOut(ctx context.Context, keys keychain.Store, creds []string, content []byte) (out []byte, ok bool, err error) {
	ids := map[string]string{}
	keep := func(raw string) (string, error) {
		if id, ok := ids[raw]; ok {
			return id, nil
		}
		id, err := newBackupItem()
		if err != nil {
			return "", err
		}
		if err := keys.Set(ctx, backupService, id, raw); err != nil {
			return "", noKeychain(err)
		}
		ids[raw] = id
		return id, nil
	}
	isCred := make(map[string]bool, len(creds))
	var forms []string
	shortest, longest := len(creds[0]), 0
	for _, v := range creds {
		isCred[v] = true
		forms = append(forms, redact.Forms(v)...)
		shortest, longest = min(shortest, len(v)), max(longest, len(v))
	}
	pats := newPatternSet(forms)
	out = make([]byte, 0, len(content)+64)
	pos := 0
	// copyFrom appends content[pos:end] with every form of a credential in it replaced.
	copyFrom := func(end int) error {
		var err error
		out, err = pats.replace(out, content[pos:end], func(form string) (string, error) {
			id, err := keep(form)
			return backupMarkerPrefix + id, err
		})
		pos = end
		return err
	}
	var buf []byte
	var failed error
	ok = walkJSON(content, func(t jsonToken, start, end int) bool {
		var v string
		switch t {
		case tokPlainString:
			v = unsafe.String(unsafe.SliceData(content[start+1:]), end-start-2)
		case tokString:
			// An escape spells one to four bytes of the value in two to twelve.
			if raw := end - start - 2; raw < shortest || raw > 6*longest {
				return true
			}
			buf = unquoteInto(buf[:0], content[start:end])
			v = unsafe.String(unsafe.SliceData(buf), len(buf))
		default:
			return true
		}
		if !isCred[v] {
			return true
		}
		if failed = copyFrom(start); failed != nil {
			return false
		}
		id, err := keep(string(content[start+1 : end-1]))
		if err != nil {
			failed = err
			return false
		}
		out = append(append(append(out, '"'), backupMarkerPrefix+id...), '"')
		pos = end
		return true
	})
	if failed != nil {
		return nil, true, failed
	}
	if !ok {
		return nil, false, nil
	}
	if err := copyFrom(len(content)); err != nil {
		return nil, true, err
	}
	return out, true, nil
}

// patternSet finds any of a few texts (each at least 4 bytes) in one pass over a text: a
// 64 Kbit filter on the hash of every 4 bytes passes about one position in a thousand to the
// texts starting with those 4 bytes, longest first.
type patternSet struct {
	byPrefix map[uint32][]string
	filter   []uint64
}

func newPatternSet(texts []string) *patternSet {
	p := &patternSet{byPrefix: map[uint32][]string{}}
	for _, t := range texts {
		if len(t) < 4 {
			continue
		}
		if p.filter == nil {
			p.filter = make([]uint64, 1<<16/64)
		}
		k := binary.LittleEndian.Uint32([]byte(t[:4]))
		if !slices.Contains(p.byPrefix[k], t) {
			p.byPrefix[k] = append(p.byPrefix[k], t)
		}
		h := prefixHash(k)
		p.filter[h/64] |= 1 << (h % 64)
	}
	for _, list := range p.byPrefix {
		sortLongestFirst(list)
	}
	return p
}

func prefixHash(k uint32) uint32 { return (k * 0x9E3779B1) >> 16 }

// replace appends text to out with every match replaced by what with returns for it.
func (p *patternSet) replace(out, text []byte, with func(string) (string, error)) ([]byte, error) {
	if p.filter == nil {
		return append(out, text...), nil
	}
	last := 0
	for i := 0; i+4 <= len(text); i++ {
		k := binary.LittleEndian.Uint32(text[i:])
		h := prefixHash(k)
		if p.filter[h/64]&(1<<(h%64)) == 0 {
			continue
		}
		for _, t := range p.byPrefix[k] {
			if len(text)-i >= len(t) && string(text[i:i+len(t)]) == t {
				r, err := with(t)
				if err != nil {
					return nil, err
				}
				out = append(append(out, text[last:i]...), r...)
				i += len(t) - 1
				last = i + 1
				break
			}
		}
	}
	return append(out, text[last:]...), nil
}
