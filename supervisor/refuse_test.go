package supervisor

import (
	"context"
	"strings"
	"testing"
)

func TestRefusedSpecNeverStartsAndSaysWhy(t *testing.T) {
	s := newSup(t, Options{})
	const why = "Choose a Kubernetes context first."
	s.Apply([]Spec{{Name: "k", Command: fake, Refuse: why}, {Name: "lazy", Command: fake, NoSpare: true, Refuse: why}})
	for _, name := range []string{"k", "lazy"} {
		st := waitStatus(t, s, name, "failed", func(st Status) bool { return st.State == Failed })
		if st.Error != why || st.Pid != 0 {
			t.Errorf("%s: state %s, pid %d, error %q; want failed with %q", name, st.State, st.Pid, st.Error, why)
		}
		if _, err := s.Take(context.Background(), name); err == nil || err.Error() != why {
			t.Errorf("%s: Take = %v, want %q", name, err, why)
		}
		if err := s.Start(context.Background(), name); err != nil {
			t.Fatal(err)
		}
		if st := waitStatus(t, s, name, "failed again", func(st Status) bool { return st.State == Failed }); !strings.Contains(st.Error, why) {
			t.Errorf("%s after Start: %q", name, st.Error)
		}
	}
	// Lifting the refusal starts the server.
	s.Apply([]Spec{{Name: "k", Command: fake}, {Name: "lazy", Command: fake, NoSpare: true}})
	waitStatus(t, s, "k", "running", running)
	p, err := s.Take(context.Background(), "lazy")
	if err != nil {
		t.Fatalf("Take after the refusal was lifted: %v", err)
	}
	p.Stop()
}
