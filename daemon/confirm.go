package daemon

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/internal/display"
)

// A change to config.json that MCP Tray did not make itself and that loosens anything waits
// for the person (config.Review says what loosens). The daemon keeps the accepted
// configuration — what the person last confirmed, sealed in accepted.json — and runs the
// effective one: config.json with every loosening reverted to the accepted value and every
// tightening applied. Tightening is accepted as it applies, so the accepted configuration is
// always what runs.
//
// MCP Tray's own writes are accepted as they are made, and only what they change
// (config.Carry): the daemon's writes through its config hook (confirmWrite), the command
// line's through config.expect, which the authority check admits only from the person.

// PendingResult is what config.pending answers: whether a change to config.json waits, what
// it would do in sentences, and the fingerprint that config.confirm must name.
type PendingResult struct {
	Pending     bool     `json:"pending"`
	Changes     []string `json:"changes"`
	Fingerprint string   `json:"fingerprint"`
}

// ConfirmParams names the reviewed change by its fingerprint.
type ConfirmParams struct {
	Fingerprint string `json:"fingerprint"`
}

// ExpectParams is a change the command line is about to write to config.json: the file as
// it read it under the config lock, and what it will write.
type ExpectParams struct {
	Before *config.Config `json:"before"`
	After  *config.Config `json:"after"`
}

// confirmBook is the accepted configuration and what waits. Lock order: the config file
// lock (config.Home.Locked or Update) before mu.
type confirmBook struct {
	mu          sync.Mutex
	key         config.AcceptKey
	loaded      bool
	noKey       bool // the seal key could not be read: nothing counts as accepted, retried on reload
	accepted    *config.Config
	changes     []string // what waits, in sentences; empty when nothing does
	proposed    *config.Config
	fingerprint string // of proposed, when something waits
	problem     string // why accepted.json was not trusted, shown with the changes
}

// confirmRoutes registers the config.* methods and makes the daemon's own writes to
// config.json accepted ones. routes calls it once.
func (d *Daemon) confirmRoutes() {
	d.confirm = &confirmBook{}
	config.HookHome(d.opts.Home, d.confirmWrite)
	d.ctl.Handle("config.pending", func(context.Context, json.RawMessage) (any, error) {
		return d.pending(), nil
	})
	d.ctl.Handle("config.confirm", d.confirmPending)
	d.ctl.Handle("config.discard", d.discardPending)
	d.ctl.Handle("config.expect", func(_ context.Context, raw json.RawMessage) (any, error) {
		p, err := decode[ExpectParams](raw)
		if err != nil {
			return nil, err
		}
		if p.Before == nil || p.After == nil {
			return nil, &control.Error{Code: control.CodeBadRequest, Message: "MCP Tray needs the config before and after the change."}
		}
		return struct{}{}, d.confirmWrite(d.opts.Home, p.Before, p.After)
	})
}

// reviewConfig is the reload path's one step: it takes config.json as loaded and returns what
// the daemon runs, recording what waits and telling the window when that changes. It holds the
// config lock, so that a write MCP Tray has accepted but not yet made (config.expect, the
// config hook) is never seen half done; it reads the file again under it.
func (d *Daemon) reviewConfig(proposed *config.Config) *config.Config {
	var eff *config.Config
	var changes []string
	var wasPending bool
	var fp, oldFP, summary string
	err := d.opts.Home.Locked(func() error {
		fresh, data, err := d.opts.Home.LoadData()
		if err == nil {
			proposed = fresh
		}
		// An empty or missing file is often a program's write in progress: it stops every
		// server now, but it is not taken as the person removing them all.
		absorb := err == nil && len(bytes.TrimSpace(data)) > 0
		b := d.confirm
		b.mu.Lock()
		defer b.mu.Unlock()
		d.loadAccepted(proposed)
		eff, changes = config.Review(b.accepted, proposed, d.reviewOptions())
		wasPending, oldFP = len(b.changes) > 0, b.fingerprint
		b.changes, b.proposed, b.fingerprint = changes, proposed, ""
		if len(changes) > 0 {
			b.fingerprint = config.Fingerprint(proposed)
		} else {
			b.problem = ""
		}
		fp = b.fingerprint
		if absorb && !config.SameConfig(eff, b.accepted) {
			b.accepted = eff // a tightening is accepted as it applies
			d.saveAccepted()
		}
		summary = d.pendingSummaryLocked()
		return nil
	})
	if err != nil {
		// The lock cannot be taken: review without it rather than run unreviewed.
		d.log.Error("locking config.json", "err", err)
		b := d.confirm
		b.mu.Lock()
		d.loadAccepted(proposed)
		eff, changes = config.Review(b.accepted, proposed, d.reviewOptions())
		b.mu.Unlock()
		return eff
	}
	switch {
	case len(changes) > 0 && fp != oldFP:
		d.log.Warn("a change to config.json waits for your confirmation", "changes", changes, "code", fp)
		d.notes.Publish(Note{Kind: NoteConfigPending, Message: summary})
	case len(changes) == 0 && wasPending:
		d.notes.Publish(Note{Kind: NoteConfigPendingCleared})
	}
	return eff
}

// effectiveConfig is config.json as the daemon runs it (see reviewConfig), for code that
// reads the file itself instead of the last applied configuration. It records nothing.
func (d *Daemon) effectiveConfig() (*config.Config, error) {
	proposed, err := d.opts.Home.Load()
	if err != nil {
		return nil, err
	}
	b := d.confirm
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.loaded {
		return proposed, nil // before the first reload nothing runs yet
	}
	eff, _ := config.Review(b.accepted, proposed, d.reviewOptions())
	return eff, nil
}

func (d *Daemon) reviewOptions() config.ReviewOptions {
	return config.ReviewOptions{ClientName: func(id string) string {
		if c, ok := clients.ByID(id); ok {
			return c.Name()
		}
		return ""
	}}
}

// loadAccepted reads accepted.json once (again on each reload while the key cannot be
// read). The first time ever, current (config.json as it
// is) is accepted: it predates this record. A record that is missing or does not match its
// seal is not trusted: nothing counts as accepted, so everything in config.json waits for the
// person. Called with b.mu and the config lock held.
func (d *Daemon) loadAccepted(current *config.Config) {
	b := d.confirm
	if b.loaded && !b.noKey {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	key, err := d.opts.Home.LoadAcceptKey(ctx, d.opts.Keys)
	if err != nil {
		if !b.loaded {
			d.log.Error("MCP Tray cannot check what you accepted in config.json; every change waits for your confirmation", "err", err)
			b.accepted = &config.Config{Servers: map[string]*config.Server{}}
			b.problem = "MCP Tray could not read the key that seals what you accepted (" + err.Error() + "), so it runs nothing from config.json until you confirm it."
		}
		b.loaded, b.noKey = true, true
		return
	}
	if b.loaded && b.accepted != nil && b.problem == "" {
		// The person confirmed while the key was unreadable: keep that, sealed now.
		b.key, b.noKey = key, false
		d.saveAccepted()
		return
	}
	b.loaded, b.noKey, b.key = true, false, key
	b.problem = ""
	acc, err := d.opts.Home.LoadAccepted(key)
	switch {
	case err == nil:
		b.accepted = acc
	case errors.Is(err, config.ErrNoAccepted):
		b.accepted = current.Clone()
		d.saveAccepted()
	default:
		d.log.Error("not trusting accepted.json; every part of config.json waits for your confirmation", "err", err)
		b.accepted = &config.Config{Servers: map[string]*config.Server{}}
		b.problem = "Another program changed or removed MCP Tray's record of what you accepted, so MCP Tray runs nothing from config.json until you confirm it."
	}
}

// saveAccepted writes b.accepted to accepted.json; called with b.mu held. A failure is
// logged: the daemon keeps the accepted configuration in memory, and the next start asks
// again.
func (d *Daemon) saveAccepted() {
	b := d.confirm
	if err := d.opts.Home.SaveAccepted(b.key, b.accepted); err != nil {
		d.log.Error("saving what you accepted in config.json", "err", err)
	}
}

// confirmWrite accepts a change MCP Tray itself makes to config.json (the config hook, under
// the config lock): only what it changes, so whatever else waits keeps waiting. It never
// stops the write: a change that cannot be carried over waits like any other.
func (d *Daemon) confirmWrite(_ config.Home, before, after *config.Config) error {
	b := d.confirm
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.loaded {
		d.loadAccepted(before) // a key that could not be read is tried again on reload only
	}
	acc, err := config.Carry(before, after, b.accepted)
	if err != nil {
		d.log.Warn("this change to config.json waits for your confirmation", "err", err)
		return nil
	}
	if !config.SameConfig(acc, b.accepted) {
		b.accepted = acc
		d.saveAccepted()
	}
	return nil
}

func (d *Daemon) pending() PendingResult {
	b := d.confirm
	b.mu.Lock()
	defer b.mu.Unlock()
	return d.pendingLocked()
}

func (d *Daemon) pendingLocked() PendingResult {
	b := d.confirm
	res := PendingResult{Pending: len(b.changes) > 0, Changes: []string{}, Fingerprint: b.fingerprint}
	if res.Pending && b.problem != "" {
		res.Changes = append(res.Changes, b.problem)
	}
	res.Changes = append(res.Changes, b.changes...)
	return res
}

// pendingSummaryLocked is the one sentence of the config_pending note.
func (d *Daemon) pendingSummaryLocked() string {
	b := d.confirm
	switch n := len(b.changes); {
	case n == 0:
		return ""
	case n == 1:
		return "A change to config.json waits for your confirmation: " + display.Line(b.changes[0])
	default:
		return fmt.Sprintf("%d changes to config.json wait for your confirmation, starting with: %s", n, display.Line(b.changes[0]))
	}
}

// confirmPending accepts what config.json proposes, if it is still exactly what the person
// reviewed, and applies it at once.
func (d *Daemon) confirmPending(_ context.Context, raw json.RawMessage) (any, error) {
	p, err := decode[ConfirmParams](raw)
	if err != nil {
		return nil, err
	}
	b := d.confirm
	b.mu.Lock()
	switch {
	case len(b.changes) == 0:
		b.mu.Unlock()
		return nil, &control.Error{Code: control.CodeFailed, Message: "No change to config.json waits for your confirmation."}
	case p.Fingerprint == "" || p.Fingerprint != b.fingerprint:
		b.mu.Unlock()
		return nil, &control.Error{Code: control.CodeFailed, Message: "config.json changed again since you reviewed it, so nothing was accepted; review it again (mcptray config review)."}
	}
	b.accepted = b.proposed.Clone()
	b.problem = ""
	d.saveAccepted()
	b.mu.Unlock()
	d.log.Info("you confirmed a change to config.json", "code", p.Fingerprint)
	d.reload()
	return d.pending(), nil
}

// discardPending puts config.json back to what runs, so nothing waits any more. Discarding
// only tightens, so it is allowed from anywhere.
func (d *Daemon) discardPending(context.Context, json.RawMessage) (any, error) {
	b := d.confirm
	err := d.opts.Home.Update(func(c *config.Config) error {
		b.mu.Lock()
		acc := b.accepted
		b.mu.Unlock()
		if acc == nil {
			return nil
		}
		eff, _ := config.Review(acc, c, d.reviewOptions())
		*c = *eff
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("putting config.json back: %w", err)
	}
	d.reload()
	return d.pending(), nil
}

// expectWouldLoosen reports whether accepting p (config.expect) would loosen what the person
// accepted. Before and after come from the caller and are not trusted: the question is what
// the change does to the accepted configuration once carried onto it (a "before" that claims
// allow makes ask look like tightening, yet ask loosens an accepted deny).
func (d *Daemon) expectWouldLoosen(p ExpectParams) bool {
	if p.Before == nil || p.After == nil {
		return true
	}
	b := d.confirm
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.loaded {
		_, changes := config.Review(p.Before, p.After, d.reviewOptions())
		return len(changes) > 0
	}
	next, err := config.Carry(p.Before, p.After, b.accepted)
	if err != nil {
		return true
	}
	_, changes := config.Review(b.accepted, next, d.reviewOptions())
	return len(changes) > 0
}
