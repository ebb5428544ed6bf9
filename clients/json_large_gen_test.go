package clients

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
)

// bigClaudeJSON generates a ~/.claude.json of about size bytes as Claude Code writes it
// (JSON.stringify with two-space indentation): a few settings, the person's own MCP servers
// in the middle, and a "projects" object with one entry per project folder holding its
// history: long prompts and pasted files with new lines, quotes, backslashes, tabs, non-ASCII
// text and \u escapes, nested objects and lists. The same size and seed give the same bytes.
// Each project also has a "lastSessionId", as Claude Code writes it, only with sessionIDs: its
// name reads as a credential's, so the backup of such a file puts one keychain item per
// project (see BenchmarkApplyClaudeJSON100MB).
func bigClaudeJSON(size int, seed uint64, sessionIDs ...bool) []byte {
	r := rand.New(rand.NewPCG(seed, 0x6d6370))
	words := []string{"fix", "the", "parser", "so", "that", "it", "reads", "nested", "objects", "résumé",
		"naïve", "日本語の", "テキスト", "emoji 🚀", "\"quoted\"", `C:\Users\x\src`, "tab\there", "line\nbreak",
		"unicode \u2028 separator", "zero\u200bwidth", "<html>", "&amp;", "SELECT * FROM t;", "{\"json\": [1, 2]}",
		"please", "again", "function", "return", "error", "undefined", "null", "42", "-1.5e10"}
	sentence := func(n int) string {
		var b strings.Builder
		for i := range n {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(words[r.IntN(len(words))])
		}
		return b.String()
	}
	str := func(s string) string {
		b, _ := json.Marshal(s)
		return string(b)
	}
	var sb strings.Builder
	sb.Grow(size + size/16)
	sb.WriteString("{\n  \"numStartups\": 412,\n  \"installMethod\": \"npm-global\",\n  \"autoUpdates\": true,\n")
	sb.WriteString("  \"tipsHistory\": {\n    \"new-user-warmup\": 7,\n    \"memory-command\": 120,\n    \"theme-command\": 3\n  },\n")
	sb.WriteString("  \"firstStartTime\": \"2025-03-01T09:12:44.123Z\",\n")
	sb.WriteString("  \"mcpServers\": {\n    \"notes\": {\n      \"type\": \"stdio\",\n      \"command\": \"npx\",\n      \"args\": [\n        \"-y\",\n        \"@acme/notes-mcp\"\n      ],\n      \"env\": {}\n    }\n  },\n")
	sb.WriteString("  \"projects\": {")
	for p := 0; sb.Len() < size-4096; p++ {
		if p > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, "\n    %s: {\n      \"allowedTools\": [],\n      \"history\": [", str(fmt.Sprintf("/home/person/src/project-%d/%s", p, sentence(2))))
		for h := range 5 + r.IntN(20) {
			if h > 0 {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, "\n        {\n          \"display\": %s,\n          \"pastedContents\": {", str(sentence(10+r.IntN(80))))
			if r.IntN(4) == 0 {
				fmt.Fprintf(&sb, "\n            \"1\": {\n              \"id\": 1,\n              \"type\": \"text\",\n              \"content\": %s\n            }\n          ", str(sentence(200+r.IntN(2000))))
			}
			sb.WriteString("}\n        }")
		}
		fmt.Fprintf(&sb, "\n      ],\n      \"mcpContextUris\": [],\n      \"mcpServers\": {},\n      \"enabledMcpjsonServers\": [],\n      \"disabledMcpjsonServers\": [],\n      \"hasTrustDialogAccepted\": %t,\n      \"projectOnboardingSeenCount\": %d,\n      \"lastCost\": %.6f,\n      \"lastAPIDuration\": %d", r.IntN(2) == 0, r.IntN(9), r.Float64()*3, r.IntN(900000))
		if len(sessionIDs) > 0 && sessionIDs[0] {
			fmt.Fprintf(&sb, ",\n      \"lastSessionId\": \"%08x-1d2e-4f3a-9b8c-%012x\"", r.Uint32(), r.Uint64()&0xffffffffffff)
		}
		sb.WriteString("\n    }")
	}
	sb.WriteString("\n  },\n  \"hasCompletedOnboarding\": true,\n  \"lastOnboardingVersion\": \"1.0.30\"\n}")
	return []byte(sb.String())
}
