//go:build !windows

package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/mcptray/mcptray/internal/testbin"
)

var (
	bin  string // the mcptray binary under test
	fake string // the fake MCP server
)

func TestMain(m *testing.M) {
	var err error
	if bin, err = testbin.MCPTray(); err == nil {
		fake, err = testbin.FakeServer()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	testbin.Cleanup()
	os.Exit(code)
}

func newUser(t *testing.T) *testbin.User { return testbin.NewUser(t) }

func TestServerLifecycleThroughTheBinary(t *testing.T) {
	u := newUser(t)
	if out := u.OK("server", "list"); !strings.Contains(out, "No servers yet") {
		t.Errorf("empty list says %q", out)
	}
	out := u.OK("server", "add", "demo", "--env", "GREETING=hello", "--", fake, "-hello", "demo says hi", "-print-env", "GREETING")
	if !strings.Contains(out, `Added the server "demo"`) || !strings.Contains(out, "will start when MCP Tray runs") {
		t.Errorf("add says %q", out)
	}
	if running, l := u.List(); running || len(l) != 1 || l["demo"] != nil {
		t.Errorf("list before the daemon runs: %+v", l)
	}
	u.Daemon()
	u.WaitRunning("demo")
	u.Eventually("demo's stderr is in its log", func() bool { return strings.Contains(u.OK("logs", "demo"), "GREETING=hello") })

	// Crash it: it comes back with a restart counted.
	pid := u.State("demo").Pid
	syscall.Kill(pid, syscall.SIGKILL)
	u.Eventually("demo restarts", func() bool { st := u.State("demo"); return st.State == "running" && st.Pid != pid && st.Restarts == 1 })

	if out := u.OK("server", "stop", "demo"); out != "Stopped demo.\n" {
		t.Errorf("stop says %q", out)
	}
	if s := u.State("demo").State; s != "stopped" {
		t.Errorf("state after stop = %q", s)
	}
	u.OK("server", "start", "demo")
	u.WaitRunning("demo")
	u.OK("server", "disable", "demo")
	u.Eventually("demo is off", func() bool { return u.State("demo").State == "disabled" })
	u.OK("server", "remove", "demo")
	u.Eventually("demo is gone", func() bool { return listCount(u) == 0 })
}

func TestErrorsAreOneSentenceWithExitCodes(t *testing.T) {
	u := newUser(t)
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"server", "status"}, 1, "MCP Tray is not running."},
		{[]string{"server", "start", "x"}, 1, "MCP Tray is not running."},
		{[]string{"server", "remove", "nope"}, 1, `There is no server named "nope"`},
		{[]string{"server", "add", "x"}, 2, "needs a name, then --"},
		{[]string{"server", "add", "bad name", "--", "x"}, 2, "cannot be a server name"},
		{[]string{"server", "add", "x", "--env", "novalue", "--", "x"}, 2, "--env takes NAME=VALUE"},
		{[]string{"server", "frobnicate"}, 2, ""},
		{[]string{"--bogus"}, 2, "Unknown flag: --bogus"},
		{[]string{"logs"}, 2, "needs the name of a server"},
	}
	for _, tc := range cases {
		out, errs, code := u.Run(tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.want) {
			t.Errorf("mcptray %s: exit %d, stderr %q; want exit %d and %q", strings.Join(tc.args, " "), code, errs, tc.code, tc.want)
		}
		if code == 1 && strings.Count(strings.TrimSpace(errs), "\n") > 0 {
			t.Errorf("mcptray %s: error is more than one line: %q", strings.Join(tc.args, " "), errs)
		}
		_ = out
	}
}

func TestBrokenConfigIsNamedAndKept(t *testing.T) {
	u := newUser(t)
	os.MkdirAll(u.Home, 0o700)
	broken := "{\n  \"servers\": {\n    \"a\": {\"command\": \"x\",}\n  }\n}\n"
	os.WriteFile(filepath.Join(u.Home, "config.json"), []byte(broken), 0o600)
	_, errs, code := u.Run("server", "add", "b", "--", "x")
	if code != 1 || !strings.Contains(errs, "config.json, line 3") {
		t.Errorf("add over a broken config: exit %d, %q", code, errs)
	}
	if got, _ := os.ReadFile(filepath.Join(u.Home, "config.json")); string(got) != broken {
		t.Error("a broken config.json was changed")
	}
}

func TestConcurrentAddsFromTwoProcessesLoseNothing(t *testing.T) {
	u := newUser(t)
	var wg sync.WaitGroup
	for _, p := range []string{"a", "b"} {
		wg.Go(func() {
			for i := range 10 {
				u.OK("server", "add", fmt.Sprintf("%s%d", p, i), "--", fake)
			}
		})
	}
	wg.Wait()
	if n := listCount(u); n != 20 {
		t.Fatalf("after 2×10 concurrent adds, %d servers are configured", n)
	}
}

func TestDaemonKill9LeavesNoServerProcess(t *testing.T) {
	u := newUser(t)
	pidfile := filepath.Join(t.TempDir(), "gc.pid")
	u.OK("server", "add", "stubborn", "--", fake, "-ignore-term", "-grandchild", pidfile)
	d := u.Daemon()
	u.WaitRunning("stubborn")
	pid := u.State("stubborn").Pid
	var gc int
	u.Eventually("the grandchild exists", func() bool {
		b, _ := os.ReadFile(pidfile)
		_, err := fmt.Sscan(string(b), &gc)
		return err == nil
	})
	d.Process.Kill()
	d.Wait()
	u.Eventually("no server process survives the daemon", func() bool { return !testbin.Alive(pid) && !testbin.Alive(gc) })
}

func TestSecondDaemonSaysSoAndExits(t *testing.T) {
	u := newUser(t)
	u.Daemon()
	_, errs, code := u.Run("daemon")
	if code != 1 || !strings.Contains(errs, "already running") {
		t.Fatalf("second daemon: exit %d, %q", code, errs)
	}
}

func TestNoDisplayRunsTheDaemonAndSaysSo(t *testing.T) {
	u := newUser(t)
	cmd := exec.Command(bin)
	cmd.Env = u.Env
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer cmd.Process.Signal(syscall.SIGTERM)
	line, _ := bufio.NewReader(stderr).ReadString('\n')
	if !strings.Contains(line, "No display found") {
		t.Fatalf("first line = %q", line)
	}
	u.Eventually("the daemon answers", func() bool { _, _, code := u.Run("server", "status"); return code == 0 })
}

func TestLogsWithoutDaemonReadSavedFile(t *testing.T) {
	u := newUser(t)
	u.OK("server", "add", "demo", "--", fake, "-hello", "remember me")
	d := u.Daemon()
	u.Eventually("demo logged", func() bool { return strings.Contains(u.OK("logs", "demo"), "remember me") })
	d.Process.Signal(syscall.SIGTERM)
	d.Wait()
	out, errs, code := u.Run("logs", "demo")
	if code != 0 || !strings.Contains(out, "remember me") || !strings.Contains(errs, "not running") {
		t.Fatalf("logs with no daemon: exit %d\n%s%s", code, out, errs)
	}
}

func listCount(u *testbin.User) int { _, m := u.List(); return len(m) }
