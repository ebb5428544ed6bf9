package app

import (
	"context"
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/mcptray/mcptray/config"
)

func TestSecretsTabSetsThroughAMaskedField(t *testing.T) {
	h := newWindowHarness(t)
	h.add("alpha", &config.Server{Command: h.fake, Secrets: []string{"API_TOKEN"}})
	h.until("alpha is known", func() bool { _, ok := h.u.m.servers["alpha"]; return ok })
	tab := h.u.main.secrets
	h.u.main.selectTab("Secrets")
	h.until("API_TOKEN shows as not set", func() bool { return showsText(tab.rows, "API_TOKEN") && showsText(tab.rows, "Not set") })

	test.Tap(findButton(tab.rows, "Set…"))
	save := waitOverlayButton(h, "Save in keychain")
	value := overlayPasswordEntry(h.u.main.win)
	if value == nil || !value.Password {
		t.Fatal("the value is not asked for in a masked field")
	}
	test.Type(value, "s3cr3t-value-123")
	test.Tap(save)
	h.until("API_TOKEN shows as set", func() bool { return showsText(tab.rows, "Change…") })
	if v, err := h.keys.Get(context.Background(), "alpha", "API_TOKEN"); err != nil || v != "s3cr3t-value-123" {
		t.Fatalf("the keychain holds %q, %v", v, err)
	}
	if b, _ := os.ReadFile(h.home.ConfigFile()); strings.Contains(string(b), "s3cr3t-value-123") {
		t.Fatal("config.json holds the value")
	}
	h.running("alpha") // its secret is there now

	test.Tap(findButton(tab.rows, "Remove"))
	test.Tap(waitOverlayButton(h, "Yes"))
	h.until("API_TOKEN shows as not set again", func() bool { return showsText(tab.rows, "Not set") })
	if _, err := h.keys.Get(context.Background(), "alpha", "API_TOKEN"); err == nil {
		t.Fatal("Remove left the value in the keychain")
	}
}

// overlayPasswordEntry finds the first entry on the window's top overlay.
func overlayPasswordEntry(w fyne.Window) *widget.Entry {
	var found *widget.Entry
	walkVisible(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) bool {
		if found != nil {
			return false
		}
		e, ok := o.(*widget.Entry)
		if ok && e.Password {
			found = e
		}
		return !ok
	})
	return found
}
