// Package alarm is a one-shot timer for a process that should sleep between messages. On
// Linux it is a timerfd waited on in Go's network poller, beside the sockets and pipes the
// relay reads: its expiry wakes the thread already waiting there. A runtime timer
// (time.Timer) instead keeps the runtime's monitor thread awake, and that thread starts other
// threads to run timers and moves the daemon's one P between them; a relay whose messages
// then run on whichever thread holds the P at the moment lost ~10 µs a call at the median
// (docs/relay-performance.md). Elsewhere it is a time.Timer.
package alarm

// An Alarm sends on C once, some time after Reset, unless Stop or another Reset came first.
// A tick may also come late or, rarely, once more after a Reset or Stop: a receiver must take
// a tick as "look whether something is due", not as a promise that it is. Reset and Stop are
// for one goroutine at a time; C may be received from by any.
type Alarm struct {
	// C receives the ticks; it holds at most one.
	C <-chan struct{}
	impl
}

// New returns a stopped alarm; Close frees it.
func New() (*Alarm, error) {
	c := make(chan struct{}, 1)
	a := &Alarm{C: c}
	if err := a.start(c); err != nil {
		return nil, err
	}
	return a, nil
}
