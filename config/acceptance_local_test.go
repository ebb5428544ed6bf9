package config

import (
	"context"
	"errors"
	"os"
	"testing"
)

// TestLocalReviewHoldsWhatAnotherProgramAdded walks the command line's offline path on real
// files: MCP Tray's own write is recorded (AcceptLocally), a server another program adds
// waits and does not run, a code that is not the reviewed one is refused, Discard takes the
// server out, Accept with the right code lets it run, and an accepted.json that does not
// match its seal trusts nothing.
func TestLocalReviewHoldsWhatAnotherProgramAdded(t *testing.T) {
	ctx := context.Background()
	h := Home(t.TempDir())
	own := &Config{Servers: map[string]*Server{"fs": {Command: "fs"}}}
	if err := h.Save(own); err != nil {
		t.Fatal(err)
	}
	if err := AcceptLocally(ctx, h, nil, &Config{Servers: map[string]*Server{}}, own); err != nil {
		t.Fatal(err)
	}
	review := func() *LocalReview {
		t.Helper()
		r, err := ReviewLocally(ctx, h, nil, ReviewOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if r := review(); r.Pending.Pending || len(r.Pending.Changes) != 0 || r.Effective.Servers["fs"] == nil {
		t.Fatalf("MCP Tray's own write waits: %+v", r.Pending)
	}

	added := own.Clone()
	added.Servers["evil"] = &Server{Command: "evil"}
	if err := h.Save(added); err != nil { // another program, past the hook
		t.Fatal(err)
	}
	r := review()
	if !r.Pending.Pending || len(r.Pending.Changes) == 0 || r.Pending.Fingerprint == "" {
		t.Fatalf("a server another program added does not wait: %+v", r.Pending)
	}
	if r.Effective.Servers["evil"] != nil || r.Effective.Servers["fs"] == nil {
		t.Fatalf("effective servers = %v, want fs only", r.Effective.ServerNames())
	}
	if err := r.Accept("not-the-code"); !errors.Is(err, ErrChangedAgain) {
		t.Fatalf("Accept(wrong code) = %v, want ErrChangedAgain", err)
	}
	if err := r.Discard(); err != nil {
		t.Fatal(err)
	}
	if now, err := h.Load(); err != nil || now.Servers["evil"] != nil || now.Servers["fs"] == nil {
		t.Fatalf("after Discard config.json = %v, %v", now, err)
	}
	if r := review(); r.Pending.Pending {
		t.Fatalf("something waits after Discard: %+v", r.Pending)
	}
	if err := review().Accept("x"); !errors.Is(err, ErrNothingPending) {
		t.Fatalf("Accept with nothing waiting = %v, want ErrNothingPending", err)
	}

	if err := h.Save(added); err != nil {
		t.Fatal(err)
	}
	r = review()
	if err := r.Accept(r.Pending.Fingerprint); err != nil {
		t.Fatal(err)
	}
	if r := review(); r.Pending.Pending || r.Effective.Servers["evil"] == nil {
		t.Fatalf("the accepted server does not run: %+v, %v", r.Pending, r.Effective.ServerNames())
	}

	if err := os.WriteFile(h.AcceptedFile(), []byte(`{"servers":{}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	r = review()
	if !r.Pending.Pending || r.Pending.Changes[0] != tamperedSentence || len(r.Effective.Servers) != 0 {
		t.Fatalf("a changed accepted.json is trusted: %+v, %v", r.Pending, r.Effective.ServerNames())
	}
}

// TestAcceptLocallyCarriesOnlyItsOwnChange: recording MCP Tray's own change does not accept
// what another program changed meanwhile.
func TestAcceptLocallyCarriesOnlyItsOwnChange(t *testing.T) {
	ctx := context.Background()
	h := Home(t.TempDir())
	base := &Config{Servers: map[string]*Server{"fs": {Command: "fs"}}}
	if err := h.Save(base); err != nil {
		t.Fatal(err)
	}
	if err := AcceptLocally(ctx, h, nil, &Config{Servers: map[string]*Server{}}, base); err != nil {
		t.Fatal(err)
	}
	sneaked := base.Clone()
	sneaked.Servers["evil"] = &Server{Command: "evil"}
	ours := sneaked.Clone()
	ours.Servers["notes"] = &Server{Command: "notes"}
	if err := AcceptLocally(ctx, h, nil, sneaked, ours); err != nil {
		t.Fatal(err)
	}
	if err := h.Save(ours); err != nil {
		t.Fatal(err)
	}
	r, err := ReviewLocally(ctx, h, nil, ReviewOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Pending.Pending || r.Effective.Servers["evil"] != nil || r.Effective.Servers["notes"] == nil {
		t.Fatalf("pending %+v, effective %v; want notes accepted and evil waiting", r.Pending, r.Effective.ServerNames())
	}
}
