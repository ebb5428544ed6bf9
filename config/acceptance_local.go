package config

import (
	"context"
	"errors"

	"github.com/mcptray/mcptray/keychain"
)

// Acceptance without a running MCP Tray: the command line's offline path. It reads and seals
// the same accepted.json as Acceptance, with the same rules, but keeps nothing in memory and
// absorbs nothing on its own: only Accept, Discard and AcceptLocally write.

// tamperedSentence is what waits first when accepted.json cannot be trusted.
const tamperedSentence = "Another program changed or removed MCP Tray's record of what you accepted, so MCP Tray runs nothing from config.json until you confirm it."

// LocalReview is what waits in config.json when MCP Tray is not running: accepted.json
// (sealed with the key in the keychain) against config.json, as the daemon would review it.
// It holds the key read once by ReviewLocally, for Accept. It is not safe for concurrent use.
type LocalReview struct {
	home     Home
	opts     ReviewOptions
	key      AcceptKey
	accepted *Config
	proposed *Config
	// Effective is config.json without what waits for the person: what MCP Tray would run.
	Effective *Config
	// Pending is what waits, as Acceptance.Pending says it.
	Pending Pending
}

// ReviewLocally reads config.json, the key that seals accepted.json (from keys; nil: the key
// file) and accepted.json, and reviews what waits. It writes nothing. Before anything was
// ever accepted, config.json as it is counts as accepted; an accepted.json that does not
// match its seal accepts nothing, so everything waits. It returns the errors of loading
// config.json and of reading the key.
func ReviewLocally(ctx context.Context, h Home, keys keychain.Store, opts ReviewOptions) (*LocalReview, error) {
	proposed, err := h.Load()
	if err != nil {
		return nil, err
	}
	key, err := h.LoadAcceptKey(ctx, keys)
	if err != nil {
		return nil, err
	}
	r := &LocalReview{home: h, opts: opts, key: key, proposed: proposed, Pending: Pending{Changes: []string{}}}
	r.accepted, err = h.LoadAccepted(key)
	switch {
	case errors.Is(err, ErrNoAccepted):
		r.accepted, r.Effective = proposed, proposed
		return r, nil
	case errors.Is(err, ErrTampered):
		r.accepted = &Config{Servers: map[string]*Server{}}
		r.Pending.Changes = append(r.Pending.Changes, tamperedSentence)
	case err != nil:
		return nil, err
	}
	effective, changes := Review(r.accepted, proposed, opts)
	r.Effective = effective
	if len(changes) > 0 {
		r.Pending.Pending, r.Pending.Fingerprint = true, Fingerprint(proposed)
		r.Pending.Changes = append(r.Pending.Changes, changes...)
	} else {
		r.Pending.Changes = []string{}
	}
	return r, nil
}

// Accept accepts config.json as reviewed, if it is still exactly what the review saw
// (fingerprint, from Pending), under the config lock. It returns ErrNothingPending when
// nothing waited and ErrChangedAgain when the code or the file differs.
func (r *LocalReview) Accept(fingerprint string) error {
	if !r.Pending.Pending {
		return ErrNothingPending
	}
	if fingerprint != r.Pending.Fingerprint {
		return ErrChangedAgain
	}
	return r.home.Locked(func() error {
		now, err := r.home.Load()
		if err != nil {
			return err
		}
		if Fingerprint(now) != fingerprint {
			return ErrChangedAgain
		}
		return r.home.SaveAccepted(r.key, r.proposed)
	})
}

// Discard puts config.json back to what MCP Tray would run: what is there now, reviewed under
// the lock against what the person accepted. Discarding only tightens. It writes config.json
// through Home.Update (and so its write hook) even when nothing waits; callers check Pending.
func (r *LocalReview) Discard() error {
	return r.home.Update(func(c *Config) error {
		eff, _ := Review(r.accepted, c, r.opts)
		*c = *eff
		return nil
	})
}

// AcceptLocally records MCP Tray's own change from before to after in accepted.json when MCP
// Tray is not running (what Acceptance.Write does in the daemon): only what the change
// changes is carried onto what was accepted. The first record takes before as accepted: it
// predates the record. It returns why the change could not be recorded; the change then
// waits for the person's confirmation when MCP Tray next starts.
func AcceptLocally(ctx context.Context, h Home, keys keychain.Store, before, after *Config) error {
	key, err := h.LoadAcceptKey(ctx, keys)
	if err != nil {
		return err
	}
	acc, err := h.LoadAccepted(key)
	switch {
	case errors.Is(err, ErrNoAccepted):
		acc = before
	case err != nil:
		return err
	}
	next, err := Carry(before, after, acc)
	if err != nil {
		return err
	}
	return h.SaveAccepted(key, next)
}
