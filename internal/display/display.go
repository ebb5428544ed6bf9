// Package display makes text that came from outside MCP Tray — tool names, descriptions,
// arguments, server output, the name a client gives itself — safe to show a person. A server
// can put carriage returns, terminal escape sequences or bidirectional overrides in anything
// it sends; shown raw, `delete_all\r\e[2Kread_thing` reads as `read_thing`. Every screen (the
// CLI and the GUI) passes such text through Line or Text first.
package display

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Line returns s for one line of output: every control character (C0, DEL, C1, line and
// paragraph separators), every bidirectional formatting character and every invisible format
// character is written as a visible escape (`\r`, `\x1b`, `\u202e`), and invalid UTF-8 bytes as
// `\xNN`. A backslash is doubled only when it could be mistaken for one of those escapes, so
// ordinary paths stay readable. Line is safe for concurrent use and allocates only when s
// needs escaping.
func Line(s string) string { return escape(s, false) }

// Text is Line for multi-line text: newlines and tabs are kept, everything else Line escapes
// is escaped.
func Text(s string) string { return escape(s, true) }

// Suspicious reports whether s holds a character Line would escape (a backslash alone does
// not count).
func Suspicious(s string) bool {
	for _, r := range s {
		if unsafeRune(r, false) {
			return true
		}
	}
	return !utf8.ValidString(s)
}

func escape(s string, multiline bool) string {
	i := firstUnsafe(s, multiline)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\\' && escapesLater(s[i+1:]):
			b.WriteString(`\\`)
		case !unsafeRune(r, multiline):
			b.WriteString(s[i : i+n])
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		i += n
	}
	return b.String()
}

// escapesLater reports whether the text after a backslash starts like an escape Line writes,
// so that a literal `\x1b` in the input cannot pass for an escaped ESC.
func escapesLater(rest string) bool {
	return rest != "" && strings.ContainsRune(`rntxu\`, rune(rest[0]))
}

func firstUnsafe(s string, multiline bool) int {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, n := utf8.DecodeRuneInString(s[i:]); n == 1 {
				return i
			}
		}
		if unsafeRune(r, multiline) || r == '\\' && escapesLater(s[i+1:]) {
			return i
		}
	}
	return -1
}

func unsafeRune(r rune, multiline bool) bool {
	switch {
	case multiline && (r == '\n' || r == '\t'):
		return false
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
		return true
	}
	switch r {
	case '\u061c', // arabic letter mark
		'\u180e',                               // mongolian vowel separator
		'\u200b', '\u200c', '\u200d', '\u2060', // zero-width space, non-joiner, joiner, word joiner
		'\u200e', '\u200f', // left-to-right and right-to-left marks
		'\u2028', '\u2029', // line and paragraph separators
		'\ufeff': // zero-width no-break space
		return true
	}
	return (r >= '\u202a' && r <= '\u202e') || // embeddings and overrides
		(r >= '\u2066' && r <= '\u2069') || // isolates
		(r >= '\U000e0000' && r <= '\U000e007f') // tag characters (invisible ASCII)
}
