package reconcile

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/config"
)

// planMCPRouter plans the servers of MCP Router's JSON file at path: the servers it runs as
// programs; the tools the person switched off in MCP Router (toolPermissions false) become
// deny rules, so they stay off.
func (p *ManagerPlan) planMCPRouter(path string, taken map[string]bool) error {
	p.From = "MCP Router"
	servers, err := clients.ReadMCPRouter(path)
	if err != nil {
		return err
	}
	for _, s := range servers {
		is := p.add(path, s.Server, taken)
		if is == nil {
			continue
		}
		var off []string
		for _, tool := range slices.Sorted(maps.Keys(s.ToolPermissions)) {
			if s.ToolPermissions[tool] {
				continue
			}
			if err := is.Server.SetRule(tool, config.RuleDeny); err != nil {
				is.Note = joinNotes(is.Note, fmt.Sprintf("the tool %q you switched off in MCP Router is not carried: %s", tool, errorSentence(err)))
				continue
			}
			off = append(off, tool)
		}
		if len(off) > 0 {
			is.Note = joinNotes(is.Note, fmt.Sprintf("the tools you switched off in MCP Router stay off: MCP Tray denies %s", strings.Join(off, ", ")))
		}
	}
	return nil
}
