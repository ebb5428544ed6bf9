package supervisor

import (
	"bytes"
	"os"
	"os/exec"
	"runtime"
	"strconv"
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
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return true
	}
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// Fields after the parenthesised command: state ppid pgrp ...
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		f := bytes.Fields(stat[i+1:])
		if len(f) < 3 || string(f[0]) == "Z" || string(f[0]) == "X" {
			continue
		}
		if g, _ := strconv.Atoi(string(f[2])); g == pgid {
			return true
		}
	}
	return false
}
