package app

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/keychain"
)

// With the keyring locked, the daemon cannot read the seal of what the person approved and
// every setting waits in the main window's banner. The banner says so in one plain sentence
// with what to do, never the daemon's error chain (which stays in its log). Against a real
// Secret Service (gnome-keyring) whose login collection is locked: run it with
// keychain/run-with-secret-service.sh.
func TestLockedKeyringBannerIsOnePlainSentence(t *testing.T) {
	if os.Getenv("MCPTRAY_TEST_OWN_KEYRING") != "1" {
		// Locking the keyring that the other packages' tests share would fail them while it
		// is locked: the test runs again in a Secret Service of its own.
		cmd := exec.Command(filepath.Join("..", "keychain", "run-with-secret-service.sh"), os.Args[0],
			"-test.run", "^TestLockedKeyringBannerIsOnePlainSentence$", "-test.v", "-test.count=1")
		cmd.Env = append(os.Environ(), "MCPTRAY_TEST_OWN_KEYRING=1")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestLockedKeyringBannerIsOnePlainSentence") {
			t.Fatalf("in a Secret Service of its own (needs dbus and gnome-keyring): %v\n%s", err, out)
		}
		return
	}
	out, err := exec.Command("dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.secrets", "/org/freedesktop/secrets",
		"org.freedesktop.Secret.Service.Lock", "array:objpath:/org/freedesktop/secrets/collection/login").CombinedOutput()
	if err != nil {
		t.Fatalf("locking the login collection: %v\n%s", err, out)
	}
	keys := keychain.System(keychain.Options{Timeout: 3 * time.Second})
	if _, err := keys.Get(t.Context(), "mcptray test", "PROBE"); err == nil || !strings.Contains(err.Error(), keychain.ErrLocked.Error()) {
		t.Fatalf("the locked keyring answers %v; want %v", err, keychain.ErrLocked)
	}
	h := newWindowHarnessKeys(t, true, keys, func(h *windowHarness) {
		// A server the person added earlier: with the seal unreadable, it waits.
		h.add("notes", &config.Server{Command: h.fake})
	})
	w := h.u.showMain()
	h.untilFor(20*time.Second, "the banner shows what waits", func() bool { return w.pending.shown != "" })
	if got, want := w.pending.title.Text, keyringText.locked+" Until then, these settings wait:"; got != want {
		t.Errorf("the banner's head says %q; want %q", got, want)
	}
	// Undo would remove the person's own server; allowing needs the keychain too.
	if w.pending.buttons.Visible() || w.pending.note.Visible() {
		t.Errorf("with the keyring locked the banner still offers to undo or allow (buttons shown %v, advice shown %v)",
			w.pending.buttons.Visible(), w.pending.note.Visible())
	}
	all := strings.Join(texts(w.win.Content()), "\n")
	for _, detail := range []string{"SEAL_KEY", "keychain:", "seal", keychain.ErrLocked.Error()} {
		if strings.Contains(all, detail) {
			t.Errorf("the window shows the error's details (%q):\n%s", detail, all)
		}
	}
	if !strings.Contains(w.pending.changes.Text, `"notes"`) {
		t.Errorf("the server that waits is not listed: %q", w.pending.changes.Text)
	}
}

// Every keychain failure the daemon can report becomes one of this computer's plain
// sentences; other lines are left alone.
func TestKeyringProblem(t *testing.T) {
	chain := func(err error) string {
		return fmt.Sprintf("MCP Tray could not read the key that seals what you accepted (reading MCP Tray's config seal from the keychain: keychain: reading secret \"SEAL_KEY\" of server \"mcptray config 0123\": %v), so it runs nothing from config.json until you confirm it.", err)
	}
	for _, tt := range []struct {
		line string
		want string
	}{
		{chain(keychain.ErrLocked), keyringText.locked},
		{chain(keychain.ErrTimeout), keyringText.locked},
		{chain(keychain.ErrUnavailable), keyringText.unavailable},
		{chain(keychain.ErrDenied), keyringText.denied},
		{chain(keychain.ErrBackend), keyringText.failed},
		{`A new server "notes" would run: /usr/bin/notes`, ""},
	} {
		got, ok := keyringProblem(tt.line)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("keyringProblem(%.60q…) = %q, %v; want %q", tt.line, got, ok, tt.want)
		}
	}
	for _, s := range []string{keyringText.locked, keyringText.unavailable, keyringText.denied, keyringText.failed} {
		if strings.Count(s, ".") != 1 || !strings.HasSuffix(s, ".") || strings.Contains(s, "keychain:") {
			t.Errorf("not one plain sentence: %q", s)
		}
	}
}
