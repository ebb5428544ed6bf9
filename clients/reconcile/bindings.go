package reconcile

import (
	"slices"

	"github.com/mcptray/mcptray/config"
)

// Bindings: which servers each client sees is the client's binding in config.json. These
// functions read and change a binding; the command line and the daemon both change it through
// them (inside config.Home.Update).

// ClientServers returns the servers client id should see under cfg, sorted: none when its
// binding is absent or disabled, else the binding's list (or every server when the list is
// empty), without servers that are switched off or not configured.
func ClientServers(cfg *config.Config, id string) []string {
	b := cfg.Clients[id]
	if b == nil || !b.Enabled {
		return nil
	}
	names := b.Servers
	if len(names) == 0 {
		names = cfg.ServerNames()
	}
	var out []string
	for _, name := range cfg.ServerNames() { // sorted, and each once
		if s := cfg.Servers[name]; !s.Disabled && slices.Contains(names, name) {
			out = append(out, name)
		}
	}
	return out
}

// binding returns client id's binding in c, adding a switched-off one if it has none.
func binding(c *config.Config, id string) *config.ClientBinding {
	if c.Clients == nil {
		c.Clients = map[string]*config.ClientBinding{}
	}
	b := c.Clients[id]
	if b == nil {
		b = &config.ClientBinding{}
		c.Clients[id] = b
	}
	return b
}

// EnableClient changes c so that client id sees servers: every server when servers is empty;
// else those are added to the ones it already sees (a client that sees every server still
// does). It does not check the names; config validation does.
func EnableClient(c *config.Config, id string, servers []string) {
	b := binding(c, id)
	switch {
	case len(servers) == 0:
		b.Servers = nil
	case !b.Enabled:
		b.Servers = slices.Clone(servers)
	case len(b.Servers) > 0:
		for _, s := range servers {
			if !slices.Contains(b.Servers, s) {
				b.Servers = append(b.Servers, s)
			}
		}
	}
	b.Enabled = true
}

// DisableClient changes c so that client id no longer sees servers, or nothing of MCP Tray's
// when servers is empty. The binding stays in config.json, switched off, so MCP Tray removes
// its entries from the client's files.
func DisableClient(c *config.Config, id string, servers []string) {
	b := binding(c, id)
	if len(servers) == 0 || !b.Enabled {
		b.Enabled = false
		return
	}
	keep := b.Servers
	if len(keep) == 0 {
		keep = c.ServerNames()
	}
	keep = slices.DeleteFunc(slices.Clone(keep), func(s string) bool { return slices.Contains(servers, s) })
	b.Servers = keep
	if len(keep) == 0 {
		b.Enabled, b.Servers = false, nil // an empty list would mean every server
	}
}
