package app

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/installer"
	"github.com/mcptray/mcptray/release"
)

// The welcome window, against the real daemon: what MCP Tray does, the AI apps found (none in
// an empty home), three suggested servers each with its icon and card line, whose "Add…"
// opens the install dialog at that entry's questions; "Connect an AI app…" opens the AI-apps
// tab. With a tray it has no Quit.
func TestWelcomeLeadsIntoTheInstallDialog(t *testing.T) {
	h := newWindowHarness(t)
	h.u.showWelcome()
	w := h.u.welcome
	if w == nil || w.win.Title() != WelcomeWindowTitle {
		t.Fatal("the welcome window did not open")
	}
	h.until("the suggestions and the AI apps are loaded", func() bool {
		return len(w.servers.Objects) == suggestions && !slices.Contains(texts(w.apps), "Looking for AI apps…")
	})
	got := texts(w.win.Content())
	for _, want := range []string{welcomeIntro, "MCP Tray found no AI app on this computer yet. You can still connect one: MCP Tray writes its settings for when it is installed."} {
		if !slices.Contains(got, want) {
			t.Errorf("the welcome window does not say %q; it shows %q", want, got)
		}
	}
	if slices.Contains(got, "[Quit MCP Tray]") || slices.Contains(got, noTrayText) {
		t.Errorf("with a tray the welcome window offers Quit: %q", got)
	}
	// Three cards: icon, title, card line, Add….
	res, err := api.Call(context.Background(), h.client, api.CatalogList, installer.ListParams{})
	if err != nil {
		t.Fatal(err)
	}
	picks := pickSuggestions(res.Entries)
	var ids []string
	for i, e := range picks {
		ids = append(ids, e.ID)
		card := w.servers.Objects[i]
		ct := texts(card)
		if want := []string{entryTitle(e), catalog.CardLine(e.Description), "[Add…]"}; !slices.Equal(ct, want) {
			t.Errorf("card %d shows %q, want %q", i, ct, want)
		}
		icons := 0
		walkVisible(card, func(o fyne.CanvasObject) bool {
			if img, ok := o.(*canvas.Image); ok && img.Resource != nil && img.Resource.Name() == entryIcon(e).Name() &&
				len(img.Resource.Content()) > 0 {
				icons++
			}
			return true
		})
		if icons != 1 {
			t.Errorf("card %d (%s) shows its icon %d times, want once", i, e.ID, icons)
		}
	}
	// The preferred entries come first, those this computer cannot run left out (Fetch
	// without Python tools: TestWelcomeDoesNotSuggestAServerWithoutItsRuntime).
	var preferred []string
	for _, id := range suggested {
		if i := slices.IndexFunc(res.Entries, func(e installer.EntryView) bool { return e.ID == id }); i >= 0 && res.Entries[i].RuntimeMissing == "" {
			preferred = append(preferred, id)
		}
	}
	if len(ids) != suggestions || !slices.Equal(ids[:len(preferred)], preferred) {
		t.Errorf("suggested %q, want %q first", ids, preferred)
	}

	// Add… on the first card: the install dialog, at the filesystem entry's questions.
	test.Tap(findButton(w.servers.Objects[0], "Add…"))
	d := h.u.main.install
	if d == nil || d.name == nil || d.name.PlaceHolder != suggested[0] {
		t.Fatalf("Add… did not open the install dialog at %q's questions", suggested[0])
	}

	// Connect an AI app… opens the AI-apps tab.
	test.Tap(findButton(w.win.Content(), "Connect an AI app…"))
	if !h.u.mainVisible || h.u.main.tabs.Selected().Text != "AI apps" {
		t.Errorf("Connect an AI app… did not open the AI apps tab")
	}
}

// Without a tray host the welcome window is the app: it says where the tray would be and
// has Quit.
func TestWelcomeWithoutATrayHasQuit(t *testing.T) {
	h := newWindowHarness(t)
	h.u.opts.NoTray = true
	h.u.showWelcome()
	got := texts(h.u.welcome.win.Content())
	if !slices.Contains(got, noTrayText) || !slices.Contains(got, "[Quit MCP Tray]") {
		t.Fatalf("without a tray the welcome window shows %q; want where the tray would be and Quit", got)
	}
	// Quit asks the daemon which process it is; here that is not this window's parent, so
	// nothing is signalled and the window says why.
	test.Tap(findButton(h.u.welcome.win.Content(), "Quit MCP Tray"))
	h.until("Quit says why it cannot quit this daemon", func() bool {
		return h.u.welcome.problem.Visible() && strings.Contains(h.u.welcome.problem.Text, "does not belong")
	})
}

// The tray opens the welcome window after the daemon's first snapshot when no server exists,
// and writes the marker; it asks once per run.
func TestTrayWelcomesWhenNoServerExists(t *testing.T) {
	h := newTrayHarness(t, nil)
	h.tr.welcome = true
	h.tr.greet(api.Event{Note: &api.Note{Kind: api.NoteConfigOK}})
	h.until("the tray asks for the welcome window", func() bool {
		return slices.ContainsFunc(h.commands(), func(c command) bool { return c.Show == "welcome" })
	})
	h.tr.greet(api.Event{Note: &api.Note{Kind: api.NoteConfigOK}})
	if h.tr.welcome {
		t.Error("the tray would check for the welcome again")
	}
}

// The marker: the first call creates it and says so, later ones do not.
func TestWelcomedMarker(t *testing.T) {
	home := t.TempDir()
	for i, want := range []bool{true, false, false} {
		if got, err := markWelcomed(home); got != want || err != nil {
			t.Fatalf("call %d: markWelcomed = %v, %v; want %v", i+1, got, err, want)
		}
	}
	if _, err := os.Stat(filepath.Join(home, welcomedMarker)); err != nil {
		t.Fatal(err)
	}
	if _, err := markWelcomed(filepath.Join(home, "missing", "home")); err == nil {
		t.Error("a home that cannot be written reported no error")
	}
}

// The welcome window asks the update question after its intro; showing it counts as asked,
// and update checks stay off until the person says yes there.
func TestWelcomeAsksAboutUpdates(t *testing.T) {
	h := newWindowHarness(t)
	h.u.showWelcome()
	content := h.u.welcome.win.Content()
	got := texts(content)
	intro, question := slices.Index(got, welcomeIntro), slices.Index(got, updateConsentText)
	if question < 0 || question < intro {
		t.Fatalf("the welcome window does not ask about updates after its intro: %q", got)
	}
	var yes *widget.Check
	walkVisible(content, func(o fyne.CanvasObject) bool {
		if c, ok := o.(*widget.Check); ok && c.Text == updateConsentYes {
			yes = c
		}
		return true
	})
	if yes == nil {
		t.Fatalf("the welcome window has no %q switch", updateConsentYes)
	}
	path := updateSettings(h)
	h.until("the question counts as asked", func() bool { s, _ := release.LoadSettings(path); return s.Asked })
	h.until("the switch can be used", func() bool { return !yes.Disabled() })
	if s, _ := release.LoadSettings(path); s.Enabled {
		t.Fatal("update checks are on before the person said yes")
	}
	test.Tap(yes)
	h.until("yes is saved", func() bool { s, _ := release.LoadSettings(path); return s.Enabled })
}
