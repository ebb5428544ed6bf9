//go:build !windows

package supervisor

import (
	"os/exec"
	"syscall"

	"golang.org/x/sys/unix"
)

const (
	sigTerm = unix.SIGTERM
	sigKill = unix.SIGKILL
)

// tree is the child's process group: the child leads it and its descendants inherit it, so
// one signal reaches the whole tree.
type tree struct{ pgid int }

// prepareTree starts the child in a session of its own, which it leads, and so in a process
// group of its own too. A new session has no controlling terminal: a server started from a
// terminal (`mcptray scan`, an install's scan, `mcptray daemon` in the foreground) cannot
// open /dev/tty and push keystrokes into the person's shell with TIOCSTI (red team: a
// scanned server ran `cat ~/.ssh/id_rsa` in the shell that ran the scan).
func prepareTree(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setsid = true
	setDeathSignal(cmd.SysProcAttr)
}

func (t *tree) attach(pid int) error {
	t.pgid = pid
	guardAdd(pid)
	return nil
}

func (t *tree) signal(sig syscall.Signal) {
	if t.pgid > 0 {
		unix.Kill(-t.pgid, sig)
	}
}

func (t *tree) alive() bool { return t.pgid > 0 && groupAlive(t.pgid) }

func (t *tree) release() {
	if t.pgid > 0 && !groupAlive(t.pgid) {
		guardRemove(t.pgid)
	}
}
