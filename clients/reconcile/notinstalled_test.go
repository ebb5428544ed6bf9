package reconcile

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/config"
)

// TestConnectAndDisconnectAClientNotInstalled connects a client that is not installed (its
// file and folder are created) and switches it off again: it never counts as detected, and
// switching it off still takes MCP Tray's entries out of the file MCP Tray created.
func TestConnectAndDisconnectAClientNotInstalled(t *testing.T) {
	w := newClientWorld(t) // nothing installed
	cfg := func(enabled bool) *config.Config {
		return &config.Config{
			Servers: map[string]*config.Server{"a": {Command: "a"}},
			Clients: map[string]*config.ClientBinding{"cursor": {Enabled: enabled}},
		}
	}
	r := w.reconciler(Options{})
	r.Reconcile(cfg(true))
	if diff := cmp.Diff(map[string]string{"a": "a"}, ours(t, "cursor", w.Path("cursor"))); diff != "" {
		t.Errorf("connected (-want +got):\n%s", diff)
	}
	if n := len(clients.Detect(w.Env)); n != 0 {
		t.Errorf("%d clients detected after connecting one that is not installed", n)
	}
	r.Reconcile(cfg(false))
	if got := ours(t, "cursor", w.Path("cursor")); len(got) != 0 {
		t.Errorf("switched off, the file still holds %v", got)
	}
	if n := len(clients.Detect(w.Env)); n != 0 {
		t.Errorf("%d clients detected after switching it off", n)
	}
}
