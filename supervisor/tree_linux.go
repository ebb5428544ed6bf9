package supervisor

import (
	"os/exec"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"
)

// setDeathSignal makes the kernel kill the direct child if the daemon dies, even by SIGKILL.
// Pdeathsig fires when the thread that forked exits, so startAndWait forks from a goroutine
// locked to its thread for the child's whole life.
func setDeathSignal(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }

// startAndWait starts cmd on a locked OS thread that lives until the child exits, then
// records the exit in p.
func startAndWait(cmd *exec.Cmd, p *Process) error {
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		err := cmd.Start()
		if err == nil {
			err = p.tree.attach(cmd.Process.Pid)
		}
		started <- err
		if cmd.Process == nil {
			runtime.UnlockOSThread()
			return
		}
		p.exitErr = cmd.Wait()
		runtime.UnlockOSThread()
		close(p.done)
	}()
	return <-started
}

// groupAlive reports whether any process other than a zombie is in process group pgid.
// kill(-pgid, 0) alone cannot tell, because an orphaned zombie counts until its new parent
// reaps it, and in a container that parent may never do so.
func groupAlive(pgid int) bool {
	if err := unix.Kill(-pgid, 0); err == unix.ESRCH {
		return false
	}
	found := false
	err := eachProc(func(p procStat) bool {
		found = p.pgrp == pgid && p.state != "Z" && p.state != "X"
		return !found
	})
	return found || err != nil
}
