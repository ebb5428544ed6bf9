package reconcile

import (
	"fmt"
	"slices"

	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/kube"
)

// Managers are the other MCP managers whose setup PlanManagerImport reads, by the name the
// command line takes.
var Managers = []string{"mcpproxy"}

// PlanManagerImport plans taking over the servers of another MCP manager's setup, for a
// person moving to MCP Tray: each server it ran becomes an MCP Tray server, its credentials
// go to the keychain, and what it can honour of the manager's settings comes along (as for
// PlanImport). The manager's file is only read, never changed, and no AI client is switched
// on: the person points their clients at MCP Tray (client enable) and stops the other
// manager. path "" means the manager's usual file. Today the one manager is "mcpproxy"
// (MCPProxy, ~/.mcpproxy/mcp_config.json). It only reads.
func PlanManagerImport(opts ImportOptions, manager, path string) (*ImportPlan, error) {
	if !slices.Contains(Managers, manager) {
		return nil, fmt.Errorf("MCP Tray cannot import from %q; it knows how to import from %v", manager, Managers)
	}
	if opts.Env.GOOS == "" {
		opts.Env = clients.FromOS()
	}
	if path == "" {
		path = clients.MCPProxyPath(opts.Env)
	}
	setup, err := clients.ReadMCPProxy(path)
	if err != nil {
		return nil, err
	}
	cfg, err := opts.Home.Load()
	if err != nil {
		return nil, err
	}
	p := &ImportPlan{From: "MCPProxy", opts: opts, prod: kube.Production{Patterns: cfg.Settings.ProductionPatterns, Contexts: cfg.Settings.ProductionContexts}}
	taken := map[string]bool{}
	for name := range cfg.Servers {
		taken[name] = true
	}
	for _, s := range setup.Servers {
		switch {
		case s.Quarantined:
			p.Skipped = append(p.Skipped, ImportSkip{Path: path, Key: s.Key, Reason: "MCPProxy keeps it in quarantine until you approve it, so it never ran; add it yourself once you trust it (mcptray server add)"})
			continue
		case s.Remote && s.Command != "":
			p.Skipped = append(p.Skipped, ImportSkip{Path: path, Key: s.Key, Reason: "MCPProxy starts its program and then reaches it over the network, which MCP Tray does not do; add the program yourself (mcptray server add)"})
			continue
		}
		if !p.consider(nil, path, s.Server, "", taken) {
			continue
		}
		is := &p.Servers[len(p.Servers)-1]
		if setup.CallTimeout > 0 && len(is.Server.Limits) == 0 {
			is.Note = joinNotes(is.Note, keepTimeout(is.Server, setup.CallTimeout))
		}
		if s.Isolated {
			is.Note = joinNotes(is.Note, "MCPProxy ran it inside a Docker container; MCP Tray runs it as a program on this computer, so choose what it may touch with: mcptray sandbox "+is.Name)
		}
	}
	return p, nil
}
