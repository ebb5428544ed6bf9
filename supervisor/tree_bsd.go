//go:build unix && !linux

package supervisor

import (
	"os/exec"
	"syscall"

	"golang.org/x/sys/unix"
)

// setDeathSignal does nothing here: only Linux has a parent-death signal. The guard process
// covers the daemon dying.
func setDeathSignal(*syscall.SysProcAttr) {}

func startAndWait(cmd *exec.Cmd, p *Process) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	p.tree.attach(cmd.Process.Pid)
	go func() {
		p.exitErr = cmd.Wait()
		close(p.done)
	}()
	return nil
}

func groupAlive(pgid int) bool { return unix.Kill(-pgid, 0) != unix.ESRCH }
