package catalog

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCardLine(t *testing.T) {
	long := strings.Repeat("word ", 40)
	for _, tt := range []struct{ in, want string }{
		{"Lets your AI read files.", "Lets your AI read files."},
		{"  First line.\nSecond line.", "First line."},
		{"Tabs\tand   spaces", "Tabs and spaces"},
		{"bad\x1b[2Kname", `bad\x1b[2Kname`},
		{long, strings.TrimSpace(strings.Repeat("word ", 27)) + "…"},
	} {
		got := CardLine(tt.in)
		if got != tt.want {
			t.Errorf("CardLine(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if utf8.RuneCountInString(got) > CardMax+8 { // display may lengthen escapes
			t.Errorf("CardLine(%q) is %d characters", tt.in, utf8.RuneCountInString(got))
		}
	}
}

// Every built-in entry says in one plain line what it lets the AI do, and that line fits a
// card uncut.
func TestBuiltinSummariesSayWhatTheyDo(t *testing.T) {
	entries, err := LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	starts := []string{"Lets your AI ", "Gives your AI ", "Helps your AI ", "Tells your AI ", "A demo server "}
	for _, e := range entries {
		s := e.Summary()
		ok := false
		for _, p := range starts {
			ok = ok || strings.HasPrefix(s, p)
		}
		if !ok {
			t.Errorf("%s: %q does not start by saying what it lets your AI do", e.ID(), s)
		}
		if CardLine(s) != s {
			t.Errorf("%s: %q does not fit a card as it is (%q)", e.ID(), s, CardLine(s))
		}
		for _, jargon := range []string{"MCP", "npm", "npx", "uvx", "stdio", "CLI", "JSON"} {
			if strings.Contains(s, jargon) {
				t.Errorf("%s: %q says %s", e.ID(), s, jargon)
			}
		}
	}
}
