//go:build linux

package gui

import (
	"encoding/json"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mcptray/mcptray/internal/testbin"
)

// welcomeTitle is the welcome window's title (app.WelcomeWindowTitle).
const welcomeTitle = "Welcome to MCP Tray"

// The first minute of issue #20, as a person meets it, through the real binaries: a fresh
// MCP Tray home on a desktop with a tray, the notification service dunst and Claude Desktop
// installed (its settings folder exists) → the welcome window → "Add…" on Filesystem → a
// folder typed in, Claude Desktop ticked → Next → Install → Claude Desktop's settings file
// names `mcptray connect filesystem` → Close → Claude Desktop (a stand-in program named
// claude with a real MCP client, mcp-go; claude_test.go) runs what its settings say and calls
// write_file → the notification has Allow once → Allow once, after its one-second guard →
// the file holds what the client wrote and the notification is withdrawn. Screenshots of each step go to the artifacts folder
// (first-run-*.png); with MCPTRAY_SCREENSHOTS=1 the README's are written to docs/screenshots.
func TestFirstRun(t *testing.T) {
	took := firstRun(t)
	t.Logf("first run: %.1f s from starting the app to the approved call (npm cache warm)", took.Seconds())
}

// BenchmarkFirstRun reports the seconds from starting the tray app to the first approved
// call, the whole of TestFirstRun's script, with the npm cache warm (target ≤ 60 s; most of
// it is the script's own waits, such as the notification's one-second guard).
func BenchmarkFirstRun(b *testing.B) {
	var runs []time.Duration
	for range b.N {
		runs = append(runs, firstRun(b))
	}
	slices.Sort(runs)
	b.ReportMetric(runs[len(runs)/2].Seconds(), "s-to-approved-call")
	b.ReportMetric(runs[len(runs)-1].Seconds(), "s-to-approved-call-max")
	b.ReportMetric(0, "ns/op")
}

// firstRun runs the script once and returns the time from starting the app to the approved
// call's answer. Warming the npm cache comes first and is not counted.
func firstRun(t testing.TB) time.Duration {
	t.Helper()
	testbin.NeedNpx(t)
	warmNpm(t, "@modelcontextprotocol/server-filesystem@"+testbin.Pinned(t, "filesystem"))
	d := startDisplay(t)
	startWindowManager(t, d)
	host := startWatcher(t, d)
	notices := testbin.StartDunst(t, d.Name, d.Bus)
	s := newSessionOn(t, d, host)
	if err := os.Remove(filepath.Join(s.home, "welcomed")); err != nil { // MCP Tray's first start
		t.Fatal(err)
	}
	s.env = append(s.env, "npm_config_cache="+testbin.NpmCache(), "npm_config_update_notifier=false")
	claudeDir := filepath.Join(s.dir, ".config", "Claude") // Claude Desktop is installed
	folder := filepath.Join(s.dir, "Documents")
	for _, dir := range []string{claudeDir, folder} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the app printed:\n%s", s.out.String())
		}
	})

	s.start()
	welcome := s.window(welcomeTitle)
	lap := func(step string) { t.Logf("%5.1f s  %s", time.Since(s.started).Seconds(), step) }
	lap("the welcome window is on screen")
	s.shot(welcome, "first-run-1-welcome", "welcome")
	x, y := s.firstBlue(welcome) // the first "Add…": Filesystem's
	s.click(welcome, x, y)

	inst := s.window(installTitle)
	// The dialog opens at its list, then turns to Filesystem's questions, whose Next is blue
	// (the list's is grey until a row is picked).
	s.blueButtons(inst, 1)
	s.d.screenshot(t, inst, "first-run-2-questions")
	s.click(inst, folderX, folderY) // Allowed directory
	s.typeText(inst, folder)
	s.click(inst, claudeBoxX, claudeBoxY) // Which AI apps should see it? Claude Desktop
	s.d.screenshot(t, inst, "first-run-3-answers")
	next := s.clickLastBlue(inst) // Next
	s.waitBlueMoved(inst, next)   // to Install, wider
	s.d.screenshot(t, inst, "first-run-4-review")
	s.clickLastBlue(inst) // Install
	lap("Install clicked")

	// Claude Desktop's settings name the command that reaches the server through MCP Tray.
	cfgPath := filepath.Join(claudeDir, "claude_desktop_config.json")
	var entry struct {
		Command string   `json:"command"`
		Args    []string `json:"args"`
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var cfg struct {
			MCPServers map[string]json.RawMessage `json:"mcpServers"`
		}
		b, _ := os.ReadFile(cfgPath)
		if json.Unmarshal(b, &cfg) == nil && cfg.MCPServers["filesystem"] != nil {
			if err := json.Unmarshal(cfg.MCPServers["filesystem"], &entry); err != nil {
				t.Fatalf("Claude Desktop's entry: %v", err)
			}
			break
		}
		if time.Now().After(deadline) {
			s.d.screenshot(t, inst, "first-run-stuck")
			t.Fatalf("after Install, Claude Desktop's settings never named the server (see first-run-stuck.png):\n%s", b)
		}
		time.Sleep(100 * time.Millisecond)
	}
	lap("Claude Desktop's settings name the server")
	s.d.screenshot(t, "root", "first-run-5-installed")
	if !strings.Contains(strings.Join(append([]string{entry.Command}, entry.Args...), " "), "connect filesystem") {
		t.Fatalf("Claude Desktop's settings run %q %q, not mcptray connect filesystem", entry.Command, entry.Args)
	}

	// The person closes the dialog, which says the server is installed and working.
	s.clickLastBlue(inst) // Close
	s.waitGone(installTitle)

	// Claude Desktop starts what its settings say and writes a file.
	note := filepath.Join(folder, "hello.txt")
	call := s.startClaude(cfgPath, "filesystem", "write_file", map[string]any{"path": note, "content": "written in the first minute"})
	n := notices.NextNotify(t)
	lap("the notification is up")
	if len(n.Actions) < 4 || n.Actions[0] != "allow" || n.Actions[1] != "Allow once" {
		t.Fatalf("the held call's notification has the buttons %q; want Allow once first", n.Actions)
	}
	prompt := s.window(approvalTitle) // the prompt stays, beside the notification
	s.d.screenshot(t, prompt, "first-run-6-approval")
	if _, err := os.Stat(note); err == nil {
		t.Fatal("the file was written before anyone approved the call")
	}
	// The notification's buttons do nothing in its first second (a click meant for something
	// else); nothing outside the app says when that second is over, so the script waits it out.
	time.Sleep(time.Until(n.At.Add(promptReady)))
	s.shot(prompt, "first-run-6-approval-ready", "approval") // the prompt's buttons now work
	notices.Click(t, "allow")
	r := s.result(call)
	took := time.Since(s.started)
	lap("the approved call has answered")
	if r.isError {
		t.Fatalf("the approved call answered %+v", r)
	}
	if b, err := os.ReadFile(note); err != nil || string(b) != "written in the first minute" {
		t.Fatalf("after Allow once the file holds %q (%v)", b, err)
	}
	notices.Withdrawn(t, n.ID)
	s.waitGone(approvalTitle) // answered from the notification, the prompt goes too
	if shown := notices.Shown(t); shown != 0 {
		t.Errorf("dunst still shows %d notifications after the call was answered", shown)
	}
	if audit := s.cli("audit", "--server", "filesystem"); !strings.Contains(audit, "by person") {
		t.Errorf("the audit log lacks the person's approval:\n%s", audit)
	}
	s.readmeShots()
	return took
}

// Where the script clicks in the install dialog's questions (window coordinates, read off
// first-run-2-questions.png).
const (
	folderX, folderY       = 372, 230
	claudeBoxX, claudeBoxY = 19, 350
)

// shot saves a screenshot of the screen as name in the artifacts folder once win is drawn
// and, with MCPTRAY_SCREENSHOTS=1 and a readme name, the window alone as
// docs/screenshots/readme.png for the README, once it has stopped changing (what it loads
// after it is drawn has arrived). Only the README's pictures wait for that, so that the
// benchmark does not count it.
func (s *session) shot(win, name, readme string) {
	s.t.Helper()
	s.d.screenshot(s.t, win, name)
	if os.Getenv("MCPTRAY_SCREENSHOTS") != "1" || readme == "" {
		return
	}
	s.settle(win)
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		s.t.Fatal(err)
	}
	s.d.capture(s.t, win, filepath.Join(dir, readme+".png"))
}

// clickLastBlue clicks the window's lowest blue button (the dialog's Next or Install).
// It returns where it clicked.
func (s *session) clickLastBlue(win string) image.Point {
	s.t.Helper()
	bs := s.blueButtons(win, 1)
	p := bs[len(bs)-1]
	s.click(win, p.X, p.Y)
	return p
}

// waitBlueMoved waits until the window's lowest blue button is not at was: the dialog's
// next page has drawn its own.
func (s *session) waitBlueMoved(win string, was image.Point) {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		bs := s.blueButtons(win, 1)
		if bs[len(bs)-1] != was {
			return
		}
		if time.Now().After(deadline) {
			s.d.screenshot(s.t, win, "first-run-stuck")
			s.t.Fatal("the dialog stayed on its page for 30 s (see first-run-stuck.png)")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// readmeShots opens the main window as a second start of the app does, then its Activity tab
// with the approved call, then the install dialog's catalog from "Add server…".
func (s *session) readmeShots() {
	s.t.Helper()
	again := exec.Command(appBin)
	again.Env = s.env
	if out, err := again.CombinedOutput(); err != nil {
		s.t.Fatalf("a second launch: %v\n%s", err, out)
	}
	main := s.window(mainTitle)
	s.shot(main, "first-run-7-main", "")
	before := s.grab(main)
	s.click(main, activityX, activityY)
	s.changed(main, before, "the Activity tab")
	s.settle(main) // the audit log has been read
	s.shot(main, "first-run-8-activity", "activity")
	s.click(main, addX, addY) // "Add server…"
	catalog := s.window(installTitle)
	s.settle(catalog) // the catalog is listed
	s.shot(catalog, "first-run-9-catalog", "catalog")
}

// Where the script clicks in the main window (window coordinates, read off first-run-7-main.png).
const activityX, activityY = 37, 300

// warmNpm puts pkg and what it depends on into the tests' npm cache (testbin.NpmCache), as a
// person's own cache holds what they installed before.
func warmNpm(t testing.TB, pkg string) {
	t.Helper()
	cmd := exec.Command("npm", "install", "--prefix", t.TempDir(), "--no-save", "--no-audit", "--no-fund",
		"--prefer-offline", "--ignore-scripts", pkg)
	cmd.Env = append(os.Environ(), "npm_config_cache="+testbin.NpmCache(), "npm_config_update_notifier=false")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("warming the npm cache with %s: %v\n%s", pkg, err, out)
	}
}
