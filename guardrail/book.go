package guardrail

import (
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/mcptray/mcptray/config"
)

// Book holds every server's limits and counts the calls made against them. It is safe for
// concurrent use; its zero value is not usable (use New).
type Book struct {
	now func() time.Time

	mu      sync.Mutex
	servers map[string][]*counter
}

// counter is one limit and the calls counted against it.
type counter struct {
	limit   config.Limit
	timeout time.Duration
	rate    config.Rate // Calls 0: no rate
	starts  []time.Time // the most recent starts, oldest first, at most rate.Calls
	running int         // calls admitted and not yet done
}

// New returns a Book with no limits. now gives the time (nil: time.Now); tests pass a clock.
func New(now func() time.Time) *Book {
	if now == nil {
		now = time.Now
	}
	return &Book{now: now, servers: map[string][]*counter{}}
}

// Set replaces the limits of every server (config.json's servers.NAME.limits). A limit that
// is the same as before keeps its counts, so a reload of config.json does not reset a rate;
// limits that do not read (config validation refuses them) are ignored.
func (b *Book) Set(limits map[string][]config.Limit) {
	b.mu.Lock()
	defer b.mu.Unlock()
	next := make(map[string][]*counter, len(limits))
	for server, ls := range limits {
		old := map[config.Limit]*counter{}
		for _, c := range b.servers[server] {
			old[c.limit] = c
		}
		for _, l := range ls {
			if c, ok := old[l]; ok {
				next[server] = append(next[server], c)
				delete(old, l)
				continue
			}
			c := &counter{limit: l, timeout: l.TimeoutDuration()}
			c.rate, _ = l.RateLimit()
			if c.timeout == 0 && c.rate.Calls == 0 && l.Concurrent <= 0 {
				continue
			}
			next[server] = append(next[server], c)
		}
	}
	b.servers = next
}

// Ticket is an admitted call's hold on its limits. Done releases it; a Ticket from a server
// without limits holds nothing.
type Ticket struct {
	b       *Book
	held    []*counter
	once    sync.Once
	Timeout time.Duration // the shortest timeout of the limits that apply; 0 for none
}

// TimeLimit is the call's timeout (Timeout); 0 on a nil Ticket.
func (t *Ticket) TimeLimit() time.Duration {
	if t == nil {
		return 0
	}
	return t.Timeout
}

// Done releases the call's places under the caps. It is safe to call more than once and on
// a nil Ticket.
func (t *Ticket) Done() {
	if t == nil || len(t.held) == 0 {
		return
	}
	t.once.Do(func() {
		t.b.mu.Lock()
		for _, c := range t.held {
			c.running--
		}
		t.b.mu.Unlock()
	})
}

// Refusal says why a call was over a limit.
type Refusal struct {
	// Message is the one sentence the AI app gets as the tool's error, saying when to try
	// again; Reason is the shorter sentence for the audit log.
	Message, Reason string
	// RetryAfter is how long until a call would be admitted again under a rate; 0 for a cap
	// (the call may be tried again once a running one has finished).
	RetryAfter time.Duration
}

// Admit counts a call of tool by client (the AI app's name) to server against every limit
// that applies, and returns its ticket; or, when any limit is reached, a refusal and no
// ticket, and the call counts against nothing.
func (b *Book) Admit(server, tool, client string) (*Ticket, *Refusal) {
	b.mu.Lock()
	defer b.mu.Unlock()
	cs := b.servers[server]
	if len(cs) == 0 {
		return nil, nil
	}
	var now time.Time
	var match [8]*counter
	applies := match[:0]
	for _, c := range cs {
		if (c.limit.Tool != "" && c.limit.Tool != tool) || (c.limit.Client != "" && c.limit.Client != client) {
			continue
		}
		if c.rate.Calls > 0 {
			if now.IsZero() {
				now = b.now()
			}
			if len(c.starts) >= c.rate.Calls {
				if wait := c.starts[0].Add(c.rate.Per).Sub(now); wait > 0 {
					return nil, rateRefusal(server, c, wait)
				}
			}
		}
		if c.limit.Concurrent > 0 && c.running >= c.limit.Concurrent {
			return nil, capRefusal(server, c)
		}
		applies = append(applies, c)
	}
	if len(applies) == 0 {
		return nil, nil
	}
	t := &Ticket{b: b}
	for _, c := range applies {
		if c.rate.Calls > 0 {
			if len(c.starts) >= c.rate.Calls {
				c.starts = append(c.starts[:0], c.starts[1:]...)
			}
			c.starts = append(c.starts, now)
		}
		if c.limit.Concurrent > 0 {
			c.running++
			t.held = append(t.held, c)
		}
		if c.timeout > 0 && (t.Timeout == 0 || c.timeout < t.Timeout) {
			t.Timeout = c.timeout
		}
	}
	return t, nil
}

// scope names what a limit counts, in words: `send_email of "mail" for Cursor`.
func scope(server string, l config.Limit) string {
	s := fmt.Sprintf("the tools of %q", server)
	if l.Tool != "" {
		s = fmt.Sprintf("%s of %q", l.Tool, server)
	}
	if l.Client != "" {
		s += " for " + l.Client
	}
	return s
}

func rateRefusal(server string, c *counter, wait time.Duration) *Refusal {
	secs := int(math.Ceil(wait.Seconds()))
	per := c.rate.PeriodWords()
	times := "times"
	if c.rate.Calls == 1 {
		times = "time"
	}
	limit := fmt.Sprintf("%s may be called at most %d %s %s", scope(server, c.limit), c.rate.Calls, times, per)
	return &Refusal{
		Message:    fmt.Sprintf("MCP Tray did not run this call: %s. Try again in %s.", limit, seconds(secs)),
		Reason:     fmt.Sprintf("Over the limit: %s.", limit),
		RetryAfter: time.Duration(secs) * time.Second,
	}
}

func capRefusal(server string, c *counter) *Refusal {
	calls := fmt.Sprintf("%d calls", c.limit.Concurrent)
	if c.limit.Concurrent == 1 {
		calls = "one call"
	}
	limit := fmt.Sprintf("only %s of %s may run at a time", calls, scope(server, c.limit))
	return &Refusal{
		Message: fmt.Sprintf("MCP Tray did not run this call: %s (counting calls waiting for approval). Try again when one has finished.", limit),
		Reason:  fmt.Sprintf("Over the limit: %s.", limit),
	}
}

func seconds(n int) string {
	if n == 1 {
		return "1 second"
	}
	return fmt.Sprintf("%d seconds", n)
}
