package reconcile

import (
	"context"
	"testing"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/keychain"
)

// A restore hands the client's file back to the person: the reconciler's pass that follows
// (the daemon runs one on every change of config.json, and the restore changes it) leaves the
// file as it was put back, so a second restore goes one more change back, as the command and
// the window promise. Before, the restore only switched the client off, the pass then took
// MCP Tray's entries out of the restored file (backing it up first), and every later restore
// found that copy again: the person could never get past it (seen as a flaky GUI test under
// load, TestClientsTabTogglesImportsAndRestores).
func TestRestoreThenAPassGoesOneChangeBackEachTime(t *testing.T) {
	w := newClientWorld(t, "cursor")
	path := w.Path("cursor")
	original := "{\"mcpServers\": {\"mine\": {\"command\": \"x\"}}}\n"
	write(t, path, original)
	opts := ImportOptions{Home: w.Home, Env: w.Env, Binary: testBinary, Keys: keychain.NewMemory()}
	r := w.reconciler(Options{})
	change := func(f func(c *config.Config)) string {
		t.Helper()
		if err := w.Home.Update(func(c *config.Config) error { f(c); return nil }); err != nil {
			t.Fatal(err)
		}
		cfg, err := w.Home.Load()
		if err != nil {
			t.Fatal(err)
		}
		r.Reconcile(cfg)
		return read(t, path)
	}
	change(func(c *config.Config) { c.Servers["alpha"] = &config.Server{Command: "a"} })
	withAlpha := change(func(c *config.Config) { EnableClient(c, "cursor", nil) })
	withGamma := change(func(c *config.Config) { c.Servers["gamma"] = &config.Server{Command: "g"} })
	if off := change(func(c *config.Config) { DisableClient(c, "cursor", nil) }); off != original {
		t.Fatalf("switched off, Cursor's file is:\n%s", off)
	}
	for i, want := range []string{withGamma, withAlpha, original} {
		if _, err := RestoreClient(context.Background(), opts, "cursor"); err != nil {
			t.Fatalf("restore %d: %v", i+1, err)
		}
		if got := change(func(*config.Config) {}); got != want {
			t.Fatalf("after restore %d and a pass, Cursor's file is:\n%s\nwant:\n%s", i+1, got, want)
		}
	}
}
