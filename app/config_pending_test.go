package app

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/google/go-cmp/cmp"
	"github.com/mcptray/mcptray/api"
)

// An older daemon does not know config.pending: the window shows no banner.
func TestNoPendingBannerWithAnOlderDaemon(t *testing.T) {
	h := newHarness(t, nil)
	w := h.u.window()
	h.until("the window asked", func() bool { return w.pending.fetched > 0 })
	if w.pending.box.Visible() {
		t.Error("the banner shows without a daemon that knows about pending changes")
	}
}

func TestPendingBannerConfirmsWhatItShowed(t *testing.T) {
	h := newHarness(t, nil)
	h.pending = &api.PendingResult{Pending: true, Fingerprint: "abc123def456",
		Changes: []string{"A new server “notes\r\x1b[2Kok” would run.", "Cursor would see it."}}
	w := h.u.window()
	b := w.pending
	h.until("the banner shows", func() bool { return b.box.Visible() })
	got := texts(b.box)
	want := []string{
		"Something changed MCP Tray's settings file. These changes wait for you:",
		"• A new server “notes\\r\\x1b[2Kok” would run.\n• Cursor would see it.",
		"If you did not make them yourself, undo them.",
		"[Undo them]", "[Allow these changes]", "Read the changes first: the buttons work in 1 s.",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("the banner shows (-want +got):\n%s", d)
	}
	// For a second the buttons take no click.
	if !b.allow.Disabled() || !b.undo.Disabled() {
		t.Error("the buttons work the moment the changes are shown")
	}
	b.allow.OnTapped()
	b.undo.OnTapped()
	if got := h.called(); len(got) != 0 {
		t.Fatalf("a click before the banner was ready sent %q", got)
	}
	// The file changes again behind the person's back; Allow confirms what was on screen, and
	// the daemon refuses it.
	h.mu.Lock()
	h.pending = &api.PendingResult{Pending: true, Fingerprint: "ffff00001111", Changes: []string{"Something else."}}
	h.mu.Unlock()
	h.now = h.now.Add(readyAfter)
	b.renderReady()
	test.Tap(b.allow)
	h.until("the confirmation is sent and the banner fetched again", func() bool { return b.shown == "ffff00001111" })
	if got := h.called(); !slices.Equal(got, []string{`config.confirm {"fingerprint":"abc123def456"}`}) {
		t.Errorf("the window sent %q", got)
	}
	if !strings.Contains(b.changes.Text, "Something else.") || !b.allow.Disabled() {
		t.Errorf("after the refusal the banner shows %q, buttons on: %v", b.changes.Text, !b.allow.Disabled())
	}
	// Undo, once ready.
	h.now = h.now.Add(readyAfter)
	b.renderReady()
	test.Tap(b.undo)
	h.until("the banner hides", func() bool { return !b.box.Visible() })
	if got := h.called(); len(got) != 2 || got[1] != "config.discard " {
		t.Errorf("the window sent %q", got)
	}
}

func TestTrayOffersToReviewPendingChanges(t *testing.T) {
	h := newTrayHarness(t, nil)
	h.events <- api.Event{Note: &api.Note{Kind: api.NoteConfigPending, Message: "A new server “x\x1b[2K” wants to run."}}
	h.until("the notification is sent", func() bool { return len(h.commands()) == 1 })
	want := command{Notify: &notice{Title: "A change to MCP Tray's settings waits for you",
		Body: "A new server “x\\x1b[2K” wants to run. Open MCP Tray to allow or undo it."}}
	if d := cmp.Diff(want, h.commands()[0]); d != "" {
		t.Errorf("command (-want +got):\n%s", d)
	}
	item := findItem(h.tr.trayMenu(time.Now()), reviewConfigLabel)
	if item == nil {
		t.Fatalf("no review item in %q", menuLines(h.tr.trayMenu(time.Now())))
	}
	item.Action()
	if got := h.commands(); len(got) != 2 || got[1].Show != "config" {
		t.Fatalf("window commands %+v", got)
	}
	h.events <- api.Event{Note: &api.Note{Kind: api.NoteConfigPendingCleared}}
	h.until("the item goes", func() bool { return findItem(h.tr.trayMenu(time.Now()), reviewConfigLabel) == nil })
}
