package reconcile

import (
	"slices"

	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/config"
)

// NewServerSeenBy names the AI apps that will see a server about to be added under cfg: the
// clients chosen for it (by id, in their order), then, sorted by id, those already switched
// on for every server. A client MCP Tray does not know is named by its id.
func NewServerSeenBy(cfg *config.Config, chosen []string) []string {
	ids := slices.Clone(chosen)
	for id, b := range cfg.Clients {
		if b != nil && b.Enabled && len(b.Servers) == 0 && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids[len(chosen):])
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = id
		if c, ok := clients.ByID(id); ok {
			names[i] = c.Name()
		}
	}
	return names
}
