package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// namespaceFlags are the clone flags of the namespaces an attempt names ("user+mount").
var namespaceFlags = map[string]uintptr{
	"user": unix.CLONE_NEWUSER, "mount": unix.CLONE_NEWNS, "net": unix.CLONE_NEWNET, "pid": unix.CLONE_NEWPID,
	"ipc": unix.CLONE_NEWIPC, "uts": unix.CLONE_NEWUTS, "cgroup": unix.CLONE_NEWCGROUP, "time": unix.CLONE_NEWTIME,
}

// namespaces tries to enter new namespaces, as a hostile server would to get capabilities in a
// user namespace of its own and the kernel's surface behind them:
//
//	unshare=NAMES  unshare(2); with "user", in a child before it runs /bin/true, since the
//	               kernel refuses a user namespace to a threaded process such as this one
//	clone=NAMES    start /bin/true in the new namespaces, made by clone(2) (or clone3(2),
//	               which Go uses for a time namespace: "user+time")
//	setns=NAME     join this process's own NAME namespace through /proc/self/ns/NAME (the
//	               kernel refuses re-entering one's own user namespace with EINVAL)
//
// Namespaces entered on a thread of this process stay on that thread, which ends with it.
func namespaces(op, target string) error {
	var flags uintptr
	for _, name := range strings.Split(target, "+") {
		f, ok := namespaceFlags[name]
		if !ok {
			return fmt.Errorf("unknown namespace %q", name)
		}
		flags |= f
	}
	switch {
	case op == "clone":
		cmd := exec.Command("/bin/true")
		cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: flags}
		return cmd.Run()
	case op == "unshare" && flags&unix.CLONE_NEWUSER != 0:
		cmd := exec.Command("/bin/true")
		cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: flags}
		return cmd.Run()
	case op == "unshare":
		return onThrowawayThread(func() error { return os.NewSyscallError("unshare", unix.Unshare(int(flags))) })
	}
	file := target
	if file == "mount" {
		file = "mnt"
	}
	return onThrowawayThread(func() error {
		f, err := os.Open("/proc/self/ns/" + file)
		if err != nil {
			return err
		}
		defer f.Close()
		return os.NewSyscallError("setns", unix.Setns(int(f.Fd()), int(flags)))
	})
}

// onThrowawayThread runs f on a thread of its own that ends afterwards, so that namespaces f
// enters do not stay with the rest of the probe.
func onThrowawayThread(f func() error) error {
	done := make(chan error)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread exits with this goroutine
		done <- f()
	}()
	return <-done
}
