package config

import (
	"errors"
	"testing"
)

func TestLimitChangeSentence(t *testing.T) {
	for _, tc := range []struct {
		ch   LimitChange
		want string
	}{
		{LimitChange{Rate: "1/h", Tool: "echo"}, "Calls of echo of fake: at most 1 call an hour."},
		{LimitChange{Timeout: "2s", Rate: "10/m", Concurrent: 3}, "Calls of every tool of fake: stopped after 2s, at most 10 calls a minute, at most 3 at a time."},
		{LimitChange{Rate: "3/s", Client: "Cursor\x1b[2J"}, `Calls of every tool of fake for Cursor\x1b[2J: at most 3 calls a second.`},
		{LimitChange{Clear: true, Tool: "echo", Client: "Cursor"}, "Limits removed from echo of fake for Cursor."},
		{LimitChange{Rate: "100/d"}, "Calls of every tool of fake: at most 100 calls a day."},
	} {
		if got := tc.ch.Sentence("fake"); got != tc.want {
			t.Errorf("%+v: Sentence = %q, want %q", tc.ch, got, tc.want)
		}
	}
}

func TestLimitChangeCheckFlags(t *testing.T) {
	if err := (LimitChange{Clear: true, Rate: "1/s"}).CheckFlags(); !errors.Is(err, ErrClearWithLimits) {
		t.Errorf("clear with a rate: %v", err)
	}
	if err := (LimitChange{Clear: true, Tool: "x"}).CheckFlags(); err != nil {
		t.Errorf("clear alone: %v", err)
	}
	if err := (LimitChange{Rate: "1/s", Concurrent: 2}).CheckFlags(); err != nil {
		t.Errorf("limits alone: %v", err)
	}
}
