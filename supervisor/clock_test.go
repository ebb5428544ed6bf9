package supervisor

import (
	"sync"
	"testing"
	"time"
)

// fakeClock is a Clock that moves only when a test advances it, so that minutes of backoff
// and seconds of stop ladder take no time and happen in an order the test decides.
type fakeClock struct {
	mu       sync.Mutex
	now      time.Time
	waits    []fakeWait
	changed  chan struct{} // closed and replaced whenever a wait is added
	released bool          // every wait is over at once (the test has ended)
}

type fakeWait struct {
	at time.Time
	ch chan time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC), changed: make(chan struct{})}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 || c.released {
		ch <- c.now
		return ch
	}
	c.waits = append(c.waits, fakeWait{at: c.now.Add(d), ch: ch})
	close(c.changed)
	c.changed = make(chan struct{})
	return ch
}

// Advance moves the clock on by d and ends every wait that is due.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.waits[:0]
	for _, w := range c.waits {
		if w.at.After(c.now) {
			kept = append(kept, w)
			continue
		}
		w.ch <- c.now
	}
	c.waits = kept
}

// release ends every wait now and later at once, so that a test that failed half way does
// not leave a stop ladder waiting for a clock nobody advances.
func (c *fakeClock) release() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.released = true
	for _, w := range c.waits {
		w.ch <- c.now
	}
	c.waits = nil
}

// awaitWait blocks until someone waits for d from now (a rung of the stop ladder, say) and
// fails the test if nobody does within 15 s of real time.
func (c *fakeClock) awaitWait(t *testing.T, d time.Duration, what string) {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		c.mu.Lock()
		changed, found := c.changed, false
		for _, w := range c.waits {
			found = found || w.at.Equal(c.now.Add(d))
		}
		c.mu.Unlock()
		if found {
			return
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("the supervisor never waited %s (%s)", d, what)
		}
	}
}

// newFakeClockSup is newSup with the real default backoff and ladder, timed by a fake clock.
func newFakeClockSup(t *testing.T, opts Options) (*Supervisor, *fakeClock) {
	t.Helper()
	clock := newFakeClock()
	opts.Clock = clock
	if opts.Ladder == (Ladder{}) {
		opts.Ladder = DefaultLadder
	}
	if opts.Backoff == (BackoffPolicy{}) {
		opts.Backoff = DefaultBackoff
	}
	s := newSup(t, opts)
	t.Cleanup(clock.release) // runs before newSup's Shutdown
	return s, clock
}

// backOff waits for the named server to back off, checks the delay is want, and lets the
// delay pass.
func backOff(t *testing.T, s *Supervisor, clock *fakeClock, name string, want time.Duration) Status {
	t.Helper()
	// A backoff still to come, not the one just let pass.
	st := waitStatus(t, s, name, "backing off", func(st Status) bool { return st.State == Backoff && st.RetryAt.After(clock.Now()) })
	if got := st.RetryAt.Sub(clock.Now()); got != want {
		t.Fatalf("%s backs off for %s, want %s", name, got, want)
	}
	clock.Advance(want)
	return st
}
