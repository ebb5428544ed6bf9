package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcptray/mcptray/internal/jsonwire"
)

// panicGate allows every call but "boom", on which it panics: a bug in the daemon's gate.
type panicGate struct{ strictGate }

func (g *panicGate) Call(s *Session, tool string, args json.RawMessage) CallVerdict {
	if tool == "boom" {
		panic("the gate broke")
	}
	return g.strictGate.Call(s, tool, args)
}

// panics records what Hooks.Panic was given.
type panics struct {
	mu     sync.Mutex
	values []string
	stacks []string
}

func (p *panics) hook(s *Session, v any, stack []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.values = append(p.values, fmt.Sprint(v))
	p.stacks = append(p.stacks, string(stack))
}

func (p *panics) check(t *testing.T, want string) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.values) != 1 || p.values[0] != want {
		t.Fatalf("Hooks.Panic got %q, want one %q", p.values, want)
	}
	if !strings.Contains(p.stacks[0], "panic_test.go") {
		t.Errorf("the stack given to Hooks.Panic does not show where it panicked:\n%s", p.stacks[0])
	}
}

// A panic in the gate ends the session it happened in: the client's pending call gets an
// error, the process is stopped, Relay returns ErrPanicked; another session goes on.
func TestPanicInTheGateEndsOnlyItsSession(t *testing.T) {
	var seen panics
	opts := Options{Gate: &panicGate{}, Hooks: Hooks{Panic: seen.hook}}
	a, b := relayRig(t, opts), relayRig(t, opts)
	a.cli.send(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"slow","arguments":{}}}`)
	a.srv.next("the allowed call")
	a.cli.send(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"boom","arguments":{}}}`)
	got := a.cli.next("the error for the pending call")
	if string(jsonwire.ValueAt(got, "id")) != "1" || jsonwire.StringAt(got, "error", "message") != panicMessage {
		t.Errorf("the pending call was answered %s", got)
	}
	if err := a.wait(); !errors.Is(err, ErrPanicked) {
		t.Errorf("Relay returned %v, want ErrPanicked", err)
	}
	<-a.stopped
	seen.check(t, "the gate broke")

	b.cli.send(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{}}}`)
	b.srv.next("the other session's call")
	b.srv.send(`{"jsonrpc":"2.0","id":1,"result":{"content":[]}}`)
	eq(t, "the other session's client got", b.cli.next("its answer"), `{"jsonrpc":"2.0","id":1,"result":{"content":[]}}`+"\n")
}

// A panic in a hook called on the server's side of the relay ends the session the same way.
func TestPanicInATrafficHookEndsTheSession(t *testing.T) {
	var seen panics
	rg := relayRig(t, Options{Hooks: Hooks{Panic: seen.hook, Traffic: func(s *Session, tr Traffic) {
		if tr.Direction == "server→client" && tr.Method == "notifications/boom" {
			panic("the traffic hook broke")
		}
	}}})
	rg.cli.send(`{"jsonrpc":"2.0","id":"x","method":"tools/call","params":{"name":"slow","arguments":{}}}`)
	rg.srv.next("the call")
	rg.srv.send(`{"jsonrpc":"2.0","method":"notifications/boom"}`)
	rg.cli.next("the notification, written before the hook") // the client first, the bookkeeping after
	got := rg.cli.next("the error for the pending call")
	if string(jsonwire.ValueAt(got, "id")) != `"x"` || jsonwire.StringAt(got, "error", "message") != panicMessage {
		t.Errorf("the pending call was answered %s", got)
	}
	if err := rg.wait(); !errors.Is(err, ErrPanicked) {
		t.Errorf("Relay returned %v, want ErrPanicked", err)
	}
	seen.check(t, "the traffic hook broke")
}

// A held call's Ask runs on a goroutine of its own: a panic there ends the session too, and
// the held call is answered.
func TestPanicWhileAskingEndsTheSession(t *testing.T) {
	var seen panics
	g := &askPanicGate{}
	rg := relayRig(t, Options{Gate: g, Hooks: Hooks{Panic: seen.hook}})
	rg.cli.send(`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"write","arguments":{}}}`)
	got := rg.cli.next("the error for the held call")
	if string(jsonwire.ValueAt(got, "id")) != "3" || jsonwire.StringAt(got, "error", "message") != panicMessage {
		t.Errorf("the held call was answered %s", got)
	}
	if err := rg.wait(); !errors.Is(err, ErrPanicked) {
		t.Errorf("Relay returned %v, want ErrPanicked", err)
	}
	seen.check(t, "the prompt broke")
}

type askPanicGate struct{ strictGate }

func (g *askPanicGate) Call(*Session, string, json.RawMessage) CallVerdict {
	return CallVerdict{Ask: func(context.Context) CallVerdict { panic("the prompt broke") }}
}

// In shared mode a panic on one client's goroutines ends that client's connection; the
// other clients of the same server go on.
func TestPanicInTheGateEndsOnlyOneHubClient(t *testing.T) {
	var seen panics
	h := NewHub(HubOptions{Server: "script", Gate: &panicGate{}, Hooks: Hooks{Panic: seen.hook}})
	defer h.Close()
	s, a, b := serveTwo(t, h)
	a.send(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"boom","arguments":{}}}`)
	if err := <-a.done; !errors.Is(err, ErrPanicked) {
		t.Errorf("Join returned %v, want ErrPanicked", err)
	}
	seen.check(t, "the gate broke")
	b.send(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{}}}`)
	c := s.next("b's call", isMethod("tools/call"))
	s.send(`{"jsonrpc":"2.0","id":%s,"result":{"content":[]}}`, c.str("id"))
	if r := b.next("b's answer", isID("1")); r.str("result") != `{"content":[]}` {
		t.Errorf("b got %v", r)
	}
	if n := h.Clients(); n != 1 {
		t.Errorf("the hub has %d clients, want 1", n)
	}
}

// A panic on the hub's server side ends the process as a crash does: every request in
// flight gets an error, Serve returns ErrPanicked, and the clients stay joined for the next
// process.
func TestPanicOnTheHubsServerSideIsACrash(t *testing.T) {
	var seen panics
	h := NewHub(HubOptions{Server: "script", ReadyWait: 10 * time.Second, DiscoverTimeout: 10 * time.Second, Hooks: Hooks{Panic: seen.hook,
		Note: func(_ *Session, msg string) {
			if strings.Contains(msg, "boom") {
				panic("the note hook broke")
			}
		}}})
	defer h.Close()
	s := newScript(t)
	served := s.serve(h)
	a := join(t, h, &Session{ID: "a"})
	a.initialize("2025-11-25")
	a.send(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"slow","arguments":{}}}`)
	s.next("the call", isMethod("tools/call"))
	s.send(`boom: not JSON-RPC`) // the hub notes the junk line; the hook panics
	if r := a.next("the error for the call in flight", isID("1")); r.str("error", "message") != panicMessage {
		t.Errorf("the call in flight was answered %v", r)
	}
	if err := <-served; !errors.Is(err, ErrPanicked) {
		t.Errorf("Serve returned %v, want ErrPanicked", err)
	}
	seen.check(t, "the note hook broke")
	// The next process serves the same client.
	s2 := newScript(t)
	s2.serve(h)
	a.send(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{}}}`)
	c := s2.next("the call to the new process", isMethod("tools/call"))
	s2.send(`{"jsonrpc":"2.0","id":%s,"result":{"content":[]}}`, c.str("id"))
	if r := a.next("the answer", isID("2")); r.str("result") != `{"content":[]}` {
		t.Errorf("the client got %v from the new process", r)
	}
}
