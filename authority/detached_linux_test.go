package authority

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/internal/proc"
)

// A program in a session of its own, with no terminal, begun after MCP Tray started, is what
// an agent makes of itself to leave its app's process tree: it may not loosen. A session with
// a terminal is a person's (a terminal opened after MCP Tray started too), and a session that
// began before MCP Tray is the desktop's or an earlier terminal's.
func TestADetachedProgramMayNotLoosenButANewTerminalMay(t *testing.T) {
	a := New()
	a.self = testDaemon(t)

	detached := exec.Command("sleep", "60")
	detached.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := detached.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { detached.Process.Kill(); detached.Wait() })
	if why := a.NotFromPerson(detached.Process.Pid); !strings.Contains(why, "detached") {
		t.Errorf("a program in a new session without a terminal may loosen (%q)", why)
	}

	// script(1) runs its shell in a new session whose terminal is a pseudo-terminal.
	pidFile := filepath.Join(t.TempDir(), "shell")
	term := exec.Command("script", "-qfc", "echo $$ > "+pidFile+"; sleep 60", "/dev/null")
	if err := term.Start(); err != nil {
		t.Fatalf("script(1) (util-linux) is needed for this test: %v", err)
	}
	t.Cleanup(func() { term.Process.Kill(); term.Wait() })
	shell := readPid(t, pidFile)
	if why := a.NotFromPerson(shell); why != "" {
		t.Errorf("a program in a new terminal may not loosen: %s", why)
	}

	a.self.Start = identify(t, detached.Process.Pid).Start + 1 // MCP Tray started after that session
	if why := a.NotFromPerson(detached.Process.Pid); why != "" {
		t.Errorf("a session older than MCP Tray counted as detached: %s", why)
	}
}

// An AI app run in the person's terminal shares the terminal's session: its agent that makes
// a process group of its own and lets its parent exit stays in that session, whose leader (the
// person's shell) has a terminal. It is neither the terminal's foreground nor below the
// shell: it may not loosen. The command in the foreground may (review of the detached rule).
func TestAProgramThatLeftItsGroupInATerminalMayNotLoosen(t *testing.T) {
	a := New()
	a.self = testDaemon(t)
	pids := filepath.Join(t.TempDir(), "pids")
	const app = `import os, sys, time
if os.fork() == 0:
    os.setpgid(0, 0)
    if os.fork() == 0:
        open(sys.argv[1] + ".escaped", "w").write(str(os.getpid()))
        time.sleep(60)
    os._exit(0)
os.wait()
open(sys.argv[1] + ".app", "w").write(str(os.getpid()))
time.sleep(60)`
	// script(1) gives the shell, and so the app, a terminal and a session of their own.
	term := exec.Command("script", "-qfc", "python3 -c '"+app+"' "+pids, "/dev/null")
	if err := term.Start(); err != nil {
		t.Fatalf("script(1) (util-linux) is needed for this test: %v", err)
	}
	t.Cleanup(func() { term.Process.Kill(); term.Wait() })
	escaped, foreground := readPid(t, pids+".escaped"), readPid(t, pids+".app")
	t.Cleanup(func() { syscall.Kill(escaped, syscall.SIGKILL) })
	if why := a.NotFromPerson(escaped); !strings.Contains(why, "not the command running in that terminal") {
		t.Errorf("a program that left its group in a terminal's session may loosen (%q)", why)
	}
	if why := a.NotFromPerson(foreground); why != "" {
		t.Errorf("the command in the terminal's foreground may not loosen: %s", why)
	}
}

// readPid waits up to 10 s for a process to write its pid to path.
func readPid(t *testing.T, path string) int {
	t.Helper()
	for range 400 {
		if b, err := os.ReadFile(path); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
				return pid
			}
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("no pid in %s within 10 s", path)
	return 0
}

// An app that starts its bridge through a wrapper that waits for it (timeout here; the test
// finds the bridge through /proc) is the wrapper's parent: what else the app runs may not
// loosen (red team: `timeout` was recorded as the AI app, and the app's agent approved its
// own call).
func TestAnAppBehindAWrapper(t *testing.T) {
	const app = `import subprocess, time
b = subprocess.Popen(["timeout", "60", "sleep", "60"])
time.sleep(0.3)
bridge = open("/proc/%d/task/%d/children" % (b.pid, b.pid)).read().split()[0]
a = subprocess.Popen(["sleep", "61"])
print(bridge, a.pid, flush=True)
time.sleep(60)`
	a, agent := behindApp(t, "wrapper", app)
	if why := a.NotFromPerson(agent); !strings.Contains(why, "AI app") {
		t.Errorf("a program run by the app behind the wrapper may loosen (%q)", why)
	}
}

// A session begun outside the pid namespace shows as session 0 inside it: CI runners and
// `docker exec` start commands that way in a container, with no terminal. It is judged by the
// oldest process above the asker below pid 1: a person's command under a runner older than
// MCP Tray may loosen (CI refused every test's own `mcptray approve`); a program that let its
// parent exit, adopted by pid 1, may not (review: session 0 had turned the rule off).
func TestASessionFromOutsideThePIDNamespace(t *testing.T) {
	if os.Getenv("MCPTRAY_TEST_INSIDE_PIDNS") == "" {
		// setsid: no terminal, and a session whose leader (unshare) stays outside. sh is pid 1
		// inside, and this test its child: the runner.
		inside := exec.Command("unshare", "--user", "--map-root-user", "--pid", "--fork", "--mount-proc",
			"sh", "-c", `"$0" -test.run "^$1\$" -test.v; exit $?`, os.Args[0], t.Name())
		inside.Env = append(os.Environ(), "MCPTRAY_TEST_INSIDE_PIDNS=1")
		inside.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		out, err := inside.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS") {
			t.Fatalf("inside a new pid namespace (unshare, util-linux, and user namespaces are needed): %v\n%s", err, out)
		}
		return
	}
	a := New()
	a.self = identify(t, os.Getpid())
	a.self.Pid, a.self.Start = -1, a.self.Start+1 // MCP Tray started after the runner
	time.Sleep(30 * time.Millisecond)
	person := exec.Command("sleep", "60") // started after the daemon, under the runner
	if err := person.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { person.Process.Kill(); person.Wait() })
	if info, err := proc.Lookup(person.Process.Pid); err != nil || info.Session != 0 {
		t.Fatalf("%v: the session shows as %d inside the namespace, not 0: the test sets up nothing", err, info.Session)
	}
	if why := a.NotFromPerson(person.Process.Pid); why != "" {
		t.Errorf("a command under a runner older than MCP Tray, in a session begun outside the pid namespace, may not loosen: %s", why)
	}
	pids := filepath.Join(t.TempDir(), "orphan")
	const orphan = `import os, sys, time
if os.fork() == 0:
    os.setpgid(0, 0)
    if os.fork() == 0:
        time.sleep(0.3)
        open(sys.argv[1], "w").write(str(os.getpid()))
        time.sleep(60)
    os._exit(0)
os.wait()`
	if err := exec.Command("python3", "-c", orphan, pids).Run(); err != nil {
		t.Fatalf("python3 is needed for this test: %v", err)
	}
	adopted := readPid(t, pids)
	t.Cleanup(func() { syscall.Kill(adopted, syscall.SIGKILL) })
	if info, _ := proc.Lookup(adopted); info.Parent != 1 {
		t.Fatalf("the orphan's parent is %d, not pid 1: the test sets up nothing", info.Parent)
	}
	if why := a.NotFromPerson(adopted); !strings.Contains(why, "detached") {
		t.Errorf("a program adopted by pid 1, in a session begun outside the pid namespace, may loosen (%q)", why)
	}
}

// A session whose leader has ended (a CI runner's that started the tests and exited, a
// terminal's whose shell closed) is as old as the oldest of its processes above the asker: a
// command started there after MCP Tray, under a process that was there before, may loosen.
// A process alone in such a session since after MCP Tray started may not.
func TestASessionWhoseLeaderEndedIsAsOldAsItsOldestProcess(t *testing.T) {
	pids := filepath.Join(t.TempDir(), "pids")
	const runner = `import os, sys, subprocess, time
os.setsid()
if os.fork() == 0:
    open(sys.argv[1] + ".runner", "w").write(str(os.getpid()))
    time.sleep(1)
    cmd = subprocess.Popen(["sleep", "60"])
    open(sys.argv[1] + ".cmd", "w").write(str(cmd.pid))
    time.sleep(60)
os._exit(0)`
	leader := exec.Command("python3", "-c", runner, pids)
	if err := leader.Run(); err != nil {
		t.Fatalf("python3 is needed for this test: %v", err)
	}
	runnerPid := readPid(t, pids+".runner")
	t.Cleanup(func() { syscall.Kill(-runnerPid, syscall.SIGKILL) })
	a := New()
	a.self = testDaemon(t)
	a.self.Start = identify(t, runnerPid).Start + 1 // MCP Tray started after the runner
	cmd := readPid(t, pids+".cmd")
	if why := a.NotFromPerson(cmd); why != "" {
		t.Errorf("a command under a runner older than MCP Tray, in a session whose leader ended, may not loosen: %s", why)
	}
	if why := a.NotFromPerson(runnerPid); why != "" {
		t.Errorf("the runner itself may not loosen: %s", why)
	}
	// The same session begun after MCP Tray: a program that made a session of its own and let
	// its leader exit. Nothing in it is older than MCP Tray.
	a.self.Start = identify(t, runnerPid).Start - 1
	for _, pid := range []int{runnerPid, cmd} {
		if why := a.NotFromPerson(pid); !strings.Contains(why, "detached") {
			t.Errorf("a process of a session begun after MCP Tray, whose leader exited, may loosen (%q)", why)
		}
	}
}

// In a session without a terminal whose leader runs (a desktop's), a program that does not
// descend from the leader was left by its parent: an AI app's agent that made a process group
// of its own and let its parent exit. It may not loosen (Orphaned); a program of the session
// under the leader may (red team: such an orphan approved its own app's call).
func TestAnOrphanInADesktopSessionMayNotLoosen(t *testing.T) {
	pids := filepath.Join(t.TempDir(), "pids")
	const desktop = `import os, sys, time, subprocess
os.setsid()
person = subprocess.Popen(["sleep", "60"])
open(sys.argv[1] + ".person", "w").write(str(person.pid))
app = """import os, sys, time
if os.fork() == 0:
    os.setpgid(0, 0)
    if os.fork() == 0:
        open(sys.argv[1] + ".agent", "w").write(str(os.getpid()))
        time.sleep(60)
    os._exit(0)
os.wait()
time.sleep(60)"""
subprocess.Popen([sys.executable, "-c", app, sys.argv[1]])
open(sys.argv[1] + ".leader", "w").write(str(os.getpid()))
time.sleep(60)`
	leader := exec.Command("python3", "-c", desktop, pids)
	if err := leader.Start(); err != nil {
		t.Fatalf("python3 is needed for this test: %v", err)
	}
	t.Cleanup(func() { syscall.Kill(-leader.Process.Pid, syscall.SIGKILL); leader.Process.Kill(); leader.Wait() })
	leaderPid, person, agent := readPid(t, pids+".leader"), readPid(t, pids+".person"), readPid(t, pids+".agent")
	t.Cleanup(func() { syscall.Kill(agent, syscall.SIGKILL) })
	a := New()
	a.self = testDaemon(t)
	a.self.Start = identify(t, leaderPid).Start + 1 // the desktop's session began before MCP Tray
	if why := a.NotFromPerson(agent); why != "" {
		t.Fatalf("the test's orphan is refused before the orphan rule (%s): the test sets up nothing", why)
	}
	if why := a.Orphaned(agent); !strings.Contains(why, "parent has exited") {
		t.Errorf("an orphan in a desktop session may loosen (%q)", why)
	}
	if why := a.NotFromPerson(person) + a.Orphaned(person); why != "" {
		t.Errorf("a program under the desktop session's leader may not loosen: %s", why)
	}
	if why := a.Orphaned(os.Getpid()); why != "" {
		t.Errorf("this test (in its own session, under its leader) counted as an orphan: %s", why)
	}
	// Through the guard: the orphan's approval is refused; its install (what a browser's
	// opener starts) is not.
	guard := a.Guard(func(string, json.RawMessage) bool { return true }, func(m string) bool { return m == "install" },
		slog.New(slog.DiscardHandler))
	ctx := control.WithPeer(context.Background(), control.Peer{Pid: agent})
	if err := guard(ctx, control.OpCall, "approve", nil); !errors.Is(err, ErrNotFromPerson) {
		t.Errorf("the orphan's approve: %v; want refused", err)
	}
	if err := guard(ctx, control.OpCall, "install", nil); err != nil {
		t.Errorf("the orphan's install: %v; want let through", err)
	}
}

// Orphaned is what the guard adds for every loosening request but an install: why pid may not
// loosen as an orphan in a session without a terminal, "" when it may (or NotFromPerson
// already refuses it).
func (a *Authority) Orphaned(pid int) string {
	if a.NotFromPerson(pid) != "" {
		return ""
	}
	return a.notFromPerson(pid, false)
}

// Any process of a terminal's session may make its own group the terminal's foreground
// (tcsetpgrp with SIGTTOU ignored): an agent of an AI app run in the person's terminal did,
// after leaving its app's tree, and approved its own call (red team, 6 December 2026). Being
// the foreground is not enough: the command must descend from the session's leader.
func TestAProgramThatTookTheTerminalsForegroundMayNotLoosen(t *testing.T) {
	a := New()
	a.self = testDaemon(t)
	pids := filepath.Join(t.TempDir(), "pids")
	const app = `import os, signal, sys, time
if os.fork() == 0:
    os.setpgid(0, 0)
    if os.fork() == 0:
        time.sleep(0.3)
        signal.signal(signal.SIGTTOU, signal.SIG_IGN)
        tty = os.open("/dev/tty", os.O_RDWR)
        os.tcsetpgrp(tty, os.getpgrp())
        open(sys.argv[1] + ".took", "w").write(str(os.getpid()))
        time.sleep(60)
    os._exit(0)
os.wait()
time.sleep(60)`
	term := exec.Command("script", "-qfc", "python3 -c '"+app+"' "+pids, "/dev/null")
	if err := term.Start(); err != nil {
		t.Fatalf("script(1) (util-linux) is needed for this test: %v", err)
	}
	t.Cleanup(func() { term.Process.Kill(); term.Wait() })
	took := readPid(t, pids+".took")
	t.Cleanup(func() { syscall.Kill(took, syscall.SIGKILL) })
	info, err := proc.Lookup(took)
	if err != nil {
		t.Fatal(err)
	}
	if _, foreground, _, err := proc.Terminal(took); err != nil || foreground != info.Group {
		t.Fatalf("the program is not the terminal's foreground (%d, its group %d, %v): the test sets up nothing", foreground, info.Group, err)
	}
	if why := a.NotFromPerson(took); !strings.Contains(why, "not the command running in that terminal") {
		t.Errorf("a program that made itself the terminal's foreground may loosen (%q)", why)
	}
}

// The session bus starts a service's program for any program that asks (StartServiceByName),
// as a child of the bus, in the desktop's session, which began before MCP Tray: an agent that
// wrote a service file running `mcptray approve` passed as the person (red team, 6 December
// 2026). A program the bus started may not loosen, installs included.
func TestAProgramTheMessageBusStartedMayNotLoosen(t *testing.T) {
	dir := t.TempDir()
	services := filepath.Join(dir, "services")
	if err := os.Mkdir(services, 0o700); err != nil {
		t.Fatal(err)
	}
	bus := filepath.Join(dir, "bus")
	conf := filepath.Join(dir, "bus.conf")
	writeTestFile(t, conf, `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:path=`+bus+`</listen><servicedir>`+services+`</servicedir>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy></busconfig>`)
	started := filepath.Join(dir, "started")
	writeTestFile(t, filepath.Join(services, "org.mcptray.Approver.service"), "[D-BUS Service]\nName=org.mcptray.Approver\nExec=/bin/sh -c 'echo $$ > "+started+"; exec sleep 60'\n")
	// The desktop's session: a leader without a terminal, and the bus below it.
	desktop := exec.Command("sh", "-c", `dbus-daemon --nofork --config-file="$0" & wait`, conf)
	desktop.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := desktop.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Kill(-desktop.Process.Pid, syscall.SIGKILL); desktop.Wait() })
	for i := 0; ; i++ {
		if _, err := os.Stat(bus); err == nil {
			break
		}
		if i == 400 {
			t.Fatal("dbus-daemon (the dbus package) did not listen within 10 s")
		}
		time.Sleep(25 * time.Millisecond)
	}
	a := New()
	a.self = testDaemon(t)
	a.self.Start = identify(t, desktop.Process.Pid).Start + 1 // MCP Tray started after the desktop's session
	// It waits for an answer the service never gives (it claims no name): the test goes on.
	ask := exec.Command("dbus-send", "--bus=unix:path="+bus, "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
		"org.freedesktop.DBus.StartServiceByName", "string:org.mcptray.Approver", "uint32:0")
	if err := ask.Start(); err != nil {
		t.Fatalf("dbus-send (the dbus package) is needed for this test: %v", err)
	}
	t.Cleanup(func() { ask.Process.Kill(); ask.Wait() })
	activated := readPid(t, started)
	t.Cleanup(func() { syscall.Kill(activated, syscall.SIGKILL) })
	if info, err := proc.Lookup(activated); err != nil || info.Session != desktop.Process.Pid {
		t.Fatalf("the activated program runs in session %d, not the desktop's %d: the test sets up nothing", info.Session, desktop.Process.Pid)
	}
	for _, orphanOK := range []bool{false, true} {
		if why := a.notFromPerson(activated, orphanOK); !strings.Contains(why, "message bus") {
			t.Errorf("a program the session bus started may loosen (orphanOK %v: %q)", orphanOK, why)
		}
	}
}

func writeTestFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// The socket names the process that connected; the guard judges it by reading the process
// table when a request comes. A program can connect, hand the connection to a child and exit,
// and its pid later be given to another process, which the guard would then judge instead
// (red team, 6 December 2026, by reading the code). The guard refuses a request whose
// connecting process no longer runs under its pid.
func TestARequestWhoseConnectingProgramEndedIsRefused(t *testing.T) {
	a := New()
	a.self = testDaemon(t)
	person := exec.Command("sleep", "60")
	if err := person.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { person.Process.Kill(); person.Wait() })
	id := identify(t, person.Process.Pid)
	guard := a.Guard(func(string, json.RawMessage) bool { return true }, func(string) bool { return false }, slog.New(slog.DiscardHandler))
	asked := func(start uint64) error {
		return guard(control.WithPeer(context.Background(), control.Peer{Pid: id.Pid, Start: start}), control.OpCall, "approve", nil)
	}
	if err := asked(id.Start); err != nil {
		t.Fatalf("the request of the process that connected, still running: %v", err)
	}
	if err := asked(id.Start - 1); !errors.Is(err, ErrNotFromPerson) {
		t.Errorf("a request whose connecting process ended (its pid now another's): %v; want refused", err)
	}
}
