// Package alarm is a one-shot timer for a process that should sleep between messages. On
// Linux it is a timerfd waited on in Go's network poller, beside the sockets and pipes the
// relay reads: its expiry wakes the thread already waiting there. A runtime timer
// (time.Timer) instead keeps the runtime's monitor thread awake, and that thread starts other
// threads to run timers and moves the daemon's one P between them; a relay whose messages
// then run on whichever thread holds the P at the moment lost ~10 µs a call at the median
// (docs/relay-performance.md). Elsewhere, or when no timerfd can be made, it is a time.Timer.
package alarm

import "time"

// An Alarm sends on C once, some time after Reset, unless Stop or another Reset came first.
// A tick may also come late or, rarely, once more after a Reset or Stop: a receiver must take
// a tick as "look whether something is due", not as a promise that it is. Reset and Stop are
// for one goroutine at a time; C may be received from by any.
type Alarm struct {
	// C receives the ticks; it holds at most one.
	C <-chan struct{}
	c chan struct{}

	fd *fdAlarm    // the timerfd; nil: t
	t  *time.Timer // the runtime timer where there is no timerfd
}

// New returns a stopped alarm; Close frees it.
func New() *Alarm {
	a := unset()
	if a.fd = newFD(a.tick); a.fd == nil {
		a.useTimer()
	}
	return a
}

// unset is an alarm with its channel and neither a timerfd nor a timer yet.
func unset() *Alarm {
	c := make(chan struct{}, 1)
	return &Alarm{C: c, c: c}
}

// useTimer makes a a runtime timer, stopped.
func (a *Alarm) useTimer() {
	a.t = time.AfterFunc(time.Hour, a.tick)
	a.t.Stop()
}

// tick sends a tick unless one is waiting already.
func (a *Alarm) tick() {
	select {
	case a.c <- struct{}{}:
	default:
	}
}

// Reset arms the alarm to tick d from now (at once for d ≤ 0), replacing any earlier setting.
func (a *Alarm) Reset(d time.Duration) {
	if a.fd != nil {
		a.fd.set(max(d, 1))
		return
	}
	a.t.Reset(max(d, 0))
}

// Stop disarms the alarm.
func (a *Alarm) Stop() {
	if a.fd != nil {
		a.fd.set(0)
		return
	}
	a.t.Stop()
}

// Close disarms the alarm and frees what it holds; it never ticks again.
func (a *Alarm) Close() error {
	if a.fd != nil {
		return a.fd.close()
	}
	a.t.Stop()
	return nil
}
