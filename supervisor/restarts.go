package supervisor

import (
	"fmt"
	"time"
)

// Restarts applies the supervisor's one restart policy (Options.Backoff, on Options.Clock) to
// one thing that keeps failing: a server's spare, or a shared server's process, which the
// daemon serves itself. It is owned by one goroutine and not safe for concurrent use.
type Restarts struct {
	policy   BackoffPolicy
	clock    Clock
	failures []time.Time // within the policy's window
}

// NewRestarts returns a count of failures under the supervisor's policy, empty.
func (s *Supervisor) NewRestarts() *Restarts {
	return &Restarts{policy: s.opts.Backoff, clock: s.opts.Clock}
}

// Failed records a failure now and returns how long to wait before the next start, or
// give=true when there were MaxFailures failures within the window and the thing should stay
// down until the person acts.
func (r *Restarts) Failed() (delay time.Duration, give bool) {
	r.failures, delay, give = r.policy.next(r.failures, r.clock.Now())
	return delay, give
}

// Reset forgets every failure: the person started or restarted the thing.
func (r *Restarts) Reset() { r.failures = nil }

// GaveUp is the sentence for a server the supervisor stopped restarting.
func (r *Restarts) GaveUp(server string) string {
	return fmt.Sprintf("The server %q stopped %d times within %s, so MCP Tray gave up restarting it.",
		server, len(r.failures), spell(r.policy.Window))
}

// After delivers once delay has passed on the supervisor's clock: the wait before the next
// start, for a goroutine that selects on other things meanwhile.
func (r *Restarts) After(delay time.Duration) <-chan time.Time { return r.clock.After(delay) }

// spell writes a window the way a person says it: "a minute", "30s", "2m0s".
func spell(d time.Duration) string {
	if d == time.Minute {
		return "a minute"
	}
	return d.String()
}
