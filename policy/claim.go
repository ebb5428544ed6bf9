package policy

import (
	"slices"
	"strings"
	"unicode"
)

// The name an AI app gives itself (clientInfo.name) is a claim any program can make; the
// program that started its bridge is what the operating system reports (Approval.App). Every
// screen compares the two the same way, through ClaimMatches.

// appWords are the words the program of a well-known AI app has in its file name (Claude
// Desktop runs as "Claude" or "Claude Helper", VS Code as "Code Helper (Plugin)").
var appWords = map[string][]string{
	"Claude Desktop": {"claude"},
	"Claude Code":    {"claude"},
	"Cursor":         {"cursor"},
	"VS Code":        {"code", "vscode", "codium"},
	"Windsurf":       {"windsurf"},
	"Gemini CLI":     {"gemini"},
	"Codex":          {"codex"},
}

// ClaimMatches reports whether the program at path carries the name an app claims: a word of
// the program's file name (not of its folders, which anyone can name) is a word of the claimed
// name, or of the program names a well-known app is known to run as.
func ClaimMatches(claimed, path string) bool {
	base := path[strings.LastIndexAny(path, `/\`)+1:]
	words := strings.FieldsFunc(strings.ToLower(base), func(r rune) bool { return !unicode.IsLetter(r) })
	want, ok := appWords[claimed]
	if !ok {
		want = strings.FieldsFunc(strings.ToLower(claimed), func(r rune) bool { return !unicode.IsLetter(r) })
	}
	for _, w := range words {
		if slices.Contains(want, w) {
			return true
		}
	}
	return false
}
