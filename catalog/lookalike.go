package catalog

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// LookAlike returns the id of the built-in entry whose name a registry entry imitates, or ""
// when it imitates none (and always "" for a built-in entry). The entry's short name and
// title are compared with every built-in id, short name and title after folding case,
// separators, "mcp"/"server" affixes, accents and look-alike characters (1/l/I, 0/o, rn/m,
// Cyrillic and Greek letters that look Latin); names of five or more letters also match at
// one edit (a letter added, dropped, changed or two swapped). Safe for concurrent use.
func LookAlike(e Entry) string {
	if e.Origin == OriginEmbedded {
		return ""
	}
	builtIn, err := Embedded()
	if err != nil {
		return ""
	}
	return lookAlikeIn(builtIn.Entries(), shortName(e.Server.Name), e.Server.Title)
}

func lookAlikeIn(builtIn []Entry, names ...string) string {
	for _, b := range builtIn {
		for _, n := range names {
			sk := skeleton(n)
			if sk == "" {
				continue
			}
			for _, bn := range []string{b.ID(), shortName(b.Server.Name), b.Title()} {
				bs := skeleton(bn)
				if bs == "" {
					continue
				}
				if sk == bs || len(bs) >= 5 && oneEdit(sk, bs) {
					return b.ID()
				}
			}
		}
	}
	return ""
}

// confusables maps characters that pass for a Latin letter to that letter.
var confusables = map[rune]rune{
	'1': 'l', 'i': 'l', '|': 'l', '!': 'l', 'ı': 'l', 'ł': 'l',
	'0': 'o', '5': 's', '$': 's', '@': 'a', '3': 'e', '4': 'a', '7': 't', '8': 'b', '9': 'g',
	// Cyrillic
	'а': 'a', 'в': 'b', 'е': 'e', 'ё': 'e', 'к': 'k', 'м': 'm', 'н': 'h', 'о': 'o', 'р': 'p',
	'с': 'c', 'т': 't', 'у': 'y', 'х': 'x', 'і': 'l', 'ї': 'l', 'ј': 'j', 'ѕ': 's', 'ԁ': 'd',
	'ԛ': 'q', 'ԝ': 'w', 'һ': 'h', 'ɡ': 'g', 'ӏ': 'l',
	// Greek
	'α': 'a', 'β': 'b', 'ε': 'e', 'η': 'n', 'ι': 'l', 'κ': 'k', 'ν': 'v', 'ο': 'o', 'ρ': 'p',
	'τ': 't', 'υ': 'u', 'χ': 'x', 'γ': 'y',
}

// affixes are words registry names add around a server's name.
var affixes = []string{"mcp-server-", "server-", "mcp-", "modelcontextprotocol-"}
var suffixes = []string{"-mcp-server", "-server-mcp", "-server", "-mcp"}

// skeleton folds a name to what it looks like: lower case, accents dropped, look-alike
// characters replaced, affixes and separators removed.
func skeleton(s string) string {
	var b strings.Builder
	for _, r := range norm.NFKD.String(strings.ToLower(strings.TrimSpace(s))) {
		switch {
		case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Cf, r):
			continue
		case r == '_' || r == '.' || r == ' ' || r == '-':
			b.WriteByte('-')
			continue
		}
		if c, ok := confusables[r]; ok {
			r = c
		}
		b.WriteRune(r)
	}
	t := "-" + strings.Trim(b.String(), "-") + "-"
	for _, a := range affixes {
		if rest, ok := strings.CutPrefix(t, "-"+a); ok && rest != "" {
			t = "-" + rest
		}
	}
	for _, a := range suffixes {
		if rest, ok := strings.CutSuffix(t, a+"-"); ok && rest != "-" && rest != "" {
			t = rest + "-"
		}
	}
	t = strings.ReplaceAll(t, "-", "")
	t = strings.ReplaceAll(t, "rn", "m")
	t = strings.ReplaceAll(t, "vv", "w")
	return t
}

// oneEdit reports whether a and b differ by exactly one added, dropped or changed rune, or
// two neighbours swapped.
func oneEdit(a, b string) bool {
	x, y := []rune(a), []rune(b)
	if len(x) < len(y) {
		x, y = y, x
	}
	switch len(x) - len(y) {
	case 0:
		var diff []int
		for i := range x {
			if x[i] != y[i] {
				diff = append(diff, i)
				if len(diff) > 2 {
					return false
				}
			}
		}
		switch len(diff) {
		case 1:
			return true
		case 2:
			i, j := diff[0], diff[1]
			return j == i+1 && x[i] == y[j] && x[j] == y[i]
		}
		return false
	case 1:
		i := 0
		for i < len(y) && x[i] == y[i] {
			i++
		}
		return string(x[i+1:]) == string(y[i:])
	}
	return false
}
