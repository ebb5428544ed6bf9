package app

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/clients/clienttest"
	"github.com/mcptray/mcptray/config"
)

// Connect before detect, against the real daemon in a temporary HOME: Claude Desktop, not
// installed, is listed under "Other AI apps" with a Connect button; Connect writes its file
// (folder and all) with MCP Tray's entry for the server, and the app moves up among the
// connected ones, switched on.
func TestClientsTabConnectsAnAppNotFoundYet(t *testing.T) {
	h := newWindowHarness(t)
	claude, _ := clients.ByID("claude-desktop")
	path := claude.Paths(h.env)[0]
	if _, err := os.Stat(filepath.Dir(path)); !os.IsNotExist(err) {
		t.Fatalf("Claude Desktop's folder is there before the test: %v", err)
	}
	h.add("alpha", &config.Server{Command: h.fake})
	h.until("alpha is known", func() bool { _, ok := h.u.m.servers["alpha"]; return ok })
	tab := h.u.main.clients
	h.u.main.selectTab("AI apps")
	h.until("Claude Desktop is under Other AI apps", func() bool { return tab.others["claude-desktop"] != nil })
	if tab.cards["claude-desktop"] != nil {
		t.Fatal("Claude Desktop, not installed, has a card among the connected apps")
	}
	shown := texts(tab.content)
	for _, want := range []string{"Other AI apps", othersText, "Claude Desktop", "[Connect]"} {
		if !slices.Contains(shown, want) {
			t.Errorf("the AI apps tab does not show %q; it shows %q", want, shown)
		}
	}

	test.Tap(tab.others["claude-desktop"])
	h.until("Claude Desktop is connected", func() bool {
		c := tab.cards["claude-desktop"]
		return c != nil && c.enabled.Checked && tab.others["claude-desktop"] == nil
	})
	if b := h.config().Clients["claude-desktop"]; b == nil || !b.Enabled || len(b.Servers) != 0 {
		t.Errorf("config.json binds Claude Desktop as %+v, want enabled for every server", b)
	}
	if diff := cmp.Diff(map[string]string{"alpha": "alpha"}, clienttest.Ours(t, "claude-desktop", path)); diff != "" {
		t.Errorf("MCP Tray's entries in Claude Desktop's file (-want +got):\n%s", diff)
	}
	if b, _ := os.ReadFile(path); !strings.Contains(string(b), testBinary) {
		t.Errorf("Claude Desktop's file does not start %s:\n%s", testBinary, b)
	}
	if !showsText(tab.content, "It sees: alpha.") {
		t.Errorf("the card does not say what Claude Desktop sees: %q", texts(tab.content))
	}
}
