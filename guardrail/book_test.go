package guardrail

import (
	"strings"
	"testing"
	"time"

	"github.com/mcptray/mcptray/config"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestRate(t *testing.T) {
	c := &clock{t: time.Unix(1000, 0)}
	b := New(c.now)
	b.Set(map[string][]config.Limit{"mail": {{Tool: "send", Rate: "3/m"}}})
	for i := range 3 {
		if _, r := b.Admit("mail", "send", "Cursor"); r != nil {
			t.Fatalf("call %d refused: %s", i+1, r.Message)
		}
		c.t = c.t.Add(10 * time.Second)
	}
	_, r := b.Admit("mail", "send", "Cursor")
	if r == nil {
		t.Fatal("the fourth call in a minute was admitted")
	}
	if r.RetryAfter != 30*time.Second || !strings.Contains(r.Message, "Try again in 30 seconds") || !strings.Contains(r.Message, "at most 3 times a minute") {
		t.Fatalf("refusal = %+v", r)
	}
	if _, r := b.Admit("mail", "read", "Cursor"); r != nil {
		t.Fatalf("another tool was refused: %s", r.Message)
	}
	c.t = c.t.Add(30 * time.Second)
	if _, r := b.Admit("mail", "send", "Cursor"); r != nil {
		t.Fatalf("a call after the minute was refused: %s", r.Message)
	}
	// A reload with the same limit keeps the counts.
	b.Set(map[string][]config.Limit{"mail": {{Tool: "send", Rate: "3/m"}}})
	if _, r := b.Admit("mail", "send", "Cursor"); r == nil {
		t.Fatal("a reload reset the rate")
	}
}

func TestConcurrent(t *testing.T) {
	b := New(nil)
	b.Set(map[string][]config.Limit{"k8s": {{Tool: "exec", Concurrent: 1, Timeout: "5s"}, {Timeout: "2s", Client: "Cursor"}}})
	t1, r := b.Admit("k8s", "exec", "Claude")
	if r != nil || t1.Timeout != 5*time.Second {
		t.Fatalf("first call: %+v %+v", t1, r)
	}
	if _, r := b.Admit("k8s", "exec", "Cursor"); r == nil || !strings.Contains(r.Message, "only one call of exec") {
		t.Fatalf("second call at once: %+v", r)
	}
	t1.Done()
	t1.Done() // twice releases once
	t2, r := b.Admit("k8s", "exec", "Cursor")
	if r != nil || t2.Timeout != 2*time.Second {
		t.Fatalf("call after the first finished: %+v %+v", t2, r)
	}
	if _, r := b.Admit("k8s", "exec", "Claude"); r == nil {
		t.Fatal("a release counted twice")
	}
	if tk, r := b.Admit("other", "exec", "Claude"); tk != nil || r != nil {
		t.Fatalf("a server without limits: %+v %+v", tk, r)
	}
	var none *Ticket
	none.Done()
}

func TestClientScope(t *testing.T) {
	b := New(nil)
	b.Set(map[string][]config.Limit{"s": {{Client: "Cursor", Rate: "1/h"}}})
	b.Admit("s", "t", "Cursor")
	if _, r := b.Admit("s", "t", "Claude"); r != nil {
		t.Fatalf("another app was counted: %s", r.Message)
	}
	if _, r := b.Admit("s", "t", "Cursor"); r == nil || !strings.Contains(r.Message, "for Cursor") {
		t.Fatalf("the app's second call: %+v", r)
	}
}
