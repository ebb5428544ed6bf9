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

	// The reader's and the writer's state, kept here with their raw steps made once
	// (readRaw, writeRaw as method values), so that a read or write allocates nothing:
	// a closure capturing its results would put four objects on the heap per read.
	rp      []byte
	rn      int
	rerrno  syscall.Errno
	rdone   bool
	readFn  func(fd uintptr) bool
	wp      []byte
	wn      int
	werrno  syscall.Errno
	writeFn func(fd uintptr) bool
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
	ff := &fastFile{f: f, rc: rc}
	ff.readFn, ff.writeFn = ff.readRaw, ff.writeRaw
	return ff
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
	f.rp, f.rn, f.rerrno, f.rdone = p, 0, 0, false
	err := f.rc.Read(f.readFn)
	n, errno, done := f.rn, f.rerrno, f.rdone
	f.rp = nil
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

// readRaw is one try of Read on fd: false when nothing is there yet (the poller waits).
func (f *fastFile) readRaw(fd uintptr) bool {
	for {
		r, _, e := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&f.rp[0])), uintptr(len(f.rp)))
		switch e {
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			return false
		}
		f.rn, f.rerrno, f.rdone = int(r), e, true
		return true
	}
}

// Write writes all of p, waiting in the poller while the pipe is full.
func (f *fastFile) Write(p []byte) (int, error) {
	f.wp, f.wn, f.werrno = p, 0, 0
	err := f.rc.Write(f.writeFn)
	n, errno := f.wn, f.werrno
	f.wp = nil
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

// writeRaw writes on fd what is left of the write: false when the pipe is full (the poller
// waits until it has room).
func (f *fastFile) writeRaw(fd uintptr) bool {
	for f.wn < len(f.wp) {
		r, _, e := syscall.RawSyscall(syscall.SYS_WRITE, fd, uintptr(unsafe.Pointer(&f.wp[f.wn])), uintptr(len(f.wp)-f.wn))
		switch e {
		case 0:
			f.wn += int(r)
		case syscall.EINTR:
		case syscall.EAGAIN:
			return false
		default:
			f.werrno = e
			return true
		}
	}
	return true
}
