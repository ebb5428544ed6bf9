package proc

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"golang.org/x/sys/unix"
)

// lookup reads the kernel's process entry (sysctl kern.proc.pid).
func lookup(pid int) (Info, error) {
	kp, err := unix.SysctlKinfoProc("kern.proc.pid", pid)
	if err != nil {
		return Info{}, fmt.Errorf("reading process %d: %w", pid, err)
	}
	if int(kp.Proc.P_pid) != pid {
		return Info{}, fmt.Errorf("no process has pid %d", pid)
	}
	tv := kp.Proc.P_starttime
	start := uint64(tv.Sec)*1_000_000 + uint64(tv.Usec)
	session, _ := unix.Getsid(pid)
	return Info{ID: ID{Pid: pid, Start: start}, Parent: int(kp.Eproc.Ppid), Group: int(kp.Eproc.Pgid), Session: session}, nil
}

// executable reads the path the kernel recorded at exec (sysctl kern.procargs2: the argument
// count, then the path, NUL-terminated).
func executable(pid int) (string, error) {
	b, err := unix.SysctlRaw("kern.procargs2", pid)
	if err != nil {
		return "", fmt.Errorf("reading the program of process %d: %w", pid, err)
	}
	if len(b) < 5 {
		return "", fmt.Errorf("the program of process %d is unreadable", pid)
	}
	_ = binary.LittleEndian.Uint32(b[:4]) // argc
	path := b[4:]
	if i := bytes.IndexByte(path, 0); i >= 0 {
		path = path[:i]
	}
	return string(path), nil
}

// terminal is not read here yet: known is false.
func terminal(int) (int, int, bool, error) { return 0, 0, false, nil }
