package alarm

import (
	"os"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// impl is a timerfd read by one goroutine in the network poller.
type impl struct {
	fd int
	f  *os.File
}

func (a *Alarm) start(c chan<- struct{}) error {
	fd, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	if err != nil {
		return err
	}
	a.fd, a.f = fd, os.NewFile(uintptr(fd), "alarm")
	go func() {
		var b [8]byte
		for {
			if _, err := a.f.Read(b[:]); err != nil {
				return // closed (the poller waits out EAGAIN; a timerfd has no other error to retry)
			}
			select {
			case c <- struct{}{}:
			default: // a tick is waiting already
			}
		}
	}()
	return nil
}

// Reset arms the alarm to tick d from now (at once for d ≤ 0), replacing any earlier setting.
func (a *Alarm) Reset(d time.Duration) { a.set(max(d, 1)) }

// Stop disarms the alarm.
func (a *Alarm) Stop() { a.set(0) }

// set calls timerfd_settime directly (RawSyscall): it never blocks, and an ordinary system
// call would wake the runtime's monitor thread, which is what this package avoids.
func (a *Alarm) set(d time.Duration) {
	it := unix.ItimerSpec{Value: unix.NsecToTimespec(int64(d))}
	unix.RawSyscall6(unix.SYS_TIMERFD_SETTIME, uintptr(a.fd), 0, uintptr(unsafe.Pointer(&it)), 0, 0, 0)
}

// Close disarms the alarm and ends its goroutine.
func (a *Alarm) Close() error {
	a.Stop()
	return a.f.Close()
}
