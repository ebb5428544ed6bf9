package policy

import (
	"encoding/base64"
	"encoding/hex"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// A view is one reading of a piece of text that the rules are matched against: the text as a
// person would see it once normalised, or a payload hidden inside it (decoded base64 or hex,
// ROT13, leetspeak, Unicode tag characters). via names the hiding place for views other than
// the plain one, so a finding can say where it was.
type view struct {
	text string // lower case, normalised (see normalise)
	via  string // "" for the plain text, else a short noun phrase: "base64", "ROT13"…
}

// hiddenMarks are what normalise removed or found while reading a text: each becomes a
// finding of its own (an escape sequence is suspicious whatever it hides).
type hiddenMarks struct {
	escapes    bool   // terminal escape sequences (ESC, CSI, OSC) or backspace / lone CR
	invisible  bool   // zero-width and other format characters
	bidi       bool   // direction controls
	tagged     string // ASCII smuggled in Unicode tag characters
	homoglyphs bool   // a word mixing Latin letters with Greek or Cyrillic look-alikes
	wide       bool   // full-width or other compatibility letters folded by NFKC
}

// escapeSeq matches terminal control sequences: CSI (ESC [ … final byte, or the 8-bit CSI),
// OSC (ESC ] … BEL or ST, hyperlinks and window titles included) and two-byte ESC sequences.
var escapeSeq = lazyRegexp("\x1b\\[[0-?]*[ -/]*[@-~]|\u009b[0-?]*[ -/]*[@-~]|\x1b\\][^\x07\x1b]*(\x07|\x1b\\\\)?|\x1b[@-Z\\\\-_]|\x1b")

// normalise reads s the way a model would and a person would not: it strips terminal escape
// sequences, invisible and direction characters, decodes Unicode tag characters, folds
// compatibility forms (NFKC) and Greek or Cyrillic look-alikes into Latin letters, and lower-
// cases. It reports what it removed in marks.
func normalise(s string) (string, hiddenMarks) {
	var m hiddenMarks
	if strings.ContainsAny(s, "\x1b\u009b\b") || loneCR(s) {
		m.escapes = true
		s = escapeSeq().ReplaceAllString(s, " ")
		s = strings.NewReplacer("\b", "", "\r\n", "\n", "\r", "\n").Replace(s)
	}
	var b, tags strings.Builder
	for i, r := range s {
		switch {
		case r >= 0xE0020 && r <= 0xE007E:
			tags.WriteRune(r - 0xE0000)
		case r >= 0xE0000 && r <= 0xE007F, r >= 0xE0100 && r <= 0xE01EF:
			m.invisible = true
		case isBidiControl(r):
			m.bidi = true
		case r == 0x200D && zwjInEmoji(s, i):
		case r >= 0xFE00 && r <= 0xFE0F: // emoji presentation selectors
		case unicode.Is(unicode.Cf, r):
			m.invisible = true
		default:
			b.WriteRune(r)
		}
	}
	m.tagged = tags.String()
	out := b.String()
	if !isASCII(out) {
		if n := norm.NFKC.String(out); n != out {
			m.wide = m.wide || hasWideLetters(out)
			out = n
		}
		var folded bool
		out, folded = foldConfusables(out)
		m.homoglyphs = folded
	}
	if m.tagged != "" {
		out += "\n" + m.tagged
	}
	return strings.ToLower(out), m
}

func loneCR(s string) bool {
	for i := strings.IndexByte(s, '\r'); i >= 0; i = strings.IndexByte(s, '\r') {
		if i+1 >= len(s) || s[i+1] != '\n' {
			return true
		}
		s = s[i+1:]
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// zwjInEmoji reports whether the zero-width joiner at byte i joins two symbols (an emoji
// sequence such as a family), which is ordinary text.
func zwjInEmoji(s string, i int) bool {
	before, _ := utf8.DecodeLastRuneInString(s[:i])
	after, _ := utf8.DecodeRuneInString(s[i+3:])
	return isSymbol(before) && isSymbol(after)
}

func isBidiControl(r rune) bool {
	return r == 0x061C || r == 0x200E || r == 0x200F || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}

func isSymbol(r rune) bool { return unicode.Is(unicode.So, r) || (r >= 0x1F000 && r <= 0x1FAFF) }

// hasWideLetters reports full-width ASCII letters (U+FF21–FF5A), the compatibility form an
// attacker uses to slip words past a filter; other NFKC folds (ligatures, ²) are ordinary.
func hasWideLetters(s string) bool {
	n := 0
	for _, r := range s {
		if (r >= 0xFF21 && r <= 0xFF3A) || (r >= 0xFF41 && r <= 0xFF5A) {
			n++
		}
	}
	return n >= 4
}

// confusables maps Greek and Cyrillic letters that look like Latin ones to those letters.
var confusables = map[rune]rune{
	'А': 'A', 'В': 'B', 'Е': 'E', 'К': 'K', 'М': 'M', 'Н': 'H', 'О': 'O', 'Р': 'P', 'С': 'C', 'Т': 'T', 'Х': 'X', 'У': 'Y',
	'а': 'a', 'е': 'e', 'о': 'o', 'р': 'p', 'с': 'c', 'у': 'y', 'х': 'x', 'і': 'i', 'І': 'I', 'ј': 'j', 'Ј': 'J', 'ѕ': 's', 'Ѕ': 'S',
	'ԁ': 'd', 'ԛ': 'q', 'ԝ': 'w', 'һ': 'h', 'ɡ': 'g', 'ʏ': 'y', 'ı': 'i',
	'Α': 'A', 'Β': 'B', 'Ε': 'E', 'Ζ': 'Z', 'Η': 'H', 'Ι': 'I', 'Κ': 'K', 'Μ': 'M', 'Ν': 'N', 'Ο': 'O', 'Ρ': 'P', 'Τ': 'T', 'Υ': 'Y', 'Χ': 'X',
	'α': 'a', 'ο': 'o', 'ρ': 'p', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'τ': 't', 'υ': 'u', 'χ': 'x', 'ε': 'e',
}

// foldConfusables replaces look-alike letters in words that also hold Latin letters (a
// Cyrillic "о" inside "ignоre"); words wholly in Greek or Cyrillic are real text in those
// languages and are left alone. folded reports whether any word was a mix.
func foldConfusables(s string) (string, bool) {
	var b strings.Builder
	folded := false
	word := make([]rune, 0, 16)
	flush := func() {
		latin, other := false, false
		for _, r := range word {
			if _, ok := confusables[r]; ok {
				other = true
			} else if r < 0x250 && unicode.IsLetter(r) {
				latin = true
			}
		}
		// A word of look-alikes only ("Ѕ", "оо") counts as mixed when it sits among Latin words,
		// which the sentence check below cannot see; a mixed word is the clear signal.
		for _, r := range word {
			if c, ok := confusables[r]; ok && latin && other {
				r = c
				folded = true
			}
			b.WriteRune(r)
		}
		word = word[:0]
	}
	for _, r := range s {
		if unicode.IsLetter(r) {
			word = append(word, r)
			continue
		}
		flush()
		b.WriteRune(r)
	}
	flush()
	return b.String(), folded
}

// leetFold undoes leetspeak digits inside words ("1gn0r3" → "ignore"); a word without a
// letter (a number, a version) is left alone. changed reports whether anything was folded.
func leetFold(s string) (string, bool) {
	const from, to = "0134578@$", "oieastbas"
	b := []byte(s)
	changed := false
	for i := 0; i < len(b); i++ {
		k := strings.IndexByte(from, b[i])
		if k < 0 {
			continue
		}
		// Only inside a word that also has letters: look around for a letter.
		j, hasLetter := i, false
		for j > 0 && isWordByte(b[j-1]) {
			j--
		}
		for e := j; e < len(b) && isWordByte(b[e]); e++ {
			if b[e] >= 'a' && b[e] <= 'z' {
				hasLetter = true
				break
			}
		}
		if hasLetter {
			b[i] = to[k]
			changed = true
		}
	}
	return string(b), changed
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '@' || c == '$'
}

// rot13 rotates ASCII letters by 13.
func rot13(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z':
			b[i] = 'a' + (c-'a'+13)%26
		case c >= 'A' && c <= 'Z':
			b[i] = 'A' + (c-'A'+13)%26
		}
	}
	return string(b)
}

// decodedPayloads returns the readable text hidden in runs of base64 or hex inside s: a run
// that decodes to mostly printable ASCII with spaces between words (so ids, hashes and keys,
// which decode to noise, give nothing).
func decodedPayloads(s string) []view {
	var out []view
	for _, run := range encodedRuns(s, 8) {
		if isHex(run) {
			if len(run)%2 == 0 && len(run) >= 32 {
				if b, err := hex.DecodeString(run); err == nil && readable(b) {
					out = append(out, view{text: strings.ToLower(string(b)), via: "hex"})
				}
			}
			continue
		}
		trimmed := strings.TrimRight(run, "=")
		if len(trimmed)%4 == 1 {
			trimmed = trimmed[:len(trimmed)-1] // a stray character: decode the rest
		}
		for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
			if b, err := enc.DecodeString(trimmed); err == nil {
				if readable(b) {
					out = append(out, view{text: strings.ToLower(string(b)), via: "base64"})
				}
				break
			}
		}
	}
	return out
}

// encodedRuns returns up to n maximal runs of 24 or more base64 (or base64url) characters.
func encodedRuns(s string, n int) []string {
	var out []string
	start := -1
	for i := 0; i <= len(s); i++ {
		in := i < len(s) && isEncodedByte(s[i])
		switch {
		case in && start < 0:
			start = i
		case !in && start >= 0:
			if i-start >= 24 {
				out = append(out, s[start:i])
				if len(out) == n {
					return out
				}
			}
			start = -1
		}
	}
	return out
}

func isEncodedByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '-' || c == '_' || c == '='
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// readable reports whether b looks like words: printable ASCII, at least two spaces.
func readable(b []byte) bool {
	if len(b) < 12 {
		return false
	}
	spaces := 0
	for _, c := range b {
		if c == ' ' {
			spaces++
		}
		if (c < 0x20 || c > 0x7e) && c != '\n' && c != '\t' {
			return false
		}
	}
	return spaces >= 2
}
