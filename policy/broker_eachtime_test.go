package policy

import (
	"context"
	"errors"
	"testing"
)

// A call that must be asked each time (a data-loss finding) is held even where a session
// grant would let the tool through, and offers no grant to answer it with.
func TestEachTimeTakesNoGrant(t *testing.T) {
	grants := NewGrants(nil, nil)
	b := NewBroker(BrokerOptions{Grants: grants})
	_, events, cancel := b.Subscribe()
	defer cancel()
	go answerNext(t, b, events, AllowSession)
	if d, _ := b.Ask(context.Background(), askRequest("s1", "write_file")); d.Outcome != Allowed {
		t.Fatalf("first call = %+v", d)
	}
	r := askRequest("s1", "write_file")
	r.Verdict.EachTime = true
	done := make(chan Decision, 1)
	go func() { d, _ := b.Ask(context.Background(), r); done <- d }()
	a := nextEvent(t, events, ApprovalAdded).Approval
	if a.SessionOffered || a.AlwaysOffered {
		t.Fatalf("grants offered for a call asked each time: %+v", a)
	}
	for _, ans := range []Answer{AllowSession, AlwaysAllow} {
		if err := b.Answer(a.ID, ans); !errors.Is(err, ErrAnswerNotOffered) {
			t.Errorf("answer %v: %v", ans, err)
		}
	}
	if err := b.Answer(a.ID, Deny); err != nil {
		t.Fatal(err)
	}
	if d := <-done; d.Outcome != Denied || d.DecidedBy != ByPerson {
		t.Fatalf("the call asked each time = %+v", d)
	}
}
