package gateway

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"
)

// timedGate allows every call with a timeout and records how calls finished.
type timedGate struct {
	strictGate
	limit    time.Duration
	mu       sync.Mutex
	outcomes chan CallOutcome
}

func (g *timedGate) Call(s *Session, tool string, _ json.RawMessage) CallVerdict {
	return CallVerdict{Allow: true, Timeout: g.limit, Finished: func(o CallOutcome, _ time.Duration) { g.outcomes <- o }}
}

// A call past its timeout: the client gets an isError result saying so, the server a
// notifications/cancelled for the id it knows the call by, the gate CallTimedOut, and the
// server's late answer reaches no one. A call answered in time is not cut off.
func TestCallTimeout(t *testing.T) {
	for _, shared := range []bool{false, true} {
		name := map[bool]string{false: "session", true: "shared"}[shared]
		t.Run(name, func(t *testing.T) {
			g := &timedGate{limit: 50 * time.Millisecond, outcomes: make(chan CallOutcome, 10)}
			var r *relayed
			if shared {
				r = startShared(t, g, HubOptions{}, `[`+pinnedWrite+`]`)
			} else {
				r = startSession(t, g, Options{})
			}
			r.cli.send(`{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"write_note","arguments":{}}}`)
			c := r.srv.next("the tool call", isMethod("tools/call"))
			answer := r.cli.next("the client's answer", isID("6"))
			if answer.str("result", "isError") != "true" || !strings.Contains(answer.str("result", "content", "0", "text"), "did not finish this call within 0.05 s") {
				t.Fatalf("the client got %v", answer)
			}
			cancel := r.srv.next("the cancellation", isMethod("notifications/cancelled"))
			if got, want := cancel.str("params", "requestId"), c.str("id"); got != want {
				t.Fatalf("the server was told to cancel %s, but knows the call as %s", got, want)
			}
			if o := <-g.outcomes; o != CallTimedOut {
				t.Fatalf("the gate was told %s", o)
			}
			r.srv.send(`{"jsonrpc":"2.0","id":%s,"result":{"content":[]}}`, c.str("id"))

			g.limit = time.Hour
			r.cli.send(`{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"write_note","arguments":{}}}`)
			c = r.srv.next("the second call", isMethod("tools/call"))
			r.srv.send(`{"jsonrpc":"2.0","id":%s,"result":{"content":[{"type":"text","text":"done"}]}}`, c.str("id"))
			answer = r.cli.next("the second answer", func(m msg) bool { return m.str("id") != "" && m.str("method") == "" })
			if answer.str("id") != "7" || answer.str("result", "content", "0", "text") != "done" {
				t.Fatalf("after the late answer the client got %v (the late answer must be dropped)", answer)
			}
			if o := <-g.outcomes; o != CallOK {
				t.Fatalf("the second call finished %s", o)
			}
		})
	}
}
