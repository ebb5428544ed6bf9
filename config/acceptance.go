package config

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/mcptray/mcptray/internal/display"
	"github.com/mcptray/mcptray/keychain"
)

// Review's other half, as a running MCP Tray keeps it. A change to config.json that MCP Tray
// did not make itself and that loosens anything waits for the person (Review says what
// loosens). Acceptance keeps the accepted configuration — what the person last confirmed,
// sealed in accepted.json — and gives the effective one: config.json with every loosening
// reverted to the accepted value and every tightening applied. Tightening is accepted as it
// applies, so the accepted configuration is always what runs.
//
// MCP Tray's own writes are accepted as they are made, and only what they change (Carry): the
// daemon's writes through the config hook (Write, set by HookHome), the command line's
// announced ones (Write again, which the daemon admits only from the person).

// AcceptanceOptions configure an Acceptance. Zero values are sensible defaults except Home.
type AcceptanceOptions struct {
	Home Home
	// Keys holds the key that seals accepted.json; nil keeps it in a file (LoadAcceptKey).
	Keys keychain.Store
	Log  *slog.Logger // nil: nothing is logged
	// Review names AI clients in the sentences of what waits.
	Review ReviewOptions
	// Notify is told when what waits changes: summary is one sentence for the person, ""
	// when nothing waits any more. nil: nobody is.
	Notify func(summary string)
}

// Pending is what waits: whether a change to config.json does, what it would do in
// sentences, and the fingerprint Confirm must name.
type Pending struct {
	Pending     bool     `json:"pending"`
	Changes     []string `json:"changes"`
	Fingerprint string   `json:"fingerprint"`
}

// The refusals of Confirm; their text is the sentence for the person.
var (
	ErrNothingPending = errors.New("No change to config.json waits for your confirmation.")
	ErrChangedAgain   = errors.New("config.json changed again since you reviewed it, so nothing was accepted; review it again (mcptray config review).")
)

// Acceptance is the accepted configuration and what waits. It is safe for concurrent use.
// Lock order: the config file lock (Home.Locked or Update) before mu.
type Acceptance struct {
	opts AcceptanceOptions
	log  *slog.Logger

	mu          sync.Mutex
	key         AcceptKey
	loaded      bool
	noKey       bool // the seal key could not be read: nothing counts as accepted, retried on review
	accepted    *Config
	changes     []string // what waits, in sentences; empty when nothing does
	proposed    *Config
	fingerprint string // of proposed, when something waits
	problem     string // why accepted.json was not trusted, shown with the changes
}

// NewAcceptance returns the acceptance of opts.Home; it reads nothing until first used.
func NewAcceptance(opts AcceptanceOptions) *Acceptance {
	if opts.Notify == nil {
		opts.Notify = func(string) {}
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Acceptance{opts: opts, log: log}
}

// Review takes config.json as loaded and returns what runs, recording what waits and calling
// Options.Notify when that changes. It holds the config lock, so that a write MCP Tray has
// accepted but not yet made is never seen half done; it reads the file again under it.
func (a *Acceptance) Review(proposed *Config) *Config {
	home := a.opts.Home
	var eff *Config
	var changes []string
	var wasPending bool
	var fp, oldFP, summary string
	err := home.Locked(func() error {
		fresh, data, err := home.LoadData()
		if err == nil {
			proposed = fresh
		}
		// An empty or missing file is often a program's write in progress: it stops every
		// server now, but it is not taken as the person removing them all.
		absorb := err == nil && len(bytes.TrimSpace(data)) > 0
		a.mu.Lock()
		defer a.mu.Unlock()
		a.loadAccepted(proposed)
		eff, changes = Review(a.accepted, proposed, a.opts.Review)
		wasPending, oldFP = len(a.changes) > 0, a.fingerprint
		a.changes, a.proposed, a.fingerprint = changes, proposed, ""
		if len(changes) > 0 {
			a.fingerprint = Fingerprint(proposed)
		} else {
			a.problem = ""
		}
		fp = a.fingerprint
		if absorb && !SameConfig(eff, a.accepted) {
			a.accepted = eff // a tightening is accepted as it applies
			a.save()
		}
		summary = a.summaryLocked()
		return nil
	})
	if err != nil {
		// The lock cannot be taken: review without it rather than run unreviewed.
		a.log.Error("locking config.json", "err", err)
		a.mu.Lock()
		a.loadAccepted(proposed)
		eff, changes = Review(a.accepted, proposed, a.opts.Review)
		a.mu.Unlock()
		return eff
	}
	switch {
	case len(changes) > 0 && fp != oldFP:
		a.log.Warn("a change to config.json waits for your confirmation", "changes", changes, "code", fp)
		a.opts.Notify(summary)
	case len(changes) == 0 && wasPending:
		a.opts.Notify("")
	}
	return eff
}

// Effective is config.json as MCP Tray runs it (see Review), for code that reads the file
// itself instead of the last applied configuration. It records nothing.
func (a *Acceptance) Effective() (*Config, error) {
	proposed, err := a.opts.Home.Load()
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.loaded {
		return proposed, nil // before the first review nothing runs yet
	}
	eff, _ := Review(a.accepted, proposed, a.opts.Review)
	return eff, nil
}

// loadAccepted reads accepted.json once (again on each review while the key cannot be read).
// The first time ever, current (config.json as it is) is accepted: it predates this record. A
// record that is missing or does not match its seal is not trusted: nothing counts as
// accepted, so everything in config.json waits for the person. Called with mu held.
func (a *Acceptance) loadAccepted(current *Config) {
	if a.loaded && !a.noKey {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	key, err := a.opts.Home.LoadAcceptKey(ctx, a.opts.Keys)
	if err != nil {
		if !a.loaded {
			a.log.Error("MCP Tray cannot check what you accepted in config.json; every change waits for your confirmation", "err", err)
			a.accepted = &Config{Servers: map[string]*Server{}}
			a.problem = "MCP Tray could not read the key that seals what you accepted (" + err.Error() + "), so it runs nothing from config.json until you confirm it."
		}
		a.loaded, a.noKey = true, true
		return
	}
	if a.loaded && a.accepted != nil && a.problem == "" {
		// The person confirmed while the key was unreadable: keep that, sealed now.
		a.key, a.noKey = key, false
		a.save()
		return
	}
	a.loaded, a.noKey, a.key = true, false, key
	a.problem = ""
	acc, err := a.opts.Home.LoadAccepted(key)
	switch {
	case err == nil:
		a.accepted = acc
	case errors.Is(err, ErrNoAccepted):
		a.accepted = current.Clone()
		a.save()
	default:
		a.log.Error("not trusting accepted.json; every part of config.json waits for your confirmation", "err", err)
		a.accepted = &Config{Servers: map[string]*Server{}}
		a.problem = tamperedSentence
	}
}

// save writes the accepted configuration to accepted.json; called with mu held. A failure is
// logged: the accepted configuration is kept in memory, and the next start asks again.
func (a *Acceptance) save() {
	if err := a.opts.Home.SaveAccepted(a.key, a.accepted); err != nil {
		a.log.Error("saving what you accepted in config.json", "err", err)
	}
}

// Write accepts a change MCP Tray itself makes to config.json (a WriteHook, called under the
// config lock, and the command line's announced write): only what it changes, so whatever
// else waits keeps waiting. It never stops the write: a change that cannot be carried over
// waits like any other.
func (a *Acceptance) Write(_ Home, before, after *Config) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.loaded {
		a.loadAccepted(before) // a key that could not be read is tried again on review only
	}
	acc, err := Carry(before, after, a.accepted)
	if err != nil {
		a.log.Warn("this change to config.json waits for your confirmation", "err", err)
		return nil
	}
	if !SameConfig(acc, a.accepted) {
		a.accepted = acc
		a.save()
	}
	return nil
}

// Pending says what waits.
func (a *Acceptance) Pending() Pending {
	a.mu.Lock()
	defer a.mu.Unlock()
	res := Pending{Pending: len(a.changes) > 0, Changes: []string{}, Fingerprint: a.fingerprint}
	if res.Pending && a.problem != "" {
		res.Changes = append(res.Changes, a.problem)
	}
	res.Changes = append(res.Changes, a.changes...)
	return res
}

// summaryLocked is the one sentence Notify gets while something waits.
func (a *Acceptance) summaryLocked() string {
	switch n := len(a.changes); {
	case n == 0:
		return ""
	case n == 1:
		return "A change to config.json waits for your confirmation: " + display.Line(a.changes[0])
	default:
		return fmt.Sprintf("%d changes to config.json wait for your confirmation, starting with: %s", n, display.Line(a.changes[0]))
	}
}

// Confirm accepts what config.json proposes, if it is still exactly what the person reviewed
// (fingerprint, from Pending). It returns ErrNothingPending or ErrChangedAgain otherwise. The
// caller applies config.json again (Review) for the change to run.
func (a *Acceptance) Confirm(fingerprint string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	switch {
	case len(a.changes) == 0:
		return ErrNothingPending
	case fingerprint == "" || fingerprint != a.fingerprint:
		return ErrChangedAgain
	}
	a.accepted = a.proposed.Clone()
	a.problem = ""
	a.save()
	a.log.Info("you confirmed a change to config.json", "code", fingerprint)
	return nil
}

// Discard puts config.json back to what runs, so nothing waits any more once the caller
// applies it again (Review). Discarding only tightens. It blocks on the config lock.
func (a *Acceptance) Discard() error {
	err := a.opts.Home.Update(func(c *Config) error {
		a.mu.Lock()
		acc := a.accepted
		a.mu.Unlock()
		if acc == nil {
			return nil
		}
		eff, _ := Review(acc, c, a.opts.Review)
		*c = *eff
		return nil
	})
	if err != nil {
		return fmt.Errorf("putting config.json back: %w", err)
	}
	return nil
}

// WouldLoosen reports whether accepting the change from before to after (Write) would loosen
// what the person accepted. Before and after come from a caller and are not trusted: the
// question is what the change does to the accepted configuration once carried onto it (a
// "before" that claims allow makes ask look like tightening, yet ask loosens an accepted deny).
func (a *Acceptance) WouldLoosen(before, after *Config) bool {
	if before == nil || after == nil {
		return true
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.loaded {
		_, changes := Review(before, after, a.opts.Review)
		return len(changes) > 0
	}
	next, err := Carry(before, after, a.accepted)
	if err != nil {
		return true
	}
	_, changes := Review(a.accepted, next, a.opts.Review)
	return len(changes) > 0
}
