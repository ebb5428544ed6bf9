package reconcile

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/config"
)

// planMCPRouter plans the servers of MCP Router's export at path (clients.ReadMCPRouter), or
// of the newest export in the Downloads folder when path is "" (clients.FindMCPRouterExport):
// the servers it runs as programs, with the settings it fills into their arguments filled in
// the same way (a credential from the keychain at each start, as ${secret:NAME}); the tools
// the person switched off in MCP Router (toolPermissions false, in a list of its servers)
// become deny rules, so they stay off. A remote server is named with what to do instead,
// since its export holds no address.
func (p *ManagerPlan) planMCPRouter(path string, taken map[string]bool) error {
	p.From = "MCP Router"
	if path == "" {
		found, err := clients.FindMCPRouterExport(p.opts.Env)
		if err != nil {
			return fmt.Errorf("%w; save one with the Export button above MCP Router's server list, or give the file with: mcptray client import mcprouter --file FILE", err)
		}
		path = found
	}
	servers, err := clients.ReadMCPRouter(path)
	if err != nil {
		return err
	}
	for _, s := range servers {
		switch {
		case s.AddressLeftOut:
			p.skip(path, s.Key, "it is a remote server, and MCP Router's export leaves out its address and token; add it yourself with: mcptray server add NAME --url ADDRESS")
			continue
		case s.Remote:
			p.skip(path, s.Key, "it is a remote server; add it yourself with the address MCP Router shows for it: mcptray server add NAME --url ADDRESS")
			continue
		}
		is := p.add(path, s.Server, taken)
		if is == nil {
			continue
		}
		if len(s.Filled) > 0 && !is.Same {
			is.Note = joinNotes(is.Note, keepFilledOut(is.Server, s.Filled, s.Env))
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

// keepFilledOut makes sure no credential MCP Router put into the command line from its
// settings (filled: by name, the arguments it went into) stays there: each value still in
// such an argument after the import moved the credentials it recognised is written
// ${secret:NAME}, which the supervisor fills in from the keychain at each start, so the
// value never reaches a file. values are the settings as MCP Router had them. It returns the
// note for the person.
func keepFilledOut(srv *config.Server, filled map[string][]int, values map[string]string) string {
	var kept []string
	for _, k := range slices.Sorted(maps.Keys(filled)) {
		v := values[k]
		if v == "" || !slices.Contains(srv.Secrets, k) {
			continue // the import kept it as a setting
		}
		for _, i := range filled[k] {
			if i < len(srv.Args) {
				srv.Args[i] = strings.ReplaceAll(srv.Args[i], v, "${secret:"+k+"}")
			}
		}
		kept = append(kept, k)
	}
	if len(kept) == 0 {
		return ""
	}
	return fmt.Sprintf("MCP Router put %s into its command line; MCP Tray does the same from the keychain each time it starts the server", strings.Join(kept, ", "))
}
