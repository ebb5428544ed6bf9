//go:build !windows

package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

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

// user is a person at a terminal with their own MCP Tray home and HOME.
type user struct {
	t    *testing.T
	home string
	env  []string
}

func newUser(t *testing.T) *user {
	dir := t.TempDir()
	u := &user{t: t, home: filepath.Join(dir, "mcptray")}
	u.env = append(os.Environ(), "MCPTRAY_HOME="+u.home, "HOME="+dir, "DISPLAY=", "WAYLAND_DISPLAY=")
	return u
}

// run runs mcptray and returns stdout, stderr and the exit code.
func (u *user) run(args ...string) (string, string, int) {
	u.t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = u.env
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		u.t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

func (u *user) ok(args ...string) string {
	u.t.Helper()
	out, errs, code := u.run(args...)
	if code != 0 {
		u.t.Fatalf("mcptray %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

// daemon starts `mcptray daemon` and waits until it answers.
func (u *user) daemon() *exec.Cmd {
	u.t.Helper()
	cmd := exec.Command(bin, "daemon")
	cmd.Env = u.env
	if err := cmd.Start(); err != nil {
		u.t.Fatal(err)
	}
	u.t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	})
	u.eventually("the daemon answers", func() bool { _, _, code := u.run("server", "status"); return code == 0 })
	return cmd
}

func (u *user) eventually(what string, ok func() bool) {
	u.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			u.t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

type listJSON struct {
	Running bool `json:"running"`
	Servers []struct {
		Name   string `json:"name"`
		Status *struct {
			State    string `json:"state"`
			Pid      int    `json:"pid"`
			Restarts int    `json:"restarts"`
		} `json:"status"`
	} `json:"servers"`
}

func (u *user) list() listJSON {
	u.t.Helper()
	var l listJSON
	if err := json.Unmarshal([]byte(u.ok("server", "list", "--json")), &l); err != nil {
		u.t.Fatal(err)
	}
	return l
}

func (u *user) state(name string) (string, int, int) {
	for _, s := range u.list().Servers {
		if s.Name == name && s.Status != nil {
			return s.Status.State, s.Status.Pid, s.Status.Restarts
		}
	}
	return "", 0, 0
}

func TestServerLifecycleThroughTheBinary(t *testing.T) {
	u := newUser(t)
	if out := u.ok("server", "list"); !strings.Contains(out, "No servers yet") {
		t.Errorf("empty list says %q", out)
	}
	out := u.ok("server", "add", "demo", "--env", "GREETING=hello", "--", fake, "-hello", "demo says hi", "-print-env", "GREETING")
	if !strings.Contains(out, `Added the server "demo"`) || !strings.Contains(out, "will start when MCP Tray runs") {
		t.Errorf("add says %q", out)
	}
	if l := u.list(); l.Running || len(l.Servers) != 1 || l.Servers[0].Status != nil {
		t.Errorf("list before the daemon runs: %+v", l)
	}
	u.daemon()
	u.eventually("demo runs", func() bool { s, _, _ := u.state("demo"); return s == "running" })
	u.eventually("demo's stderr is in its log", func() bool { return strings.Contains(u.ok("logs", "demo"), "GREETING=hello") })

	// Crash it: it comes back with a restart counted.
	_, pid, _ := u.state("demo")
	syscall.Kill(pid, syscall.SIGKILL)
	u.eventually("demo restarts", func() bool { s, p, r := u.state("demo"); return s == "running" && p != pid && r == 1 })

	if out := u.ok("server", "stop", "demo"); out != "Stopped demo.\n" {
		t.Errorf("stop says %q", out)
	}
	if s, _, _ := u.state("demo"); s != "stopped" {
		t.Errorf("state after stop = %q", s)
	}
	u.ok("server", "start", "demo")
	u.eventually("demo runs again", func() bool { s, _, _ := u.state("demo"); return s == "running" })
	u.ok("server", "disable", "demo")
	u.eventually("demo is off", func() bool { s, _, _ := u.state("demo"); return s == "disabled" })
	u.ok("server", "remove", "demo")
	u.eventually("demo is gone", func() bool { return len(u.list().Servers) == 0 })
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
		out, errs, code := u.run(tc.args...)
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
	os.MkdirAll(u.home, 0o700)
	broken := "{\n  \"servers\": {\n    \"a\": {\"command\": \"x\",}\n  }\n}\n"
	os.WriteFile(filepath.Join(u.home, "config.json"), []byte(broken), 0o600)
	_, errs, code := u.run("server", "add", "b", "--", "x")
	if code != 1 || !strings.Contains(errs, "config.json, line 3") {
		t.Errorf("add over a broken config: exit %d, %q", code, errs)
	}
	if got, _ := os.ReadFile(filepath.Join(u.home, "config.json")); string(got) != broken {
		t.Error("a broken config.json was changed")
	}
}

func TestConcurrentAddsFromTwoProcessesLoseNothing(t *testing.T) {
	u := newUser(t)
	var wg sync.WaitGroup
	for _, p := range []string{"a", "b"} {
		wg.Go(func() {
			for i := range 10 {
				u.ok("server", "add", fmt.Sprintf("%s%d", p, i), "--", fake)
			}
		})
	}
	wg.Wait()
	if n := len(u.list().Servers); n != 20 {
		t.Fatalf("after 2×10 concurrent adds, %d servers are configured", n)
	}
}

func TestDaemonKill9LeavesNoServerProcess(t *testing.T) {
	u := newUser(t)
	pidfile := filepath.Join(t.TempDir(), "gc.pid")
	u.ok("server", "add", "stubborn", "--", fake, "-ignore-term", "-grandchild", pidfile)
	d := u.daemon()
	u.eventually("stubborn runs", func() bool { s, _, _ := u.state("stubborn"); return s == "running" })
	_, pid, _ := u.state("stubborn")
	var gc int
	u.eventually("the grandchild exists", func() bool {
		b, _ := os.ReadFile(pidfile)
		_, err := fmt.Sscan(string(b), &gc)
		return err == nil
	})
	d.Process.Kill()
	d.Wait()
	u.eventually("no server process survives the daemon", func() bool { return !testbin.Alive(pid) && !testbin.Alive(gc) })
}

func TestSecondDaemonSaysSoAndExits(t *testing.T) {
	u := newUser(t)
	u.daemon()
	_, errs, code := u.run("daemon")
	if code != 1 || !strings.Contains(errs, "already running") {
		t.Fatalf("second daemon: exit %d, %q", code, errs)
	}
}

func TestNoDisplayRunsTheDaemonAndSaysSo(t *testing.T) {
	u := newUser(t)
	cmd := exec.Command(bin)
	cmd.Env = u.env
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
	u.eventually("the daemon answers", func() bool { _, _, code := u.run("server", "status"); return code == 0 })
}

func TestLogsWithoutDaemonReadSavedFile(t *testing.T) {
	u := newUser(t)
	u.ok("server", "add", "demo", "--", fake, "-hello", "remember me")
	d := u.daemon()
	u.eventually("demo logged", func() bool { return strings.Contains(u.ok("logs", "demo"), "remember me") })
	d.Process.Signal(syscall.SIGTERM)
	d.Wait()
	out, errs, code := u.run("logs", "demo")
	if code != 0 || !strings.Contains(out, "remember me") || !strings.Contains(errs, "not running") {
		t.Fatalf("logs with no daemon: exit %d\n%s%s", code, out, errs)
	}
}
