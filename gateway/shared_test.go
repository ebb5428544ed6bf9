package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestHubAnswersEachClientsHandshakeFromTheServers(t *testing.T) {
	h := newTestHub(nil)
	defer h.Close()
	s := newScript(t)
	s.version = "2025-06-18"
	s.serve(h)
	for _, tc := range []struct {
		asks, want, refused string
	}{
		{asks: "2025-06-18", want: "2025-06-18"},
		{asks: "2025-03-26", want: "2025-03-26"}, // older: the server speaks it too
		{asks: "2025-11-25", want: "2025-06-18"}, // newer than the server: its newest
		{asks: "2024-10-07", want: "2024-10-07"}, // the oldest published version
		{asks: "2099-01-01", want: "2025-06-18"}, // unknown: countered, as a server does
		{asks: "draft", want: "2025-06-18"},
	} {
		c := join(t, h, &Session{ID: tc.asks, Server: "script"})
		c.send(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":%q,"capabilities":{},"clientInfo":{"name":"test","version":"1"}}}`, tc.asks)
		r := c.next("initialize answer", isID("0"))
		if tc.refused != "" {
			if !strings.Contains(r.str("error", "message"), tc.refused) {
				t.Errorf("asking for %s: got %v, want a refusal saying %q", tc.asks, r, tc.refused)
			}
			continue
		}
		if got := r.str("result", "protocolVersion"); got != tc.want {
			t.Errorf("asking for %s: negotiated %q, want %q", tc.asks, got, tc.want)
		}
		if r.str("result", "x-unknown", "kept") != "true" || r.str("result", "serverInfo", "name") != "script" {
			t.Errorf("the server's own initialize result was not passed on: %v", r)
		}
	}
	// The handshake happened once, with the server, not once per client.
	s.none("a second initialize", 200*time.Millisecond, isMethod("initialize"))
}

func TestHubRewritesIDsAndMapsAnswersBack(t *testing.T) {
	h := newTestHub(nil)
	defer h.Close()
	s := newScript(t)
	s.serve(h)
	go func() { // the server answers every call with its arguments' text, out of order
		var pending []msg
		for m := range s.lines {
			if m.str("method") != "tools/call" {
				continue
			}
			pending = append(pending, m)
			if len(pending) == 7 || m.str("params", "arguments", "last") == "true" {
				for i := len(pending) - 1; i >= 0; i-- {
					p := pending[i]
					fmt.Fprintf(s.w, `{"jsonrpc":"2.0","id":%s,"result":{"content":[{"type":"text","text":%q}]}}`+"\n", p.str("id"), p.str("params", "arguments", "text"))
				}
				pending = nil
			}
		}
	}()
	const perClient = 300
	clients := make([]*client, 3)
	for i := range clients {
		clients[i] = join(t, h, &Session{ID: fmt.Sprint(i), Server: "script"})
		clients[i].initialize("2025-11-25")
	}
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Go(func() {
			for id := 1; id <= perClient; id++ { // every client uses the same ids
				c.send(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"echo","arguments":{"text":"client %d call %d","last":%v}}}`, id, i, id, id == perClient)
			}
		})
	}
	wg.Wait()
	for i, c := range clients {
		got := map[string]string{}
		for len(got) < perClient {
			m := c.next("an answer", func(m msg) bool { return m.str("method") == "" })
			got[m.str("id")] = m.str("result", "content", "0", "text")
		}
		for id := 1; id <= perClient; id++ {
			if want := fmt.Sprintf("client %d call %d", i, id); got[fmt.Sprint(id)] != want {
				t.Fatalf("client %d, id %d: got %q, want %q", i, id, got[fmt.Sprint(id)], want)
			}
		}
	}
}

func TestHubRoutesProgressOnlyToTheCaller(t *testing.T) {
	h := newTestHub(nil)
	defer h.Close()
	s, a, b := serveTwo(t, h)
	// Both clients use progress token 1, as the TypeScript SDK does for its first request.
	for _, c := range []*client{a, b} {
		c.send(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"slow","arguments":{},"_meta":{"progressToken":1}}}`)
	}
	calls := []msg{s.next("a call", isMethod("tools/call")), s.next("a call", isMethod("tools/call"))}
	if calls[0].str("params", "_meta", "progressToken") == calls[1].str("params", "_meta", "progressToken") {
		t.Fatalf("the server got the same progress token for two clients' calls: %v", calls)
	}
	// The call that claimed the token first keeps the client's own: the rewriting is invisible
	// to the server whenever it can be. (Which call that is, is not the order the server reads
	// them in: the two clients' writes race.)
	if calls[0].str("params", "_meta", "progressToken") != "1" && calls[1].str("params", "_meta", "progressToken") != "1" {
		t.Errorf("both calls reached the server with progress tokens of MCP Tray's (%s, %s), neither with the client's 1", calls[0].str("params", "_meta", "progressToken"), calls[1].str("params", "_meta", "progressToken"))
	}
	for i, call := range calls {
		s.send(`{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":%s,"progress":%d}}`, call.str("params", "_meta", "progressToken"), i+1)
	}
	pa := a.next("progress", isMethod("notifications/progress"))
	pb := b.next("progress", isMethod("notifications/progress"))
	if pa.str("params", "progressToken") != "1" || pb.str("params", "progressToken") != "1" {
		t.Errorf("progress tokens not mapped back: %v, %v", pa, pb)
	}
	if pa.str("params", "progress") == pb.str("params", "progress") {
		t.Errorf("both clients got the same progress notification: %v, %v", pa, pb)
	}
	for _, call := range calls {
		s.send(`{"jsonrpc":"2.0","id":%s,"result":{"content":[]}}`, call.str("id"))
	}
	a.next("a's answer", isID("1"))
	b.next("b's answer", isID("1"))
	a.none("a second progress notification", 100*time.Millisecond, isMethod("notifications/progress"))
}

// A lone client's progress token reaches the server exactly as the client wrote it, so a
// server that repeats it (in a result, in a log line) says what the client expects.
func TestHubPassesProgressTokensUnchangedWhenTheyAreUnique(t *testing.T) {
	h := newTestHub(nil)
	defer h.Close()
	s, a, b := serveTwo(t, h)
	a.send(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"slow","arguments":{},"_meta":{"progressToken":"tok-a"}}}`)
	ca := s.next("a's call", isMethod("tools/call"))
	b.send(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"slow","arguments":{},"_meta":{"progressToken":1}}}`)
	cb := s.next("b's call", isMethod("tools/call"))
	if ca.str("params", "_meta", "progressToken") != "tok-a" || cb.str("params", "_meta", "progressToken") != "1" {
		t.Fatalf("the server saw progress tokens %q and %q; want the clients' own \"tok-a\" and 1", ca.str("params", "_meta", "progressToken"), cb.str("params", "_meta", "progressToken"))
	}
	s.send(`{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"tok-a","progress":1}}`)
	s.send(`{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":1,"progress":2}}`)
	if p := a.next("a's progress", isMethod("notifications/progress")); p.str("params", "progressToken") != "tok-a" || p.str("params", "progress") != "1" {
		t.Errorf("a got %v", p)
	}
	if p := b.next("b's progress", isMethod("notifications/progress")); p.str("params", "progressToken") != "1" || p.str("params", "progress") != "2" {
		t.Errorf("b got %v", p)
	}
	s.send(`{"jsonrpc":"2.0","id":%s,"result":{"content":[{"type":"text","text":"token tok-a"}]}}`, ca.str("id"))
	s.send(`{"jsonrpc":"2.0","id":%s,"result":{"content":[]}}`, cb.str("id"))
	a.next("a's answer", isID("1"))
	b.next("b's answer", isID("1"))
	// Once a's call is over its token is free: progress for it reaches nobody.
	s.send(`{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"tok-a","progress":3}}`)
	a.none("progress for a finished call", 100*time.Millisecond, isMethod("notifications/progress"))
}

func TestHubCancellationReachesOnlyTheCallersRequest(t *testing.T) {
	h := newTestHub(nil)
	defer h.Close()
	s, a, b := serveTwo(t, h)
	a.send(`{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"slow","arguments":{}}}`)
	ca := s.next("a's call", isMethod("tools/call"))
	b.send(`{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"slow","arguments":{}}}`)
	cb := s.next("b's call", isMethod("tools/call"))
	a.send(`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":7,"reason":"user"}}`)
	n := s.next("the cancellation", isMethod("notifications/cancelled"))
	if got := n.str("params", "requestId"); got != ca.str("id") {
		t.Fatalf("the server was told to cancel %s, want a's call %s (b's is %s)", got, ca.str("id"), cb.str("id"))
	}
	// The server answers both anyway: a's late answer is dropped, b's arrives.
	s.send(`{"jsonrpc":"2.0","id":%s,"result":{"content":[{"type":"text","text":"a"}]}}`, ca.str("id"))
	s.send(`{"jsonrpc":"2.0","id":%s,"result":{"content":[{"type":"text","text":"b"}]}}`, cb.str("id"))
	if r := b.next("b's answer", isID("7")); r.str("result", "content", "0", "text") != "b" {
		t.Errorf("b got %v", r)
	}
	a.none("an answer to the cancelled call", 200*time.Millisecond, isID("7"))
}

func TestHubSendsServerRequestsToTheCallingClient(t *testing.T) {
	h := newTestHub(nil)
	defer h.Close()
	s, a, b := serveTwo(t, h)
	refused := func(id string) {
		t.Helper()
		if r := s.next("the refusal", isID(id)); r.str("error", "code") == "" {
			t.Fatalf("server request %s was not refused: %v", id, r)
		}
	}
	// Nobody's call is running: the server's sampling request is refused cleanly.
	s.send(`{"jsonrpc":"2.0","id":"s0","method":"sampling/createMessage","params":{}}`)
	refused("s0")
	// b alone has a call running: the request goes to b, and only to b.
	b.send(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"sample","arguments":{}}}`)
	cb := s.next("b's call", isMethod("tools/call"))
	s.send(`{"jsonrpc":"2.0","id":"s1","method":"sampling/createMessage","params":{"messages":[]}}`)
	req := b.next("the sampling request", isMethod("sampling/createMessage"))
	b.send(`{"jsonrpc":"2.0","id":%q,"result":{"model":"b-model","role":"assistant","content":{"type":"text","text":"from b"}}}`, req.str("id"))
	if r := s.next("b's sampling answer", isID("s1")); r.str("result", "model") != "b-model" {
		t.Fatalf("the server got %v", r)
	}
	// An answer from a client that was not asked never reaches the server.
	a.send(`{"jsonrpc":"2.0","id":"s1","result":{"model":"forged"}}`)
	s.none("a forged answer", 100*time.Millisecond, isID("s1"))
	// Now a's call runs too: the server does not say which call asks, so nobody is asked.
	a.send(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"long","arguments":{}}}`)
	ca := s.next("a's call", isMethod("tools/call"))
	s.send(`{"jsonrpc":"2.0","id":"s2","method":"sampling/createMessage","params":{"messages":[]}}`)
	refused("s2")
	s.send(`{"jsonrpc":"2.0","id":%s,"result":{"content":[]}}`, cb.str("id"))
	b.next("b's answer", isID("1"))
	// a alone: a declared sampling but not URL elicitation nor sampling with tools.
	s.send(`{"jsonrpc":"2.0","id":"s3","method":"elicitation/create","params":{"mode":"url","url":"https://example.com","message":"m","elicitationId":"e"}}`)
	refused("s3")
	s.send(`{"jsonrpc":"2.0","id":"s4","method":"sampling/createMessage","params":{"messages":[],"tools":[]}}`)
	refused("s4")
	s.send(`{"jsonrpc":"2.0","id":"s5","method":"elicitation/create","params":{"message":"m","requestedSchema":{}}}`)
	refused("s5")
	for _, c := range []*client{a, b} {
		c.none("a request it cannot answer or did not cause", 100*time.Millisecond, func(m msg) bool { return m.str("method") != "" && m.str("id") != "" })
	}
	s.send(`{"jsonrpc":"2.0","id":%s,"result":{"content":[]}}`, ca.str("id"))
	a.next("a's answer", isID("1"))
}

func TestHubRestartFailsCallsInFlightAndKeepsClients(t *testing.T) {
	h := newTestHub(nil)
	defer h.Close()
	s := newScript(t)
	served := s.serve(h)
	a := join(t, h, &Session{ID: "a"})
	a.initialize("2025-11-25")
	a.send(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"slow","arguments":{}}}`)
	s.next("a's call", isMethod("tools/call"))
	s.up.Stop() // the process dies
	if r := a.next("an error for the call in flight", isID("1")); !strings.Contains(r.str("error", "message"), "stopped") {
		t.Fatalf("the call in flight got %v", r)
	}
	if err := <-served; !errors.Is(err, ErrServerGone) {
		t.Fatalf("Serve returned %v, want ErrServerGone", err)
	}
	// A request while no process runs waits for the next one.
	a.send(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{}}}`)
	s2 := newScript(t)
	s2.tools = `[{"name":"echo","inputSchema":{"type":"object"}},{"name":"new","inputSchema":{"type":"object"}}]`
	served2 := s2.serve(h)
	a.next("tools/list_changed (the new process lists another tool)", isMethod("notifications/tools/list_changed"))
	c := s2.next("the waiting call", isMethod("tools/call"))
	s2.send(`{"jsonrpc":"2.0","id":%s,"result":{"content":[{"type":"text","text":"again"}]}}`, c.str("id"))
	if r := a.next("the answer from the new process", isID("2")); r.str("result", "content", "0", "text") != "again" {
		t.Fatalf("got %v", r)
	}
	// Same tools after another restart: no list_changed.
	s2.up.Stop()
	<-served2
	s3 := newScript(t)
	s3.tools = s2.tools
	s3.serve(h)
	a.send(`{"jsonrpc":"2.0","id":3,"method":"ping"}`)
	a.next("pong", isID("3"))
	a.none("tools/list_changed", 100*time.Millisecond, isMethod("notifications/tools/list_changed"))
}

func TestHubDropsALeavingClientsLateAnswersAndLeaksNothing(t *testing.T) {
	h := newTestHub(nil)
	defer h.Close()
	s, a, b := serveTwo(t, h)
	a.send(`{"jsonrpc":"2.0","id":1,"method":"resources/subscribe","params":{"uri":"file:///x"}}`)
	sub := s.next("the subscription", isMethod("resources/subscribe"))
	s.send(`{"jsonrpc":"2.0","id":%s,"result":{}}`, sub.str("id"))
	a.next("subscribed", isID("1"))
	a.send(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"slow","arguments":{}}}`)
	call := s.next("a's call", isMethod("tools/call"))
	a.leave() // a goes away mid-call
	if err := <-a.done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Join returned %v after the client went away; want its context's end", err)
	}
	if n := s.next("the cancellation", isMethod("notifications/cancelled")); n.str("params", "requestId") != call.str("id") {
		t.Errorf("cancelled %v, want a's call %s", n, call.str("id"))
	}
	if u := s.next("the unsubscription", isMethod("resources/unsubscribe")); u.str("params", "uri") != "file:///x" {
		t.Errorf("got %v", u)
	}
	s.send(`{"jsonrpc":"2.0","id":%s,"result":{"content":[]}}`, call.str("id")) // the late answer
	s.send(`{"jsonrpc":"2.0","method":"notifications/resources/updated","params":{"uri":"file:///x"}}`)
	b.none("anything meant for a", 200*time.Millisecond, func(m msg) bool { return true })
	h.mu.Lock()
	defer h.mu.Unlock()
	left := map[string]int{"members": len(h.members), "calls": len(h.calls), "outbound": len(h.outbound), "subs": len(h.subs)}
	// b is still joined; the unsubscribe's answer is still awaited.
	if diff := cmp.Diff(map[string]int{"members": 1, "calls": 1, "outbound": 0, "subs": 0}, left); diff != "" {
		t.Errorf("the hub kept state for the client that left (-want +got):\n%s", diff)
	}
}

func TestHubRoutesNotifications(t *testing.T) {
	h := newTestHub(nil)
	defer h.Close()
	s, a, b := serveTwo(t, h)
	a.send(`{"jsonrpc":"2.0","id":1,"method":"resources/subscribe","params":{"uri":"file:///a"}}`)
	sub := s.next("a's subscription", isMethod("resources/subscribe"))
	s.send(`{"jsonrpc":"2.0","id":%s,"result":{}}`, sub.str("id"))
	a.next("subscribed", isID("1"))
	b.send(`{"jsonrpc":"2.0","id":1,"method":"logging/setLevel","params":{"level":"error"}}`)
	lvl := s.next("the log level", isMethod("logging/setLevel"))
	s.send(`{"jsonrpc":"2.0","id":%s,"result":{}}`, lvl.str("id"))
	b.next("level set", isID("1"))
	s.send(`{"jsonrpc":"2.0","method":"notifications/resources/updated","params":{"uri":"file:///a"}}`)
	s.send(`{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"chatty"}}`)
	s.send(`{"jsonrpc":"2.0","method":"notifications/tools/list_changed"}`)
	a.next("the resource update", isMethod("notifications/resources/updated"))
	a.next("the info log message (a set no level)", isMethod("notifications/message"))
	a.next("list_changed", isMethod("notifications/tools/list_changed"))
	b.next("list_changed", isMethod("notifications/tools/list_changed"))
	b.none("a's resource update or an info message below b's level", 100*time.Millisecond, func(m msg) bool {
		return m.str("method") == "notifications/resources/updated" || m.str("method") == "notifications/message"
	})
}

// askGate holds every call to "danger" and allows the rest; it records each call's session.
type askGate struct {
	mu       sync.Mutex
	sessions []string
	answer   chan bool
}

func (g *askGate) Call(s *Session, tool string, _ json.RawMessage) CallVerdict {
	g.mu.Lock()
	g.sessions = append(g.sessions, s.ID)
	g.mu.Unlock()
	if tool != "danger" {
		return CallVerdict{Allow: true}
	}
	return CallVerdict{Ask: func(ctx context.Context) CallVerdict {
		select {
		case ok := <-g.answer:
			return CallVerdict{Allow: ok, Message: "Denied."}
		case <-ctx.Done():
			return CallVerdict{}
		}
	}}
}
func (g *askGate) Tools(_ *Session, r json.RawMessage, _ bool) json.RawMessage { return r }
func (g *askGate) End(*Session)                                                {}
func (g *askGate) Refused(*Session, string, json.RawMessage, string)           {}

func TestHubHoldsAskedCallsPerClient(t *testing.T) {
	g := &askGate{answer: make(chan bool)}
	h := newTestHub(g)
	defer h.Close()
	s, a, b := serveTwo(t, h)
	a.send(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"danger","arguments":{}}}`)
	b.send(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{}}}`)
	c := s.next("b's allowed call", isMethod("tools/call"))
	if c.str("params", "name") != "echo" {
		t.Fatalf("the held call reached the server before approval: %v", c)
	}
	s.send(`{"jsonrpc":"2.0","id":%s,"result":{"content":[]}}`, c.str("id"))
	b.next("b's answer while a's call is held", isID("1"))
	s.none("the held call", 100*time.Millisecond, isMethod("tools/call"))
	g.answer <- true
	if c := s.next("the approved call", isMethod("tools/call")); c.str("params", "name") != "danger" {
		t.Fatalf("got %v", c)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	// The two clients' calls reach the gate in either order; each must come with its own
	// session.
	if diff := cmp.Diff([]string{"a", "b"}, slices.Sorted(slices.Values(g.sessions))); diff != "" {
		t.Errorf("the gate saw these sessions (-want +got):\n%s", diff)
	}
}
