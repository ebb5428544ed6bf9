package reconcile

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/mcptray/mcptray/clients"
)

// shadowLocked says, as sentences, where a Claude Code server of one project (local or
// project scope) has the same name as an entry of MCP Tray's in ~/.claude.json: Claude Code
// then starts its own server in that project instead of MCP Tray's, although the file holds
// MCP Tray's entry. "" when nothing is shadowed. The answer is kept while the file, by stat,
// is unchanged (~/.claude.json can be large).
func (r *Reconciler) shadowLocked(c clients.Client, path string, cur clients.Config) string {
	if c.ID() != "claude-code" {
		return ""
	}
	var ours []string
	for _, s := range cur.Servers {
		if s.Ours {
			ours = append(ours, s.Key)
		}
	}
	if len(ours) == 0 {
		return ""
	}
	f := r.files[path]
	if f != nil && f.shadowDone && f.shadowAt.unchanged(path) {
		return f.shadow
	}
	stamp := stampOf(path)
	content, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	scoped, err := clients.ClaudeCodeScoped(path, content)
	if err != nil {
		return ""
	}
	var notes []string
	for _, s := range scoped {
		if !s.Server.Ours && slices.Contains(ours, s.Server.Key) {
			notes = append(notes, fmt.Sprintf("In the project %s, Claude Code starts its own server %q (%s scope) instead of MCP Tray's; remove it there (claude mcp remove %s) to use MCP Tray's.",
				s.Project, s.Server.Key, s.Scope, s.Server.Key))
		}
	}
	note := strings.Join(notes, " ")
	if f != nil {
		f.shadow, f.shadowAt, f.shadowDone = note, stamp, true
	}
	return note
}
