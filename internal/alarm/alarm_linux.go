package alarm

import (
	"os"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// fdAlarm is a timerfd read by one goroutine in the network poller.
type fdAlarm struct {
	fd int
	f  *os.File
}

// newFD returns a timerfd alarm calling tick at each expiry, or nil when none can be made.
func newFD(tick func()) *fdAlarm {
	fd, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	if err != nil {
		return nil
	}
	a := &fdAlarm{fd: fd, f: os.NewFile(uintptr(fd), "alarm")}
	go func() {
		var b [8]byte
		for {
			if _, err := a.f.Read(b[:]); err != nil {
				return // closed (the poller waits out EAGAIN; a timerfd has no other error to retry)
			}
			tick()
		}
	}()
	return a
}

// set arms the timerfd d from now (0: disarms it). It calls timerfd_settime directly
// (RawSyscall): the call never blocks, and an ordinary system call would wake the runtime's
// monitor thread, which is what this package avoids.
func (a *fdAlarm) set(d time.Duration) {
	it := unix.ItimerSpec{Value: unix.NsecToTimespec(int64(d))}
	unix.RawSyscall6(unix.SYS_TIMERFD_SETTIME, uintptr(a.fd), 0, uintptr(unsafe.Pointer(&it)), 0, 0, 0)
}

// close disarms the timerfd and ends its goroutine.
func (a *fdAlarm) close() error {
	a.set(0)
	return a.f.Close()
}
