package reconcile

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/config"
)

// othersIDs lists the ids of res.Others, in order.
func othersIDs(res ClientsResult) []string {
	var ids []string
	for _, o := range res.Others {
		ids = append(ids, o.ID)
	}
	return ids
}

// Status names every AI client it does not describe in Others (not detected, not in
// config.json), except those with no file on this system, and each client in exactly one of
// the two lists.
func TestStatusNamesTheOtherClients(t *testing.T) {
	w := newClientWorld(t, "cursor")
	cfg := &config.Config{Servers: map[string]*config.Server{"a": {Command: "a"}},
		Clients: map[string]*config.ClientBinding{"windsurf": {Enabled: false}}}
	r := w.reconciler(Options{})
	res := r.Status(cfg)

	var want []string // every client Linux has a file for, in the order of clients.All
	for _, c := range clients.All() {
		if c.ID() != "cursor" && c.ID() != "windsurf" && len(c.Paths(w.Env)) > 0 {
			want = append(want, c.ID())
		}
	}
	if diff := cmp.Diff(want, othersIDs(res)); diff != "" {
		t.Errorf("Others (-want +got):\n%s", diff)
	}
	if slices.Contains(othersIDs(res), "visual-studio") {
		t.Error("Visual Studio, which has no file on Linux, is offered")
	}
	for _, o := range res.Others {
		c, _ := clients.ByID(o.ID)
		if o.Name != c.Name() {
			t.Errorf("%s is named %q, want %q", o.ID, o.Name, c.Name())
		}
	}
	if got := len(res.Clients) + len(res.Others); got != len(want)+2 {
		t.Errorf("%d clients in Clients and Others, want %d", got, len(want)+2)
	}
}

// Connecting a client that is not installed yet: enabling it in config.json writes its main
// file (and the folders above it) with MCP Tray's entries, and Status then lists it among the
// clients, enabled and seeing its servers, no longer in Others.
func TestConnectBeforeDetect(t *testing.T) {
	w := newClientWorld(t)
	path := w.Path("claude-desktop")
	if _, err := os.Stat(filepath.Dir(path)); !os.IsNotExist(err) {
		t.Fatalf("Claude Desktop's folder exists before the test: %v", err)
	}
	cfg := &config.Config{Servers: map[string]*config.Server{"a": {Command: "a"}, "c": {Command: "c"}},
		Clients: map[string]*config.ClientBinding{}}
	r := w.reconciler(Options{})
	if !slices.Contains(othersIDs(r.Status(cfg)), "claude-desktop") {
		t.Fatal("Claude Desktop, not installed, is not among Others")
	}

	EnableClient(cfg, "claude-desktop", nil)
	r.ReconcileClient(cfg, "claude-desktop")

	if diff := cmp.Diff(map[string]string{"a": "a", "c": "c"}, ours(t, "claude-desktop", path)); diff != "" {
		t.Errorf("Claude Desktop's new file (-want +got):\n%s", diff)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("Claude Desktop's new file: %v, %v; want owner-only", fi, err)
	}
	res := r.Status(cfg)
	if slices.Contains(othersIDs(res), "claude-desktop") {
		t.Error("Claude Desktop is still among Others once connected")
	}
	st := findStatus(t, res, "claude-desktop")
	if !st.Enabled || !slices.Equal(st.Sees, []string{"a", "c"}) || len(st.Files) != 1 || st.Files[0].Path != path || !st.Files[0].Exists {
		t.Errorf("Claude Desktop once connected: %+v", st)
	}
}
