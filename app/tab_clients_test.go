package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/config"
)

func TestClientsTabTogglesImportsAndRestores(t *testing.T) {
	h := newWindowHarness(t)
	cursor, _ := clients.ByID("cursor")
	path := cursor.Paths(h.env)[0]
	original := `{
  "mcpServers": {
    "notes": {"command": "` + h.fake + `", "env": {"NOTES_API_TOKEN": "tok-123456789"}}
  }
}
`
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(original), 0o600); err != nil {
		t.Fatal(err)
	}
	// Cursor is installed: its folder holds its own files too, so it stays detected whatever
	// its mcp.json holds.
	if err := os.WriteFile(filepath.Join(filepath.Dir(path), "argv.json"), []byte("{}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.add("alpha", &config.Server{Command: h.fake})
	h.add("beta", &config.Server{Command: h.fake})
	h.running("alpha")
	h.running("beta")
	tab := h.u.main.clients
	h.u.main.selectTab("AI apps")
	h.until("Cursor shows", func() bool { return tab.cards["cursor"] != nil })
	card := tab.cards["cursor"]
	if card.enabled.Checked || card.imp.Disabled() {
		t.Fatalf("Cursor before anything: enabled %v, import disabled %v", card.enabled.Checked, card.imp.Disabled())
	}

	// Import: a plan in a dialog first, then the change.
	test.Tap(card.imp)
	var take = waitOverlayButton(h, "Take them over")
	if !showsText(h.u.main.win.Canvas().Overlays().Top(), "NOTES_API_TOKEN") {
		t.Error("the plan does not say which value moves to the keychain")
	}
	test.Tap(take)
	h.until("the import is done", func() bool { return overlayButton(h.u.main.win, "OK") != nil })
	test.Tap(overlayButton(h.u.main.win, "OK"))
	if v, err := h.keys.Get(context.Background(), "notes", "NOTES_API_TOKEN"); err != nil || v != "tok-123456789" {
		t.Fatalf("the keychain holds %q, %v", v, err)
	}
	b, _ := os.ReadFile(path)
	if strings.Contains(string(b), "tok-123456789") {
		t.Fatal("the token is still in Cursor's file")
	}

	// Choosing servers: Cursor limited to alpha.
	h.until("Cursor is on after the import", func() bool { c := tab.cards["cursor"]; return c != nil && c.enabled.Checked })
	h.add("gamma", &config.Server{Command: h.fake})
	h.until("gamma is known", func() bool { _, ok := h.u.m.servers["gamma"]; return ok })
	tab.fetch()
	h.until("Cursor shows gamma and notes", func() bool {
		c := tab.cards["cursor"]
		return c != nil && c.servers["gamma"] != nil && c.servers["notes"] != nil // notes: its event may come late
	})
	card = tab.cards["cursor"]
	if card.all.Checked || card.servers["gamma"].Checked || !card.servers["notes"].Checked {
		t.Fatalf("after import Cursor should see notes only: all %v, gamma %v", card.all.Checked, card.servers["gamma"].Checked)
	}
	test.Tap(card.servers["gamma"])
	h.until("Cursor sees gamma too", func() bool {
		b := h.config().Clients["cursor"]
		return b != nil && strings.Join(b.Servers, ",") == "notes,gamma"
	})
	h.until("the card shows a restart hint", func() bool {
		c := tab.cards["cursor"]
		return c != nil && c.restart.Visible() && strings.Contains(c.restart.Text, "To see the change: ")
	})

	// Turning Cursor off takes MCP Tray's entries out of its file.
	test.Tap(tab.cards["cursor"].enabled)
	h.until("Cursor is off", func() bool { b := h.config().Clients["cursor"]; return b != nil && !b.Enabled })

	// Put back, one change at a time (the switch-off, gamma, the import): the person's file as
	// it was, the token from the keychain again. MCP Tray leaves each restored file alone, so
	// three restores are enough.
	for range 3 {
		b, _ := os.ReadFile(path)
		if string(b) == original {
			break
		}
		test.Tap(tab.cards["cursor"].restore)
		test.Tap(waitOverlayButton(h, "Yes"))
		h.until("the restore is done", func() bool { return overlayButton(h.u.main.win, "OK") != nil })
		test.Tap(overlayButton(h.u.main.win, "OK"))
		h.until("Cursor shows again", func() bool { return tab.cards["cursor"] != nil })
	}
	if b, _ := os.ReadFile(path); string(b) != original {
		t.Fatalf("after restore Cursor's file is:\n%s", b)
	}
}

// waitOverlayButton waits for a dialog with the button and returns it.
func waitOverlayButton(h *windowHarness, text string) *widget.Button {
	h.t.Helper()
	h.until("a dialog with "+text, func() bool { return overlayButton(h.u.main.win, text) != nil })
	return overlayButton(h.u.main.win, text)
}

// TestClientsTabFollowsABrokenFileBeingFixed: with the AI-apps tab open, a client file that
// stops parsing shows its problem, and once it is fixed the problem goes away by itself (the
// daemon's client_ok note refreshes the tab, as every client note does).
func TestClientsTabFollowsABrokenFileBeingFixed(t *testing.T) {
	h := newWindowHarness(t)
	cursor, _ := clients.ByID("cursor")
	path := cursor.Paths(h.env)[0]
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	h.add("alpha", &config.Server{Command: h.fake})
	h.running("alpha")
	tab := h.u.main.clients
	h.u.main.selectTab("AI apps")
	h.until("Cursor shows", func() bool { return tab.cards["cursor"] != nil })
	test.Tap(tab.cards["cursor"].enabled)
	h.until("Cursor sees alpha", func() bool { b, _ := os.ReadFile(path); return strings.Contains(string(b), "alpha") })

	good, _ := os.ReadFile(path)
	os.WriteFile(path, []byte("{\"mcpServers\": {\n  \"mine\": {\"command\": \"x\"},,\n}\n"), 0o600)
	h.until("the tab shows the broken file", func() bool { return showsText(tab.content, path+": ") })
	// Put back as it was: nothing for MCP Tray to write, so only the file's "in order
	// again" note can tell the tab.
	os.WriteFile(path, good, 0o600)
	h.until("the problem is gone from the tab", func() bool {
		return !showsText(tab.content, path+": ") && tab.cards["cursor"] != nil
	})
}

// A server added while the AI-apps tab is open shows on the cards at once, even when no AI
// app's file changes (an app limited to other servers): the cards follow the servers the
// window knows, whichever of the daemon's answer and the server's event comes first. Before,
// they were drawn only from the daemon's answer, and a server whose event came after it was
// missing until the tab was opened again (seen as a CI flake of the test above).
func TestClientsTabShowsAServerAddedMeanwhile(t *testing.T) {
	h := newWindowHarness(t)
	cursor, _ := clients.ByID("cursor")
	path := cursor.Paths(h.env)[0]
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(filepath.Dir(path), "argv.json"), []byte("{}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.add("alpha", &config.Server{Command: h.fake})
	h.running("alpha")
	if err := h.home.Update(func(c *config.Config) error {
		c.Clients = map[string]*config.ClientBinding{"cursor": {Enabled: true, Servers: []string{"alpha"}}}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	tab := h.u.main.clients
	h.u.main.selectTab("AI apps")
	h.until("Cursor shows alpha, limited to it", func() bool {
		c := tab.cards["cursor"]
		return c != nil && c.servers["alpha"] != nil && c.servers["alpha"].Checked && !c.all.Checked
	})
	h.add("delta", &config.Server{Command: h.fake})
	h.until("the window knows delta", func() bool { _, ok := h.u.m.servers["delta"]; return ok })

	// The race, played in order on the UI goroutine: the daemon's answer drawn while the
	// window did not know delta yet, then delta's event.
	delta := h.u.m.servers["delta"]
	delete(h.u.m.servers, "delta")
	tab.show(tab.last)
	if c := tab.cards["cursor"]; c == nil || c.servers["delta"] != nil {
		t.Fatal("setting up: the card should be drawn without delta")
	}
	h.u.m.servers["delta"] = delta
	h.u.main.refresh()
	if c := tab.cards["cursor"]; c == nil || c.servers["delta"] == nil || c.servers["delta"].Checked {
		t.Fatal("the cards were not drawn again when the window learned of delta: Cursor's card does not offer it")
	}
}
