package app

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/mcptray/mcptray/release"
)

// updateOrigin is a local release server signing with a throwaway key: the signed manifest
// at /manifest.json, the programs under /files/. Tampered programs are served instead of the
// signed ones when tamper is set.
type updateOrigin struct {
	srv       *httptest.Server
	key       ed25519.PrivateKey
	pub       ed25519.PublicKey
	published []byte
	files     map[string][]byte
	tamper    bool
	manifests atomic.Int32 // manifest requests served
	started   atomic.Bool  // a tray's background check asked for the checker
}

func newUpdateOrigin(t *testing.T) *updateOrigin {
	t.Helper()
	pub, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	o := &updateOrigin{key: key, pub: pub, files: map[string][]byte{}}
	o.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/manifest.json" {
			o.manifests.Add(1)
			w.Write(o.published)
			return
		}
		b, ok := o.files[strings.TrimPrefix(r.URL.Path, "/files/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if o.tamper {
			b = append([]byte(nil), b...)
			b[len(b)-1] ^= 1
		}
		w.Write(b)
	}))
	t.Cleanup(o.srv.Close)
	return o
}

// publish signs a manifest of version offering files (name → content) for this computer.
func (o *updateOrigin) publish(t *testing.T, version string, files map[string][]byte) {
	t.Helper()
	platform := runtime.GOOS + "-" + runtime.GOARCH
	m := release.Manifest{App: release.AppID, Version: version, Notes: "Faster.\u202e (hidden)", Published: time.Now().UTC(),
		Platforms: map[string][]release.File{}}
	for name, b := range files {
		sum := sha256.Sum256(b)
		o.files[version+"/"+name] = b
		m.Platforms[platform] = append(m.Platforms[platform], release.File{Name: name,
			URL: o.srv.URL + "/files/" + version + "/" + name, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(b))})
	}
	body, _ := json.Marshal(m)
	signed, err := release.Sign(body, o.key)
	if err != nil {
		t.Fatal(err)
	}
	o.published = signed
}

// checker checks o's manifest as a running MCP Tray of version current would.
func (o *updateOrigin) checker(current string) *release.Checker {
	return &release.Checker{URL: o.srv.URL + "/manifest.json", Key: o.pub, Current: current}
}

// newUpdatingTray is a tray on the real daemon of h, drawing on a recording host, whose
// update check asks o as version 0.1.0 and whose program is dir/mcptray.
func newUpdatingTray(t *testing.T, h *windowHarness, o *updateOrigin, dir string) *Tray {
	tr := &Tray{opts: TrayOptions{Client: h.client, Log: slog.New(slog.NewTextHandler(testLog{t}, nil))}, m: newModel(),
		host: &recordingHost{}, windows: &recordingWindows{}, done: make(chan struct{}), now: time.Now}
	tr.do = func(f func()) { h.queue <- f }
	tr.update.official = func(string) (*release.Checker, error) { o.started.Store(true); return o.checker("0.1.0"), nil }
	tr.update.exe = func() (string, error) { return filepath.Join(dir, "mcptray"), nil }
	tr.update.poll = 10 * time.Millisecond
	t.Cleanup(tr.Stop)
	return tr
}

// installed is a scratch install folder holding a copy of a real program as mcptray.
func installed(t *testing.T) (dir string, old []byte) {
	t.Helper()
	dir = t.TempDir()
	old, err := os.ReadFile(realProgram(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "mcptray"), old, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir, old
}

// realProgram is a real program to copy: the shell.
func realProgram(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh on this computer")
	}
	p, _ = filepath.EvalSymlinks(p)
	return p
}

// newProgram is the update's mcptray: a script that says its version.
var newProgram = []byte("#!/bin/sh\necho 'mcptray 0.2.0'\n")

func updateSettings(h *windowHarness) string { return release.SettingsFile(h.home.StateDir()) }

func TestTrayChecksOnlyAfterConsentThenOffersAndApplies(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the update's program is a shell script")
	}
	h := newWindowHarness(t)
	o := newUpdateOrigin(t)
	o.publish(t, "0.2.0", map[string][]byte{"mcptray": newProgram})
	dir, old := installed(t)
	tr := newUpdatingTray(t, h, o, dir)
	host := tr.host.(*recordingHost)
	offered := func() bool { return host.menu != nil && findItem(host.menu, "Update to MCP Tray") != nil }

	if err := release.Consent(updateSettings(h), false); err != nil { // the person said no
		t.Fatal(err)
	}
	tr.startUpdates()
	h.until("the background check runs", o.started.Load) // its first look follows at once
	if offered() || o.manifests.Load() != 0 {
		t.Fatalf("an update was looked for before the person agreed (%d requests)", o.manifests.Load())
	}
	// The person turns the switch on in the window: the tray reads it again and checks.
	agreed := time.Now()
	if err := release.Consent(updateSettings(h), true); err != nil {
		t.Fatal(err)
	}
	h.until("the offer is in the tray menu", offered)
	if n := o.manifests.Load(); n != 1 {
		t.Errorf("the manifest was fetched %d times; want once", n)
	}
	if s, _ := release.LoadSettings(updateSettings(h)); s.LastCheck.Before(agreed) {
		t.Errorf("the check ran at %v, before the person agreed at %v (or was not recorded)", s.LastCheck, agreed)
	}
	sent := tr.windows.(*recordingWindows).sent
	if len(sent) == 0 || sent[len(sent)-1].Notify == nil || sent[len(sent)-1].Notify.Title != "MCP Tray 0.2.0 is available" {
		t.Fatalf("no notification of the offer: %+v", sent)
	}
	if body := sent[len(sent)-1].Notify.Body; !strings.HasPrefix(body, "Faster.") || strings.ContainsRune(body, '\u202e') {
		t.Errorf("the notification shows the release notes unescaped or not at all: %q", body)
	}

	item := findItem(host.menu, "Update to MCP Tray")
	if item.Label != "Update to MCP Tray 0.2.0…" {
		t.Errorf("menu item %q", item.Label)
	}
	item.Action()
	h.until("the tray says to restart", func() bool { return findItem(host.menu, "Updated to MCP Tray 0.2.0") != nil })
	got, _ := os.ReadFile(filepath.Join(dir, "mcptray"))
	if string(got) != string(newProgram) {
		t.Fatal("the program was not replaced by the signed one")
	}
	kept, _ := os.ReadFile(filepath.Join(dir, "mcptray.previous"))
	if string(kept) != string(old) {
		t.Fatal("the previous program was not kept beside it")
	}
	out, err := exec.Command(filepath.Join(dir, "mcptray")).Output()
	if err != nil || strings.TrimSpace(string(out)) != "mcptray 0.2.0" {
		t.Fatalf("the updated program says %q (%v)", out, err)
	}
	if len(menuLines(host.menu)) == 0 || findItem(host.menu, "Update to MCP Tray") != nil {
		t.Error("the offer stays in the menu after the update")
	}
}

func TestTrayRefusesATamperedUpdateAndReplacesNothing(t *testing.T) {
	h := newWindowHarness(t)
	o := newUpdateOrigin(t)
	o.publish(t, "0.2.0", map[string][]byte{"mcptray": newProgram})
	o.tamper = true
	dir, old := installed(t)
	tr := newUpdatingTray(t, h, o, dir)
	host := tr.host.(*recordingHost)
	release.Consent(updateSettings(h), true)
	tr.startUpdates()
	h.until("the offer is in the tray menu", func() bool { return host.menu != nil && findItem(host.menu, "Update to MCP Tray") != nil })
	findItem(host.menu, "Update to MCP Tray").Action()
	windows := tr.windows.(*recordingWindows)
	var problem string
	h.until("the refusal is shown", func() bool {
		for _, c := range windows.sent {
			if c.Problem != "" {
				problem = c.Problem
			}
		}
		return problem != ""
	})
	want := "MCP Tray could not update itself: a downloaded program is not the one the signed update describes, so nothing was replaced (mcptray)."
	if problem != want {
		t.Errorf("problem %q\nwant    %q", problem, want)
	}
	entries, _ := os.ReadDir(dir)
	got, _ := os.ReadFile(filepath.Join(dir, "mcptray"))
	if len(entries) != 1 || string(got) != string(old) {
		t.Fatalf("the install folder changed: %d files", len(entries))
	}
	if findItem(host.menu, "Update to MCP Tray 0.2.0…") == nil {
		t.Error("after a refused update the offer is gone; it should stay to try again")
	}
}

func TestFirstStartQuestionIsSavedOffUntilYes(t *testing.T) {
	h := newWindowHarness(t)
	content := h.u.newUpdateConsent() // what the welcome window shows
	var yes *widget.Check
	walkVisible(content, func(o fyne.CanvasObject) bool {
		if c, ok := o.(*widget.Check); ok && c.Text == updateConsentYes {
			yes = c
		}
		return true
	})
	if yes == nil || !showsText(content, updateConsentText) {
		t.Fatalf("the question is not shown: %q", texts(content))
	}
	path := updateSettings(h)
	h.until("the question counts as asked", func() bool { s, _ := release.LoadSettings(path); return s.Asked })
	h.until("the switch can be used", func() bool { return !yes.Disabled() })
	if s, _ := release.LoadSettings(path); s.Enabled || yes.Checked {
		t.Fatal("update checks are on before the person said yes")
	}
	test.Tap(yes)
	h.until("yes is saved", func() bool { s, _ := release.LoadSettings(path); return s.Asked && s.Enabled })
}

func TestSettingsSwitchesUpdateChecks(t *testing.T) {
	h := newWindowHarness(t)
	tab := h.u.main.prefs
	a := tab.updates
	a.exe = func() (string, error) { return filepath.Join(t.TempDir(), "mcptray"), nil }
	h.u.main.selectTab("Settings")
	tab.fetch()
	h.until("the switch can be used", func() bool { return !a.enabled.Disabled() })
	path := updateSettings(h)
	if a.enabled.Checked || a.enabled.Text != updateSwitchLabel {
		t.Fatalf("switch %q on=%v; want %q off", a.enabled.Text, a.enabled.Checked, updateSwitchLabel)
	}
	test.Tap(a.enabled)
	h.until("on is saved", func() bool { s, _ := release.LoadSettings(path); return s.Asked && s.Enabled })
	test.Tap(a.enabled)
	h.until("off is saved", func() bool { s, _ := release.LoadSettings(path); return s.Asked && !s.Enabled })
	if a.rollback.Visible() {
		t.Error("a way back is offered with nothing kept")
	}
}

func TestSettingsSaysWhichCommandUpdatesAManagedCopy(t *testing.T) {
	h := newWindowHarness(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, release.MarkerFile), []byte("winget upgrade --id MCPTray.MCPTray\n"), 0o644)
	a := h.u.main.prefs.updates
	a.exe = func() (string, error) { return filepath.Join(dir, "mcptray"), nil }
	a.fetch()
	want := "This copy of MCP Tray was installed with its installer, which also updates it: run winget upgrade --id MCPTray.MCPTray"
	h.until("the command is shown", func() bool { return a.managed.Visible() && a.managed.Text == want })
	if a.enabled.Visible() || a.hint.Visible() {
		t.Error("the switch is shown for a copy a package manager updates")
	}
}

func TestSettingsGoesBackToThePreviousVersion(t *testing.T) {
	h := newWindowHarness(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "mcptray"), []byte("new"), 0o755)
	os.WriteFile(filepath.Join(dir, "mcptray.previous"), []byte("old"), 0o755)
	a := h.u.main.prefs.updates
	a.exe = func() (string, error) { return filepath.Join(dir, "mcptray"), nil }
	a.fetch()
	h.until("the way back is offered", func() bool { return a.rollback.Visible() })
	test.Tap(a.rollback)
	h.until("it says it went back", func() bool { return a.note.Text == rolledBackText })
	if b, _ := os.ReadFile(filepath.Join(dir, "mcptray")); string(b) != "old" {
		t.Fatalf("mcptray holds %q after going back", b)
	}
}
