package gateway

import (
	"strings"
	"testing"
	"time"
)

// A client that closes its input right after asking still gets every answer, and leaves
// once it has them.
func TestHubAnswersAClientThatClosedItsInput(t *testing.T) {
	h := newTestHub(nil)
	defer h.Close()
	s := newScript(t)
	s.serve(h)
	c := join(t, h, &Session{ID: "c"})
	c.send(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"test","version":"1"}}}`)
	c.send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	c.send(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{}}}`)
	c.in.Close()
	call := s.next("the call", isMethod("tools/call"))
	select {
	case err := <-c.done:
		t.Fatalf("the client was let go (%v) before its call was answered", err)
	default:
	}
	s.send(`{"jsonrpc":"2.0","id":%s,"result":{"content":[{"type":"text","text":"late"}]}}`, call.str("id"))
	if r := c.next("the initialize answer", isID("0")); r.str("result", "serverInfo", "name") != "script" {
		t.Errorf("initialize answered %v", r)
	}
	if r := c.next("the call's answer", isID("1")); r.str("result", "content", "0", "text") != "late" {
		t.Errorf("the call was answered %v", r)
	}
	if err := <-c.done; err != nil {
		t.Errorf("Join returned %v; want nil after the client ended its input", err)
	}
	if n := h.Clients(); n != 0 {
		t.Errorf("%d clients still joined", n)
	}
}

// A tool call waiting for the person when its client ends its input is withdrawn (never
// forwarded) and answered with a refusal, so that the client is answered all the same.
func TestHubAnswersAHeldCallOfAClientThatClosedItsInput(t *testing.T) {
	h := newTestHub(&strictGate{ask: "danger"})
	defer h.Close()
	s := newScript(t)
	s.serve(h)
	c := join(t, h, &Session{ID: "c"})
	c.initialize("2025-11-25")
	c.send(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"danger","arguments":{}}}`)
	c.send(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{}}}`)
	call := s.next("the allowed call", isMethod("tools/call"))
	c.in.Close()
	s.send(`{"jsonrpc":"2.0","id":%s,"result":{"content":[]}}`, call.str("id"))
	got := map[string]msg{}
	for len(got) < 2 {
		r := c.next("the answers", func(m msg) bool { return m.str("method") == "" })
		got[r.str("id")] = r
	}
	if r := got["1"]; r.str("result", "isError") != "true" || !strings.Contains(r.str("result", "content", "0", "text"), "closed its connection") {
		t.Errorf("the held call was answered %v; want a refusal saying why", r)
	}
	if r := got["2"]; r.str("result") == "" {
		t.Errorf("the allowed call was answered %v", r)
	}
	if err := <-c.done; err != nil {
		t.Errorf("Join returned %v", err)
	}
	s.none("the held call", 100*time.Millisecond, func(m msg) bool { return m.str("params", "name") == "danger" })
}
