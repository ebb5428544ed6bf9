// Package prose turns errors and lists into the plain sentences MCP Tray shows people.
package prose

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Finish makes s a sentence: trimmed, first letter upper case, ending in ".", "?" or "!".
// An empty s becomes "Something went wrong.".
func Finish(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return "Something went wrong."
	}
	if r, n := utf8.DecodeRuneInString(s); unicode.IsLower(r) {
		s = string(unicode.ToUpper(r)) + s[n:]
	}
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "?") && !strings.HasSuffix(s, "!") {
		s += "."
	}
	return s
}

// Sentence is err's message as a sentence (see Finish).
func Sentence(err error) string { return Finish(err.Error()) }

// JoinAnd renders items for a sentence: "a", "a and b", "a, b and c"; "" for none.
func JoinAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
