// Package supervisor runs MCP server processes: it spawns them with the right environment
// and PATH, keeps each in its own process tree, restarts them with backoff when they crash,
// stops them with a ladder that leaves nothing behind, captures their stderr, keeps a warm
// spare ready for the next client, and publishes every state change as an event.
//
// It knows nothing about MCP messages: a Process is a pair of pipes and a tree of processes.
package supervisor

import (
	"errors"
	"time"
)

// State is where a server is in its life.
type State int

// The states of a server. Only the server's own goroutine moves it between them.
const (
	Stopped  State = iota // not running, by the person's choice
	Starting              // being spawned
	Running               // up; in session mode this is the warm spare (or ready to spawn on demand)
	Backoff               // crashed, waiting before the next start
	Failed                // crashed too often, or cannot start; waits for the person
	Disabled              // turned off in config.json
)

var stateNames = [...]string{"stopped", "starting", "running", "backoff", "failed", "disabled"}

func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "unknown"
}

// MarshalText writes the state's name, so JSON carries "running" rather than 2.
func (s State) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a state's name.
func (s *State) UnmarshalText(b []byte) error {
	for i, n := range stateNames {
		if n == string(b) {
			*s = State(i)
			return nil
		}
	}
	return errors.New("unknown state " + string(b))
}

// Status is a snapshot of one server, as published on every change.
type Status struct {
	Name     string    `json:"name"`
	State    State     `json:"state"`
	Since    time.Time `json:"since"`           // when State was entered
	Pid      int       `json:"pid,omitempty"`   // the spare's (or shared process's) pid
	Restarts int       `json:"restarts"`        // automatic restarts after crashes
	Sessions int       `json:"sessions"`        // processes handed to client connections and still running
	Spare    bool      `json:"spare"`           // whether a warm spare is kept
	Error    string    `json:"error,omitempty"` // why it is in Backoff or Failed, one sentence
	// NeedsSignIn is set while a remote server refuses MCP Tray for want of a (new) sign-in;
	// Error then says how to sign in (remote.go).
	NeedsSignIn bool `json:"needsSignIn,omitempty"`
	// Remote is the host (with its port, if any) a remote server runs at; "" for a server
	// that runs on this computer. The window and the CLI say "runs on the internet at HOST"
	// from it, without reading config.json.
	Remote string `json:"remote,omitempty"`
	// RetryAt is when a server in Backoff starts again.
	RetryAt time.Time `json:"retryAt,omitzero"`
	// StderrTail holds the last lines the server printed before it failed.
	StderrTail []string `json:"stderrTail,omitempty"`
}

// Backoff is the restart policy: delays double from Initial up to Max; more than MaxFailures
// failures within Window put the server in Failed. The zero value means DefaultBackoff.
type BackoffPolicy struct {
	Initial     time.Duration
	Max         time.Duration
	Window      time.Duration
	MaxFailures int
}

// DefaultBackoff restarts after 1 s, 2 s, 4 s … up to 60 s, and gives up after 5 failures
// within a minute.
var DefaultBackoff = BackoffPolicy{Initial: time.Second, Max: time.Minute, Window: time.Minute, MaxFailures: 5}

func (b BackoffPolicy) orDefault() BackoffPolicy {
	if b == (BackoffPolicy{}) {
		return DefaultBackoff
	}
	return b
}

// next records a failure at now and returns the delay before the next start, or give=true
// when the server has failed too often and should stay down.
func (b BackoffPolicy) next(failures []time.Time, now time.Time) (kept []time.Time, delay time.Duration, give bool) {
	for _, f := range failures {
		if now.Sub(f) < b.Window {
			kept = append(kept, f)
		}
	}
	kept = append(kept, now)
	if len(kept) >= b.MaxFailures {
		return kept, 0, true
	}
	delay = b.Initial << (len(kept) - 1)
	if delay > b.Max || delay <= 0 {
		delay = b.Max
	}
	return kept, delay, false
}

// permanentError marks an error that retrying cannot fix (a missing program or secret).
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent wraps err so that the supervisor does not retry: the server goes to Failed with
// err's message until the person acts.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

func isPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p) || IsNotFound(err)
}
