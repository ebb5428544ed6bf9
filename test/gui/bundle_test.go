//go:build linux

package gui

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcptray/mcptray/internal/testbin"
)

// bundleTitle is the install dialog's title for a bundle file (app.BundleWindowTitle).
const bundleTitle = "MCP Tray: add a Claude extension"

// guiBundleManifest is a binary bundle whose server is the fake MCP server, with one secret
// setting; it greets with a line that says the key arrived, without printing it.
const guiBundleManifest = `{
  "manifest_version": "0.3",
  "name": "hello-bundle",
  "display_name": "Hello Bundle",
  "version": "1.0.0",
  "description": "A bundle made for MCP Tray's window test",
  "author": {"name": "MCP Tray tests"},
  "server": {"type": "binary", "entry_point": "server/fake",
    "mcp_config": {"command": "${__dirname}/server/fake", "args": ["--print-env", "API_KEY"],
      "env": {"API_KEY": "${user_config.api_key}"}}},
  "user_config": {
    "api_key": {"type": "string", "title": "API key", "description": "Your key", "sensitive": true, "required": true}
  },
  "compatibility": {"platforms": ["linux", "darwin", "win32"]}
}`

// packGUIBundle packs the fake server with guiBundleManifest with the real mcpb CLI.
func packGUIBundle(t *testing.T) string {
	t.Helper()
	mcpb := os.Getenv("MCPTRAY_TEST_MCPB")
	if mcpb == "" {
		mcpb = testbin.NeedNode(t, filepath.Join(".bin", "mcpb"))
	}
	src := t.TempDir()
	os.MkdirAll(filepath.Join(src, "server"), 0o755)
	b, err := os.ReadFile(fakeBin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "server", "fake"), b, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "manifest.json"), []byte(guiBundleManifest), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "Hello Bundle.mcpb")
	cmd := exec.Command(mcpb, "pack", src, out)
	cmd.Dir = src
	if o, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("mcpb pack: %v\n%s", err, o)
	}
	return out
}

// Opening a bundle file with MCP Tray while it runs (`mcptray-app open FILE`, what the file
// association runs) shows the install dialog for it: the signature sentence (unsigned, in
// the warning style), its secret question, then what will run; Install installs it through
// the running app, the key goes to the keychain and the server runs. See the screenshots
// bundle-answers.png, bundle-review.png and bundle-done.png.
func TestOpenBundleFileInstallsIt(t *testing.T) {
	file := packGUIBundle(t)
	s := newSession(t, false)
	// One server already: with none, the welcome window opens (tested in first_run_test.go).
	if err := os.WriteFile(filepath.Join(s.home, "config.json"), []byte(`{"servers": {"notes": {"command": "`+fakeBin+`"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	s.start()
	s.waitReady()

	open := exec.Command(appBin, "open", file)
	open.Env = s.env
	var out lockedBuffer
	open.Stdout, open.Stderr = &out, &out
	open.WaitDelay = 5 * time.Second // a program it started may hold the output open
	if err := open.Start(); err != nil {
		t.Fatal(err)
	}
	var waitErr error
	exited := make(chan struct{})
	go func() { waitErr = open.Wait(); close(exited) }()
	t.Cleanup(func() {
		open.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("mcptray-app open printed:\n%s\nthe tray app printed:\n%s", out.String(), s.out.String())
		}
	})
	win := s.window(bundleTitle)
	time.Sleep(time.Second) // bundle.open answers, the questions are drawn
	s.raise(win)            // over the main window, which the app opened at start (no tray here)
	s.d.screenshot(t, win, "bundle-answers")
	if s.buttonBlue(win) != true {
		t.Error("Next is not enabled on the bundle's questions")
	}
	// Tab goes to the name, then to the secret.
	s.pressNow(win, "Tab")
	s.pressNow(win, "Tab")
	s.typeText(win, "sk-gui-bundle-7f3a")
	s.click(win, nextX, nextY) // Next: what will run
	s.waitButton(win, true, "what will run, with Install enabled (no hazard)")
	time.Sleep(500 * time.Millisecond)
	s.raise(win)
	s.d.screenshot(t, win, "bundle-review")
	if s.configHas("hello-bundle") {
		t.Fatal("the bundle was installed before Install was clicked")
	}
	s.click(win, installX, installY)
	deadline := time.Now().Add(time.Minute)
	for !s.serverRunning("hello-bundle") {
		if time.Now().After(deadline) {
			s.d.screenshot(t, win, "bundle-stuck")
			t.Fatalf("the bundle's server never ran after Install; status:\n%s", s.cli("server", "status"))
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(time.Second) // the dialog's last line
	s.raise(win)
	s.d.screenshot(t, win, "bundle-done")
	raw, err := os.ReadFile(filepath.Join(s.home, "config.json"))
	if err != nil || strings.Contains(string(raw), "sk-gui-bundle-7f3a") {
		t.Errorf("config.json holds the secret (or cannot be read: %v)", err)
	}
	// The key reached the server from the keychain (the fake server prints API_KEY=VALUE;
	// the log may hide the value, but not leave it empty).
	logs := s.cli("logs", "hello-bundle")
	if i := strings.Index(logs, "API_KEY="); i < 0 || strings.HasPrefix(logs[i+len("API_KEY="):], "\n") {
		t.Errorf("the server's log does not show its key arrived:\n%s", logs)
	}
	s.click(win, closeX, closeY) // Close: the dialog, and with it this process
	select {
	case <-exited:
		if waitErr != nil {
			t.Errorf("mcptray-app open ended with %v", waitErr)
		}
	case <-time.After(10 * time.Second):
		t.Error("mcptray-app open did not end when its dialog closed")
	}
}

// raise puts the window in front of the others, for the screenshots.
func (s *session) raise(win string) {
	s.t.Helper()
	if _, err := s.d.xdotool("windowraise", win); err != nil {
		s.t.Fatalf("raising the window: %v", err)
	}
	time.Sleep(200 * time.Millisecond)
}

// serverRunning reports whether `mcptray server status` shows the server running.
func (s *session) serverRunning(name string) bool {
	s.t.Helper()
	cmd := exec.Command(cliBin, "server", "status")
	cmd.Env = s.env
	out, _ := cmd.Output()
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, name) && strings.Contains(line, "running") {
			return true
		}
	}
	return false
}

// Where Close is on the install dialog's last page, bottom right.
const closeX, closeY = 690, 617

// A display that does not answer (a closed SSH session's forwarded DISPLAY, or a login where
// the app starts first) is one sentence from each of the app's ways in, after a short wait,
// never GLFW's panic: opening a bundle and the window process exit saying so; the tray app
// runs its daemon without the icon and says that.
func TestAScreenThatDoesNotAnswerIsOneSentence(t *testing.T) {
	dir := t.TempDir()
	env := append(os.Environ(), "HOME="+dir, "MCPTRAY_HOME="+filepath.Join(dir, "mcptray"), "DISPLAY=:59002", "WAYLAND_DISPLAY=",
		"XDG_RUNTIME_DIR="+dir, "DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(dir, "no-bus"))
	const sentence = "the screen does not answer (DISPLAY=:59002: nothing listens at /tmp/.X11-unix/X59002)"
	for _, args := range [][]string{{"open", packGUIBundle(t)}, {"window"}} {
		cmd := exec.Command(appBin, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err == nil || strings.Contains(string(out), "panic") || strings.Count(strings.TrimSpace(string(out)), "\n") != 0 ||
			!strings.Contains(string(out), sentence) {
			t.Errorf("mcptray-app %s with no screen: %v, printed:\n%s", args[0], err, out)
		}
	}

	tray := exec.Command(appBin)
	tray.Env = env
	var out lockedBuffer
	tray.Stdout, tray.Stderr = &out, &out
	if err := tray.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tray.Process.Kill(); tray.Wait() })
	u := &testbin.User{T: t, Bin: cliBin, Dir: dir, Home: filepath.Join(dir, "mcptray"), Env: env}
	u.Eventually("the daemon answers", func() bool { running, _ := u.List(); return running })
	if s := out.String(); !strings.Contains(s, "MCP Tray cannot show its tray icon: "+sentence+". It runs without it") || strings.Contains(s, "panic") {
		t.Errorf("the tray app with no screen printed:\n%s", s)
	}
}
