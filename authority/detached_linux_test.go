package authority

import (
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"testing"
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
	term := exec.Command("script", "-qfc", "echo $$; sleep 60", "/dev/null")
	out, _ := term.StdoutPipe()
	if err := term.Start(); err != nil {
		t.Fatalf("script(1) (util-linux) is needed for this test: %v", err)
	}
	t.Cleanup(func() { term.Process.Kill(); term.Wait() })
	var shell int
	if _, err := fmt.Fscan(out, &shell); err != nil {
		t.Fatal(err)
	}
	if why := a.NotFromPerson(shell); why != "" {
		t.Errorf("a program in a new terminal may not loosen: %s", why)
	}

	a.self.Start = identify(t, detached.Process.Pid).Start + 1 // MCP Tray started after that session
	if why := a.NotFromPerson(detached.Process.Pid); why != "" {
		t.Errorf("a session older than MCP Tray counted as detached: %s", why)
	}
}
