package gateway

import (
	"io"
	"os"
	"syscall"
	"unsafe"
)

// fastFile reads and writes a pipe or socket that Go's poller watches with raw system calls,
// which do not tell the scheduler they started. A read or write of a non-blocking descriptor
// returns at once (EAGAIN when it would block, and then the poller waits, as for any read or
// write of the file), so the scheduler has nothing to do; the ordinary path tells it anyway,
// and when the daemon was idle that wakes the runtime's monitor thread (sysmon) with a futex
// for the first read or write of a message, on the CPU the client or the server wants to run
// on. Measured in docs/relay-performance.md. Safe for one reader and one writer at a time,
// like the file.
type fastFile struct {
	f  *os.File
	rc syscall.RawConn
}

// fastOf returns v's fast form when it is a non-blocking *os.File (a pipe or socket the
// poller watches), or nil: a blocking descriptor read raw would stall a whole thread.
func fastOf(v any) *fastFile {
	f, ok := v.(*os.File)
	if !ok || f == nil {
		return nil
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return nil
	}
	nonblock := false
	if rc.Control(func(fd uintptr) {
		fl, _, e := syscall.RawSyscall(syscall.SYS_FCNTL, fd, syscall.F_GETFL, 0)
		nonblock = e == 0 && fl&syscall.O_NONBLOCK != 0
	}) != nil || !nonblock {
		return nil
	}
	return &fastFile{f: f, rc: rc}
}

// RawIO returns f read and written with raw system calls when it is a non-blocking pipe or
// socket (fastFile), or f itself: for the reader a daemon hands to Relay as the client's
// input (Relay finds the other files itself).
func RawIO(f *os.File) io.ReadWriter {
	if ff := fastOf(f); ff != nil {
		return ff
	}
	return f
}

// Read reads once, waiting in the poller while nothing is there; 0 bytes read is io.EOF.
func (f *fastFile) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n, done := 0, false
	var errno syscall.Errno
	err := f.rc.Read(func(fd uintptr) bool {
		for {
			r, _, e := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
			switch e {
			case syscall.EINTR:
				continue
			case syscall.EAGAIN:
				return false // the poller waits
			}
			n, errno, done = int(r), e, true
			return true
		}
	})
	switch {
	case !done:
		// Closed, or a descriptor the poller cannot wait on: the file's own Read says which.
		return f.f.Read(p)
	case errno != 0:
		return 0, &os.PathError{Op: "read", Path: f.f.Name(), Err: errno}
	case n == 0:
		return 0, io.EOF
	}
	return n, err
}

// Write writes all of p, waiting in the poller while the pipe is full.
func (f *fastFile) Write(p []byte) (int, error) {
	n := 0
	var errno syscall.Errno
	err := f.rc.Write(func(fd uintptr) bool {
		for n < len(p) {
			r, _, e := syscall.RawSyscall(syscall.SYS_WRITE, fd, uintptr(unsafe.Pointer(&p[n])), uintptr(len(p)-n))
			switch e {
			case 0:
				n += int(r)
			case syscall.EINTR:
			case syscall.EAGAIN:
				return false // the poller waits until the pipe has room
			default:
				errno = e
				return true
			}
		}
		return true
	})
	switch {
	case err != nil:
		// Closed, or a descriptor the poller cannot wait on: the file's own Write says which.
		m, err := f.f.Write(p[n:])
		return n + m, err
	case errno != 0:
		return n, &os.PathError{Op: "write", Path: f.f.Name(), Err: errno}
	}
	return n, nil
}
