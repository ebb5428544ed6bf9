//go:build !windows

package authority

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mcptray/mcptray/internal/proc"
)

// sleeper starts `sh -c 'sleep 60 & wait'` (a process with one child) and returns the shell
// and its child's pid; both end at cleanup.
func sleeper(t *testing.T) (shell, child int) {
	t.Helper()
	cmd := exec.Command("sh", "-c", "sleep 60 & echo $!; wait")
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if child > 0 {
			syscall.Kill(child, syscall.SIGKILL)
		}
		cmd.Process.Kill()
		cmd.Wait()
	})
	var pid int
	if _, err := fmt.Fscan(out, &pid); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid, pid
}

// testDaemon plays a daemon that is no process here and started just before this test (a
// clock tick, the unit of start times on Linux): what the test starts began after it, the
// session the test runs in before.
func testDaemon(t *testing.T) proc.ID {
	return proc.ID{Pid: -1, Start: identify(t, os.Getpid()).Start - 1}
}

func identify(t *testing.T, pid int) proc.ID {
	t.Helper()
	id, err := proc.Identify(pid)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestTheDaemonsDescendantsMayNotLoosenButItsWindowMay(t *testing.T) {
	a := New() // this test process plays the daemon
	if why := a.NotFromPerson(os.Getpid()); why != "" {
		t.Errorf("the daemon's own process (the tray) refused: %s", why)
	}
	shell, child := sleeper(t)
	for _, pid := range []int{shell, child} {
		if why := a.NotFromPerson(pid); !strings.Contains(why, "started by MCP Tray") {
			t.Errorf("process %d, descended from the daemon, allowed (%q)", pid, why)
		}
	}
	a.addWindow(identify(t, shell))
	if why := a.NotFromPerson(shell); why != "" {
		t.Errorf("the window process refused: %s", why)
	}
	if why := a.NotFromPerson(child); why == "" {
		t.Error("a program the window process ran may loosen")
	}
	// A window recorded with another start time is another process (its pid was reused).
	b := New()
	id := identify(t, shell)
	id.Start++
	b.addWindow(id)
	if why := b.NotFromPerson(shell); why == "" {
		t.Error("a process with a recorded window's pid but another start time may loosen")
	}
	if why := a.NotFromPerson(0); why == "" {
		t.Error("a peer of unknown pid may loosen")
	}
}

// A program that left its parent (its parent ended and the system gave it to another) still
// carries the process group it came from: a server's leaves no way past.
func TestADetachedProgramOfAServerMayNotLoosen(t *testing.T) {
	a := New() // this test process plays the daemon
	server := exec.Command("sh", "-c", "(sleep 60 & echo $!); exec sleep 61")
	server.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // as the supervisor starts servers
	out, _ := server.StdoutPipe()
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	var orphan int
	if _, err := fmt.Fscan(out, &orphan); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Kill(-server.Process.Pid, syscall.SIGKILL); server.Wait() })
	deadline := time.Now().Add(10 * time.Second)
	for {
		chain, err := proc.Ancestry(orphan)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(chain, func(p proc.Info) bool { return p.Pid == os.Getpid() }) {
			break // given to another parent: no longer this process's descendant
		}
		if time.Now().After(deadline) {
			t.Fatal("the detached program still descends from the test after 10 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if why := a.NotFromPerson(orphan); !strings.Contains(why, "started by MCP Tray") {
		t.Fatalf("a detached program of a server may loosen (%q)", why)
	}
}

func TestAnAIAppAndWhatItRunsMayNotLoosen(t *testing.T) {
	a := New()
	a.self = testDaemon(t) // the processes here descend from this test, not from a daemon
	app, agent := sleeper(t)
	_, unrelated := sleeper(t)
	forget := a.AddBridge(Bridge{app: identify(t, app), appExe: "/usr/bin/app"})
	for _, pid := range []int{app, agent} {
		if why := a.NotFromPerson(pid); !strings.Contains(why, "AI app") || !strings.Contains(why, "/usr/bin/app") {
			t.Errorf("process %d of the AI app allowed (%q)", pid, why)
		}
	}
	if why := a.NotFromPerson(unrelated); why != "" {
		t.Errorf("a process unrelated to the AI app refused: %s", why)
	}
	forget()
	if why := a.NotFromPerson(agent); why != "" {
		t.Errorf("refused after the bridge closed: %s", why)
	}
	// An app recorded with another start time is another process.
	id := identify(t, app)
	id.Start++
	a.AddBridge(Bridge{app: id})
	if why := a.NotFromPerson(agent); why != "" {
		t.Errorf("a reused pid counted as the AI app: %s", why)
	}
}

func TestIdentifyBridgeReadsItsParent(t *testing.T) {
	shell, child := sleeper(t)
	b := IdentifyBridge(child)
	if b.bridge != identify(t, child) || b.app != identify(t, shell) || b.root != b.app {
		t.Fatalf("bridge %+v; want the child, and the shell as app and root", b)
	}
	// The shell ran under this test: the app shown is the program above the shell.
	if self, _ := proc.Executable(os.Getpid()); b.appExe != self {
		t.Errorf("the app's program = %q; want this test's %q, above its shell", b.appExe, self)
	}
}

// An app made of several processes of one program is one app: what its other processes run
// (an agent's terminal in an Electron app's terminal host) is refused too.
func TestAnAppOfSeveralProcessesIsOneApp(t *testing.T) {
	// main (sh) runs host (sh), whose child is the bridge (sleep); main's other child is
	// the agent's command (sleep).
	cmd := exec.Command("sh", "-c", `sh -c 'sleep 60 & echo $!; wait' & sleep 61 & echo $!; wait`)
	out, _ := cmd.StdoutPipe()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); cmd.Wait() })
	var first, second int
	if _, err := fmt.Fscan(out, &first, &second); err != nil {
		t.Fatal(err)
	}
	bridge, agent := first, second // the order of the two lines is the shells' to choose
	if info, _ := proc.Lookup(first); info.Parent == cmd.Process.Pid {
		bridge, agent = second, first
	}
	b := IdentifyBridge(bridge)
	if b.root != identify(t, cmd.Process.Pid) {
		t.Fatalf("the app's root is %+v; want the outer shell %d", b.root, cmd.Process.Pid)
	}
	a := New()
	a.self = testDaemon(t)
	a.AddBridge(b)
	if why := a.NotFromPerson(agent); !strings.Contains(why, "AI app") {
		t.Errorf("a program the app's other process ran may loosen (%q)", why)
	}
}

// An AI app that starts its bridge through a shell is the program that ran the shell: what the
// app runs beside the shell (an agent's command) is refused too.
func TestAnAppBehindAShell(t *testing.T) {
	// app (python3) runs a shell whose child is the bridge (sleep), and the agent's command
	// (sleep) beside it.
	const app = `import subprocess, sys, time
b = subprocess.Popen(["sh", "-c", "sleep 60 & echo $! >&2; wait"], stderr=subprocess.PIPE)
bridge = b.stderr.readline().decode().strip()
a = subprocess.Popen(["sleep", "61"])
print(bridge, a.pid, flush=True)
time.sleep(60)`
	a, agent := behindApp(t, "shell", app)
	if why := a.NotFromPerson(agent); !strings.Contains(why, "AI app") {
		t.Errorf("a program run by the app behind the shell may loosen (%q)", why)
	}
	if why := a.NotFromPerson(os.Getpid()); why != "" {
		t.Errorf("the person's terminal (this test) may not loosen: %s", why)
	}
}

// behindApp runs app (pythonApp), which starts its bridge through what (a shell, a wrapper),
// checks that the bridge's app is python3, and returns an authority with the bridge recorded
// and the pid of the agent's command.
func behindApp(t *testing.T, what, app string) (*Authority, int) {
	t.Helper()
	cmd, bridge, agent := pythonApp(t, app)
	b := IdentifyBridge(bridge)
	if b.outer != identify(t, cmd.Process.Pid) {
		t.Fatalf("the app behind the %s is %+v; want python3, %d", what, b.outer, cmd.Process.Pid)
	}
	// The person is shown the app, not the shell or wrapper between it and the bridge.
	if exe, _ := proc.Executable(cmd.Process.Pid); b.App() != exe {
		t.Errorf("the app behind the %s is shown as %q; want %q", what, b.App(), exe)
	}
	a := New()
	a.self = testDaemon(t)
	a.AddBridge(b)
	return a, agent
}

// pythonApp starts python3 running app, which prints the pid of its bridge and of its agent's
// command; it returns the app's command and both pids. Everything ends at cleanup.
func pythonApp(t *testing.T, app string) (cmd *exec.Cmd, bridge, agent int) {
	t.Helper()
	cmd = exec.Command("python3", "-c", app)
	out, _ := cmd.StdoutPipe()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("python3 is needed for this test: %v", err)
	}
	t.Cleanup(func() { syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); cmd.Wait() })
	if _, err := fmt.Fscan(out, &bridge, &agent); err != nil {
		t.Fatal(err)
	}
	return cmd, bridge, agent
}
