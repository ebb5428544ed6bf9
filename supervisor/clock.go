package supervisor

import "time"

// Clock is where the supervisor's waits come from: the backoff before a restart, the window
// in which crashes are counted, and the rungs of the stop ladder. Tests give a clock they
// advance by hand, so that a minute of backoff takes no time; the zero Options use the real
// one. A Clock must be safe for concurrent use.
type Clock interface {
	Now() time.Time
	// After delivers the time on the returned channel once d has passed. A caller that stops
	// waiting just drops the channel.
	After(d time.Duration) <-chan time.Time
}

// RealClock is the wall clock.
type RealClock struct{}

// Now returns time.Now().
func (RealClock) Now() time.Time { return time.Now() }

// After returns time.After(d).
func (RealClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

func orRealClock(c Clock) Clock {
	if c == nil {
		return RealClock{}
	}
	return c
}
