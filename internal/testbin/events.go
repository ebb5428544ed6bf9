package testbin

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/control"
)

// EventDeadline is how long a test waits for an event before it fails.
const EventDeadline = 60 * time.Second

// eventsMethod is the daemon's stream of server states and notes (api.Events,
// docs/app-api.md). It is spelled here, not taken from package api, because the core
// packages' own tests use testbin and api imports those packages: an import cycle.
const eventsMethod = "events"

// ServerEvent is a server's state as the daemon publishes it on every change.
type ServerEvent struct {
	Name     string `json:"name"`
	State    string `json:"state"`
	Pid      int    `json:"pid"`
	Restarts int    `json:"restarts"`
	Sessions int    `json:"sessions"`
	Error    string `json:"error"`
}

// NoteEvent is a daemon note ("config_ok", "config_error", "paused", "kube_switched" …).
type NoteEvent struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
}

// Event is one item of the daemon's events stream: a server's state, a note, or an approval
// raised or resolved (kept raw).
type Event struct {
	Server   *ServerEvent    `json:"server,omitempty"`
	Note     *NoteEvent      `json:"note,omitempty"`
	Approval json.RawMessage `json:"approval,omitempty"`
}

func (e Event) String() string {
	switch {
	case e.Server != nil:
		s := fmt.Sprintf("server %s %s (pid %d, restarts %d, sessions %d)", e.Server.Name, e.Server.State, e.Server.Pid, e.Server.Restarts, e.Server.Sessions)
		if e.Server.Error != "" {
			s += ": " + e.Server.Error
		}
		return s
	case e.Note != nil:
		return strings.TrimSpace("note " + e.Note.Kind + " " + e.Note.Message)
	default:
		return "approval " + string(e.Approval)
	}
}

// Events is a subscription to the daemon's events, made through the socket of the real
// daemon the way the tray app subscribes. It begins with every server's state (the
// snapshot), then each change. It ends when the test does.
type Events struct {
	u      *User
	ch     chan Event
	cancel context.CancelFunc
	done   chan struct{}

	mu   sync.Mutex
	seen []Event // the last few, for the failure message
	err  error   // why the stream ended
}

// Events subscribes to the daemon's events, waiting up to EventDeadline for a daemon just
// started to answer.
// Subscribe before causing what is waited for, so that it cannot be missed.
func (u *User) Events() *Events {
	u.T.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	e := &Events{u: u, ch: make(chan Event, 4096), cancel: cancel, done: done}
	c := &control.Client{Path: config.Home(u.Home).SocketPath()}
	connected := make(chan struct{})
	var once sync.Once
	var opened atomic.Bool // an event arrived: the stream is open
	go func() {
		defer close(done)
		each := func(raw json.RawMessage) error {
			opened.Store(true)
			once.Do(func() { close(connected) })
			var ev Event
			if err := json.Unmarshal(raw, &ev); err != nil {
				return fmt.Errorf("reading an event %s: %w", raw, err)
			}
			select {
			case e.ch <- ev:
				return nil
			default:
				return fmt.Errorf("the test fell %d events behind", cap(e.ch))
			}
		}
		// A daemon just started may not listen yet, or not have made its socket's folder
		// private yet: there is no event to wait on for that, so until the stream opens it is
		// asked again, backing off, until the deadline.
		deadline := time.Now().Add(EventDeadline)
		var err error
		for delay := 10 * time.Millisecond; ; delay = min(delay*3/2, 250*time.Millisecond) {
			err = c.Stream(ctx, eventsMethod, nil, each)
			if opened.Load() || time.Now().After(deadline) {
				break
			}
			select {
			case <-ctx.Done():
			case <-time.After(delay):
				continue
			}
			break
		}
		e.mu.Lock()
		e.err = err
		e.mu.Unlock()
		once.Do(func() { close(connected) })
		close(e.ch)
	}()
	u.T.Cleanup(e.Close)
	// The stream is open once its first event (the snapshot, or the config note that always
	// follows it) arrived; only then can nothing caused afterwards be missed. The event
	// itself stays queued for Wait.
	select {
	case <-connected:
	case <-time.After(EventDeadline + 5*time.Second):
		u.T.Fatalf("MCP Tray's events stream sent nothing within %s", EventDeadline)
	}
	if !opened.Load() {
		<-done
		e.mu.Lock()
		err := e.err
		e.mu.Unlock()
		u.T.Fatalf("MCP Tray's events stream did not open within %s: %v", EventDeadline, err)
	}
	return e
}

// Close ends the subscription and returns once its goroutine has; it is idempotent.
func (e *Events) Close() {
	e.cancel()
	<-e.done
}

// Wait returns the first event from here on that satisfies match, failing the test with a
// sentence naming what and the last events seen when none does within EventDeadline.
func (e *Events) Wait(what string, match func(Event) bool) Event {
	e.u.T.Helper()
	var got Event
	e.waitWithin(what, EventDeadline, func(ev Event) bool {
		if match(ev) {
			got = ev
			return true
		}
		return false
	})
	return got
}

// WaitServer returns the first state of the named server from here on that satisfies ok.
func (e *Events) WaitServer(name, what string, ok func(ServerEvent) bool) ServerEvent {
	e.u.T.Helper()
	ev := e.Wait(what, func(ev Event) bool { return ev.Server != nil && ev.Server.Name == name && ok(*ev.Server) })
	return *ev.Server
}

func (e *Events) remember(ev Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.seen = append(e.seen, ev)
	if len(e.seen) > 20 {
		e.seen = e.seen[len(e.seen)-20:]
	}
}

func (e *Events) last() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.seen) == 0 {
		return "  (none)"
	}
	lines := make([]string, len(e.seen))
	for i, ev := range e.seen {
		lines[i] = "  " + ev.String()
	}
	return strings.Join(lines, "\n")
}

// WaitServer waits until the named server's state, as the daemon publishes it, satisfies ok
// (its present state counts), and returns that state.
func (u *User) WaitServer(name, what string, ok func(ServerEvent) bool) ServerEvent {
	u.T.Helper()
	e := u.Events()
	defer e.Close()
	return e.WaitServer(name, what, ok)
}

// Until waits until ok holds: it asks ok once, then again after every event that trigger
// matches (nil matches every event), failing the test with a sentence naming what when ok
// still does not hold EventDeadline after the call. It is for a condition that is read some
// other way (the command line) but changes only with an event.
func (e *Events) Until(what string, trigger func(Event) bool, ok func() bool) {
	e.u.T.Helper()
	start := time.Now()
	for !ok() {
		left := EventDeadline - time.Since(start)
		if left <= 0 {
			e.u.T.Fatalf("timed out waiting until %s; the last events were:\n%s", what, e.last())
		}
		e.waitWithin(what, left, func(ev Event) bool { return trigger == nil || trigger(ev) })
	}
}

// waitWithin is Wait with a deadline of its own.
func (e *Events) waitWithin(what string, d time.Duration, match func(Event) bool) {
	e.u.T.Helper()
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for {
		select {
		case ev, open := <-e.ch:
			if !open {
				e.mu.Lock()
				err := e.err
				e.mu.Unlock()
				e.u.T.Fatalf("MCP Tray's events stream ended (%v) while waiting until %s; the last events were:\n%s", err, what, e.last())
			}
			e.remember(ev)
			if match(ev) {
				return
			}
		case <-deadline.C:
			e.u.T.Fatalf("timed out waiting until %s; the last events were:\n%s", what, e.last())
		}
	}
}

// UntilApprovals waits until ok holds, asking it now and after every held call raised or
// resolved (the approval events): for conditions on `mcptray approvals`.
func (u *User) UntilApprovals(what string, ok func() bool) {
	u.T.Helper()
	e := u.Events()
	defer e.Close()
	e.Until(what, func(ev Event) bool { return ev.Approval != nil }, ok)
}
