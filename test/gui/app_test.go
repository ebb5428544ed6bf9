//go:build linux

package gui

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/mcptray/mcptray/internal/testbin"
)

// The approval window's title (app.ApprovalWindowTitle; not imported, so this package does not
// link Fyne) and the main window's.
const (
	approvalTitle = "MCP Tray: approval needed"
	mainTitle     = "MCP Tray"
)

var (
	appBin  string // bin/mcptray-app: the tray app, built with the gui tag (cgo, GL)
	cliBin  string // the small mcptray: CLI and the bridge AI clients run (also beside appBin)
	fakeBin string // internal/fakeserver
)

func TestMain(m *testing.M) {
	if code, ok := claudeMain(); ok { // this process is the Claude Desktop stand-in
		os.Exit(code)
	}
	dir, err := buildAll()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	testbin.Cleanup()
	os.RemoveAll(dir)
	os.Exit(code)
}

// buildAll builds the tray app into a new temporary folder, which it returns, and the CLI and
// the fake server through testbin.
func buildAll() (string, error) {
	dir, err := os.MkdirTemp("", "mcptray-gui-")
	if err != nil {
		return "", err
	}
	appBin = filepath.Join(dir, "mcptray-app")
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	cmd := exec.Command("go", "build", "-tags", "gui", "-o", appBin, "./cmd/mcptray")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		return dir, fmt.Errorf("building the tray app failed (it needs gcc and the GL and X headers: run scripts/deps.sh build): %v\n%s", err, out)
	}
	if cliBin, err = testbin.MCPTray(); err != nil {
		return dir, err
	}
	// The tray app writes the mcptray beside it into AI apps' settings, as installed.
	if err := os.Symlink(cliBin, filepath.Join(dir, "mcptray")); err != nil {
		return dir, err
	}
	if fakeBin, err = testbin.FakeServer(); err != nil {
		return dir, err
	}
	return dir, nil
}

// session is a person's desktop for one test: an X display, a session bus with (optionally)
// a tray host, a temporary HOME, and the real tray app.
type session struct {
	t    testing.TB
	d    *display
	host *trayHost // nil: a desktop without a tray (the app opens its window instead)
	dir  string    // HOME
	home string    // MCPTRAY_HOME
	env  []string

	app     *exec.Cmd
	started time.Time
	out     lockedBuffer // the app's stdout and stderr
}

func newSession(t testing.TB, withTray bool) *session {
	t.Helper()
	d := startDisplay(t)
	var host *trayHost
	if withTray {
		host = startTrayHost(t, d)
	}
	return newSessionOn(t, d, host)
}

// newSessionOn is a fresh HOME on an existing display and tray host (nil: no tray).
func newSessionOn(t testing.TB, d *display, host *trayHost) *session {
	t.Helper()
	s := &session{t: t, d: d, host: host, dir: t.TempDir()}
	s.home = filepath.Join(s.dir, "mcptray")
	for _, kv := range os.Environ() {
		switch strings.SplitN(kv, "=", 2)[0] {
		case "HOME", "MCPTRAY_HOME", "DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "XDG_CONFIG_HOME":
			continue
		}
		s.env = append(s.env, kv)
	}
	s.env = append(s.env, "HOME="+s.dir, "MCPTRAY_HOME="+s.home, "DISPLAY="+s.d.Name,
		"DBUS_SESSION_BUS_ADDRESS="+s.d.Bus)
	// Someone who has used MCP Tray before: the welcome window was shown once (app's
	// "welcomed" marker). The first-run test takes the marker away.
	if err := os.MkdirAll(s.home, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(s.home, "welcomed"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return s
}

// cli runs the mcptray CLI and returns its stdout, failing the test on a non-zero exit.
func (s *session) cli(args ...string) string {
	s.t.Helper()
	cmd := exec.Command(cliBin, args...)
	cmd.Env = s.env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		s.t.Fatalf("mcptray %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr.String())
	}
	return string(out)
}

// addFake configures a fake MCP server; its write_note tool is destructive, so its rule is ask.
func (s *session) addFake(name string) {
	s.t.Helper()
	s.cli("server", "add", name, "--", fakeBin)
}

// start launches the tray app as a person does, with no arguments.
func (s *session) start() {
	s.t.Helper()
	s.app = exec.Command(appBin)
	s.app.Env = s.env
	s.app.Stdout, s.app.Stderr = &s.out, &s.out
	s.started = time.Now()
	if err := s.app.Start(); err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(s.stop)
}

// stop ends the app as the system does at logout (SIGTERM) and waits for it.
func (s *session) stop() {
	if s.app == nil || s.app.Process == nil || s.app.ProcessState != nil || s.app.Process.Signal(syscall.Signal(0)) != nil {
		return
	}
	s.app.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { s.app.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		s.app.Process.Kill()
		<-done
		s.t.Errorf("the tray app did not stop within 20 s of SIGTERM:\n%s", s.out.String())
	}
}

// waitReady waits until the daemon inside the app answers.
func (s *session) waitReady() {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		cmd := exec.Command(cliBin, "server", "status")
		cmd.Env = s.env
		if cmd.Run() == nil {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the tray app's daemon did not answer within 30 s:\n%s", s.out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitTray waits until the app registers its tray icon with the tray host.
func (s *session) waitTray() registration {
	s.t.Helper()
	select {
	case r := <-s.host.registered:
		return r
	case <-time.After(30 * time.Second):
		s.t.Fatalf("the tray app did not register a tray icon within 30 s:\n%s", s.out.String())
	}
	return registration{}
}

// client connects a real MCP client (mcp-go) to a server through `mcptray connect`.
func (s *session) client(server string) *client.Client {
	s.t.Helper()
	return s.connectAs(cliBin, []string{"connect", server}, s.env)
}

// connectAs starts an MCP client (mcp-go) that runs command with args, as an AI app runs what
// its settings file says, and lists the tools, as clients do before calling one (that is how
// MCP Tray learns their descriptions). The client is closed at cleanup.
func (s *session) connectAs(command string, args, env []string) *client.Client {
	s.t.Helper()
	c, err := client.NewStdioMCPClient(command, env, args...)
	if err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req := mcp.InitializeRequest{}
	req.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	req.Params.ClientInfo = mcp.Implementation{Name: "claude-ai", Version: "1.0"}
	if _, err := c.Initialize(ctx, req); err != nil {
		s.t.Fatalf("initializing through %s %s: %v\n%s", filepath.Base(command), strings.Join(args, " "), err, s.out.String())
	}
	if _, err := c.ListTools(ctx, mcp.ListToolsRequest{}); err != nil {
		s.t.Fatalf("listing tools: %v", err)
	}
	return c
}

// callResult is what a tool call returned.
type callResult struct {
	text    string
	isError bool
	err     error
}

// callAsync calls a tool and delivers its result on the returned channel.
func callAsync(c *client.Client, tool string, args map[string]any) <-chan callResult {
	ch := make(chan callResult, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		req := mcp.CallToolRequest{}
		req.Params.Name, req.Params.Arguments = tool, args
		res, err := c.CallTool(ctx, req)
		if err != nil {
			ch <- callResult{err: err}
			return
		}
		ch <- callResult{text: resultText(res), isError: res.IsError}
	}()
	return ch
}

// resultText is the text of a tool call's answer, its parts one a line.
func resultText(res *mcp.CallToolResult) string {
	var text []string
	for _, c := range res.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			text = append(text, tc.Text)
		}
	}
	return strings.Join(text, "\n")
}

func (s *session) result(ch <-chan callResult) callResult {
	s.t.Helper()
	select {
	case r := <-ch:
		if r.err != nil {
			s.t.Fatalf("the tool call failed: %v\n%s", r.err, s.out.String())
		}
		return r
	case <-time.After(90 * time.Second):
		s.t.Fatalf("the tool call got no answer within 90 s")
	}
	return callResult{}
}

// rssKB is the resident memory of the app: its process and, if one runs, its window process.
func (s *session) rssKB() int { return s.sumStatus("VmRSS:") }

// anonKB is the app's resident anonymous (private) memory: its heaps, not shared libraries.
func (s *session) anonKB() int { return s.sumStatus("RssAnon:") }

func (s *session) sumStatus(field string) int {
	s.t.Helper()
	kb := procStatus(s.t, s.app.Process.Pid, field)
	for _, pid := range s.windowPids() {
		kb += procStatus(s.t, pid, field)
	}
	return kb
}

// windowPids lists the app's window processes (`mcptray-app window`, its children).
func (s *session) windowPids() []int {
	ents, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range ents {
		var pid int
		if _, err := fmt.Sscan(e.Name(), &pid); err != nil {
			continue
		}
		if procStatus(nil, pid, "PPid:") != s.app.Process.Pid {
			continue
		}
		cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if args := strings.Split(string(cmdline), "\x00"); len(args) > 1 && args[1] == "window" {
			out = append(out, pid)
		}
	}
	return out
}

// procStatus reads a kB or number field of /proc/PID/status; 0 if the process is gone and t
// is nil.
func procStatus(t testing.TB, pid int, field string) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		if t == nil {
			return 0
		}
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, field) {
			var kb int
			fmt.Sscanf(strings.TrimPrefix(line, field), "%d", &kb)
			return kb
		}
	}
	if t != nil {
		t.Fatalf("no %s in /proc status", field)
	}
	return 0
}

// lockedBuffer is a bytes.Buffer safe for the process's writers and the test's readers.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
