package catalog

import (
	"strings"
	"unicode/utf8"

	"github.com/mcptray/mcptray/internal/display"
)

// CardMax is the longest line CardLine returns, in characters. Every built-in summary fits.
const CardMax = 140

// CardLine is the one line a catalog card shows under an entry's title, from its Summary:
// the first line only, spaces collapsed, cut at a word to CardMax characters with "…", and
// made safe to show (internal/display.Line), since a registry entry's description is the
// publisher's text.
func CardLine(summary string) string {
	s, _, _ := strings.Cut(strings.TrimSpace(summary), "\n")
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > CardMax {
		cut := []rune(s)[:CardMax-1]
		if i := strings.LastIndexByte(string(cut), ' '); i > CardMax/2 {
			s = string(cut)[:i]
		} else {
			s = string(cut)
		}
		s = strings.TrimRight(s, " ,;:.") + "…"
	}
	return display.Line(s)
}
