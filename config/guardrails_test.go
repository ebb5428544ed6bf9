package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseRate(t *testing.T) {
	for in, want := range map[string]Rate{"10/m": {10, time.Minute}, "3 / second": {3, time.Second}, "100/h": {100, time.Hour}, "1/day": {1, 24 * time.Hour}} {
		got, err := ParseRate(in)
		if err != nil || got != want {
			t.Errorf("ParseRate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "10", "0/m", "-1/m", "ten/m", "10/week", "10/"} {
		if _, err := ParseRate(in); !errors.Is(err, ErrBadLimit) {
			t.Errorf("ParseRate(%q) = %v, want ErrBadLimit", in, err)
		}
	}
}

func TestChangeLimit(t *testing.T) {
	s := &Server{Command: "x"}
	if err := s.ChangeLimit(LimitChange{Tool: "send", Rate: "10/m"}); err != nil {
		t.Fatal(err)
	}
	if err := s.ChangeLimit(LimitChange{Tool: "send", Timeout: "2s"}); err != nil {
		t.Fatal(err)
	}
	if err := s.ChangeLimit(LimitChange{Concurrent: 2}); err != nil {
		t.Fatal(err)
	}
	if len(s.Limits) != 2 || s.Limits[0] != (Limit{Tool: "send", Rate: "10/m", Timeout: "2s"}) || s.Limits[1] != (Limit{Concurrent: 2}) {
		t.Fatalf("limits = %+v", s.Limits)
	}
	if err := s.ChangeLimit(LimitChange{Tool: "send", Rate: "often"}); !errors.Is(err, ErrBadLimit) || len(s.Limits) != 2 {
		t.Fatalf("bad rate: %v, %+v", err, s.Limits)
	}
	if err := s.ChangeLimit(LimitChange{Tool: "send"}); !errors.Is(err, ErrBadLimit) {
		t.Fatalf("nothing to limit: %v", err)
	}
	s.ChangeLimit(LimitChange{Tool: "send", Clear: true})
	if len(s.Limits) != 1 || s.Limits[0].Tool != "" {
		t.Fatalf("after clearing send: %+v", s.Limits)
	}
	s.ChangeLimit(LimitChange{Clear: true})
	if s.Limits != nil {
		t.Fatalf("after clearing all: %+v", s.Limits)
	}
}

func TestValidateGuardrails(t *testing.T) {
	for _, tc := range []struct {
		s    Server
		want string
	}{
		{Server{Command: "x", Limits: []Limit{{Rate: "10/m"}, {Timeout: "soon"}}}, "servers.a.limits[1].timeout is \"soon\""},
		{Server{Command: "x", Limits: []Limit{{Tool: "t"}}}, "servers.a.limits[0] limits nothing"},
		{Server{Command: "x", Limits: []Limit{{Concurrent: -1}}}, "servers.a.limits[0].concurrent"},
		{Server{Command: "x", DLP: &DLP{Action: "maybe"}}, "servers.a.dlp.action is \"maybe\""},
	} {
		c := &Config{Servers: map[string]*Server{"a": &tc.s}}
		err := c.Validate()
		if !errors.Is(err, ErrInvalid) || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("Validate(%+v) = %v, want %q…", tc.s, err, tc.want)
		}
	}
	ok := &Config{Servers: map[string]*Server{"a": {Command: "x", Limits: []Limit{{Tool: "t", Timeout: "2s", Rate: "3/m", Concurrent: 1}}, DLP: &DLP{Action: DLPBlock, RedactResults: true}}}}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestReviewGuardrails(t *testing.T) {
	acc := &Config{Servers: map[string]*Server{"a": {Command: "x", Limits: []Limit{{Tool: "t", Rate: "3/m"}}, DLP: &DLP{Action: DLPBlock}}}}
	for _, tc := range []struct {
		name    string
		limits  []Limit
		dlp     *DLP
		loosens int
	}{
		{"same", []Limit{{Tool: "t", Rate: "3/m"}}, &DLP{Action: DLPBlock}, 0},
		{"tighter", []Limit{{Tool: "t", Rate: "2/m", Concurrent: 1}, {Timeout: "1s"}}, &DLP{Action: DLPBlock, RedactResults: true}, 0},
		{"cleared", nil, &DLP{Action: DLPBlock}, 1},
		{"raised", []Limit{{Tool: "t", Rate: "300/h"}}, &DLP{Action: DLPBlock}, 1},
		{"dlp weaker", []Limit{{Tool: "t", Rate: "3/m"}}, &DLP{Action: DLPAsk}, 1},
		{"dlp gone", []Limit{{Tool: "t", Rate: "3/m"}}, nil, 1},
	} {
		prop := acc.Clone()
		prop.Servers["a"].Limits, prop.Servers["a"].DLP = tc.limits, tc.dlp
		eff, changes := Review(acc, prop, ReviewOptions{})
		if len(changes) != tc.loosens {
			t.Errorf("%s: changes %q, want %d", tc.name, changes, tc.loosens)
		}
		if tc.loosens > 0 && !eff.Servers["a"].Equal(acc.Servers["a"]) {
			t.Errorf("%s: effective %+v, want the accepted server", tc.name, eff.Servers["a"])
		}
	}
}
