package clients

import (
	"bytes"
	"strings"
)

// A hand scanner for strict JSON, for files that are big because of what MCP Tray does not
// edit (Claude Code keeps every project's history in ~/.claude.json: tens of megabytes). In one
// pass over the bytes, without building a tree, it checks the file is strict JSON (exactly what
// encoding/json.Valid accepts), cuts the top-level object into its members' spans, and learns
// the file's layout as detectLayout does from hujson's tree. Only the servers' object is then
// parsed into a tree; every other member stays the bytes it was.

// strictScan is what one pass over a strict JSON file with an object at the top learnt.
type strictScan struct {
	before, after []byte // white space before the top-level '{' and after its '}'
	start, end    int    // the top-level object's '{' and the byte after its '}'
	closing       []byte // white space between the last member (or '{') and '}'
	members       []topMember
	lay           layout
}

// topMember is one member of the top-level object, as hujson would split it.
type topMember struct {
	nameBefore []byte // white space before the name
	name       []byte // the name's literal, quotes included
	nameAfter  []byte // white space between the name and ':'
	valBefore  []byte // white space between ':' and the value
	valStart   int
	valEnd     int
	valAfter   []byte // white space between the value and ',' (nil for the last member)
}

// maxScanDepth is encoding/json's nesting limit; deeper files go the general way.
const maxScanDepth = 10000

// jsonStop marks the bytes that end a run of plain string content.
var jsonStop = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// scanFrame is one open object or array.
type scanFrame struct {
	obj    bool
	n      int    // members or elements seen
	indent string // indentation of the line it opens on, while the layout is being learnt
}

// layoutLearner is detectLayout's walk, fed one token at a time in document order (which is
// the walk's order), for strict JSON (no comments, no trailing commas).
type layoutLearner struct {
	l                               layout
	foundUnit, foundColon, foundSep bool
}

func (ll *layoutLearner) done() bool { return ll.foundUnit && ll.foundColon && ll.foundSep }

// member is one member of an object opened on a line indented by parent, with the white
// space before its name and before its value; i is its index.
func (ll *layoutLearner) member(parent string, nameBefore, valBefore []byte, i int) {
	if !ll.foundUnit {
		if ind, ok := trailingIndent(nameBefore); ok && len(ind) > len(parent) && strings.HasPrefix(ind, parent) {
			ll.l.unit, ll.foundUnit = ind[len(parent):], true
		}
	}
	if !ll.foundColon && isSpaces(valBefore) {
		ll.l.colon, ll.foundColon = string(valBefore), true
	}
	if i > 0 && !ll.foundSep && isSpaces(nameBefore) {
		ll.l.sep, ll.foundSep = string(nameBefore), true
	}
}

// element is element i of an array, with the white space before it.
func (ll *layoutLearner) element(before []byte, i int) {
	if i > 0 && !ll.foundSep && isSpaces(before) {
		ll.l.sep, ll.foundSep = string(before), true
	}
}

// scanStrictObject scans src (no byte order mark). ok is false when src is not strict JSON
// with an object at the top, or nests deeper than encoding/json allows: the general path then
// reads it (and explains what is wrong).
func scanStrictObject(src []byte) (s *strictScan, ok bool) {
	s = &strictScan{}
	ll := layoutLearner{l: layout{nl: "\n", unit: "  ", colon: " ", sep: " "}}
	if i := bytes.IndexByte(src, '\n'); i > 0 && src[i-1] == '\r' {
		ll.l.nl = "\r\n"
	}
	n := len(src)
	lineStart := 0 // where the line being scanned starts (new lines are only in white space)
	i := skipSpace(src, 0, &lineStart)
	if i >= n || src[i] != '{' {
		return nil, false
	}
	s.before, s.start = src[:i], i
	var stack []scanFrame
	top := -1 // the top-level member whose value is being read

	const (
		atValue  = iota // i is where a value starts
		atMember        // i is where an object member's name should start, ws where its white space did
		atAfter         // i is just after a value
	)
	state, ws := atValue, 0
	for {
		switch state {
		case atValue:
			if i >= n {
				return nil, false
			}
			c := src[i]
			switch {
			case c == '{' || c == '[':
				if len(stack) >= maxScanDepth {
					return nil, false
				}
				fr := scanFrame{obj: c == '{'}
				if !ll.done() {
					fr.indent = lineIndent(src[lineStart:], 0)
				}
				stack = append(stack, fr)
				i++
				ws = i
				i = skipSpace(src, i, &lineStart)
				if i < n && src[i] == c+2 { // '}' or ']': empty
					if len(stack) == 1 {
						s.closing = src[ws:i]
					}
					stack = stack[:len(stack)-1]
					i++
					state = atAfter
				} else if fr.obj {
					state = atMember
				} else {
					if !ll.done() {
						ll.element(src[ws:i], 0)
					}
					stack[len(stack)-1].n = 1
				}
				continue
			case c == '"':
				if i, ok = skipString(src, i); !ok {
					return nil, false
				}
			case c == '-' || (c >= '0' && c <= '9'):
				if i, ok = skipNumber(src, i); !ok {
					return nil, false
				}
			case c == 't' && bytes.HasPrefix(src[i:], []byte("true")):
				i += 4
			case c == 'f' && bytes.HasPrefix(src[i:], []byte("false")):
				i += 5
			case c == 'n' && bytes.HasPrefix(src[i:], []byte("null")):
				i += 4
			default:
				return nil, false
			}
			state = atAfter

		case atMember:
			if i >= n || src[i] != '"' {
				return nil, false
			}
			nameStart := i
			if i, ok = skipString(src, i); !ok {
				return nil, false
			}
			nameEnd := i
			i = skipSpace(src, i, &lineStart)
			if i >= n || src[i] != ':' {
				return nil, false
			}
			colon := i
			i++
			vs := i
			i = skipSpace(src, i, &lineStart)
			fr := &stack[len(stack)-1]
			if !ll.done() {
				ll.member(fr.indent, src[ws:nameStart], src[vs:i], fr.n)
			}
			fr.n++
			if len(stack) == 1 {
				s.members = append(s.members, topMember{
					nameBefore: src[ws:nameStart], name: src[nameStart:nameEnd], nameAfter: src[nameEnd:colon],
					valBefore: src[vs:i], valStart: i,
				})
				top = len(s.members) - 1
			}
			state = atValue

		case atAfter:
			if len(stack) == 0 { // the top-level object ended
				s.end = i
				if skipSpace(src, i, &lineStart) != n {
					return nil, false
				}
				s.after = src[i:]
				s.lay = ll.l
				if !ll.foundSep {
					s.lay.sep = s.lay.colon
				}
				s.lay.compact = len(s.members) > 0 && bytes.IndexByte(src[s.start:s.end], '\n') < 0
				return s, true
			}
			if len(stack) == 1 && top >= 0 {
				s.members[top].valEnd = i
			}
			ws = i
			i = skipSpace(src, i, &lineStart)
			if i >= n {
				return nil, false
			}
			fr := &stack[len(stack)-1]
			switch c := src[i]; {
			case c == ',':
				if len(stack) == 1 {
					s.members[top].valAfter = src[ws:i]
				}
				i++
				ws = i
				i = skipSpace(src, i, &lineStart)
				if fr.obj {
					state = atMember
				} else {
					if !ll.done() {
						ll.element(src[ws:i], fr.n)
					}
					fr.n++
					state = atValue
				}
			case (c == '}' && fr.obj) || (c == ']' && !fr.obj):
				if len(stack) == 1 {
					s.closing = src[ws:i]
				}
				stack = stack[:len(stack)-1]
				i++
			default:
				return nil, false
			}
		}
	}
}

// skipSpace returns the end of the JSON white space at i, moving *lineStart past each new line.
func skipSpace(src []byte, i int, lineStart *int) int {
	for i < len(src) {
		switch src[i] {
		case ' ', '\t', '\r':
		case '\n':
			*lineStart = i + 1
		default:
			return i
		}
		i++
	}
	return i
}

// skipString returns the end of the string that starts at the quote at i; false when it is
// not valid JSON (a control character, a bad escape, no closing quote).
func skipString(src []byte, i int) (int, bool) {
	n := len(src)
	i++
	for {
		for i < n && !jsonStop[src[i]] {
			i++
		}
		if i >= n {
			return i, false
		}
		switch src[i] {
		case '"':
			return i + 1, true
		case '\\':
			if i+1 >= n {
				return i, false
			}
			switch src[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > n || !isHex4(src[i+2:i+6]) {
					return i, false
				}
				i += 6
			default:
				return i, false
			}
		default: // a control character
			return i, false
		}
	}
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// skipNumber returns the end of the number at i: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func skipNumber(src []byte, i int) (int, bool) {
	n := len(src)
	digits := func(i int) (int, bool) {
		start := i
		for i < n && src[i] >= '0' && src[i] <= '9' {
			i++
		}
		return i, i > start
	}
	if src[i] == '-' {
		i++
	}
	if i < n && src[i] == '0' {
		i++
	} else {
		var ok bool
		if i, ok = digits(i); !ok {
			return i, false
		}
	}
	if i < n && src[i] == '.' {
		var ok bool
		if i, ok = digits(i + 1); !ok {
			return i, false
		}
	}
	if i < n && (src[i] == 'e' || src[i] == 'E') {
		i++
		if i < n && (src[i] == '+' || src[i] == '-') {
			i++
		}
		var ok bool
		if i, ok = digits(i); !ok {
			return i, false
		}
	}
	return i, true
}
