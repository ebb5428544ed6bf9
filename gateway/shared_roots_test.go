package gateway

import (
	"testing"
	"time"
)

// The server is given each app's own roots before that app's request runs, and no roots at
// all when it asks while no single app can be named.
func TestHubGivesTheServerTheRootsOfTheAppWhoseRequestRuns(t *testing.T) {
	h := newTestHub(nil)
	defer h.Close()
	s := newScript(t)
	s.serve(h)
	a, b := join(t, h, &Session{ID: "a"}), join(t, h, &Session{ID: "b"})
	for _, c := range []*client{a, b} {
		c.send(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{"roots":{"listChanged":true}},"clientInfo":{"name":"test","version":"1"}}}`)
		c.next("initialize answer", isID("0"))
		c.send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	}
	// The server asks once, with nobody's request running: no roots.
	s.send(`{"jsonrpc":"2.0","id":"r0","method":"roots/list"}`)
	if r := s.next("the answer", isID("r0")); r.str("result", "roots") != "[]" {
		t.Fatalf("roots/list with no request running was answered %v; want no roots", r)
	}
	for i, c := range []*client{a, b, a} {
		c.send(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"roots","arguments":{}}}`, 10+i)
		s.next("the roots change", isMethod("notifications/roots/list_changed"))
		s.send(`{"jsonrpc":"2.0","id":"r%d","method":"roots/list"}`, i+1)
		req := c.next("the server's roots/list", isMethod("roots/list"))
		c.send(`{"jsonrpc":"2.0","id":%q,"result":{"roots":[{"uri":"file:///%d"}]}}`, req.str("id"), i)
		if r := s.next("the roots", isID("r"+string(rune('1'+i)))); r.str("result", "roots", "0", "uri") != "file:///"+string(rune('0'+i)) {
			t.Fatalf("the server got %v", r)
		}
		p := s.next("the ping after the roots", isMethod("ping"))
		s.send(`{"jsonrpc":"2.0","id":%s,"result":{}}`, p.str("id"))
		call := s.next("the call", isMethod("tools/call"))
		s.send(`{"jsonrpc":"2.0","id":%s,"result":{"content":[]}}`, call.str("id"))
		c.next("the answer", isID(string(rune('0'+1))+string(rune('0'+i))))
	}
	// The same app again: the server has its roots already.
	a.send(`{"jsonrpc":"2.0","id":20,"method":"tools/call","params":{"name":"roots","arguments":{}}}`)
	call := s.next("the call, at once", isMethod("tools/call"))
	// Two apps' requests run: a roots/list cannot be attributed, and gets no roots.
	b.send(`{"jsonrpc":"2.0","id":21,"method":"tools/call","params":{"name":"roots","arguments":{}}}`)
	s.next("the roots change", isMethod("notifications/roots/list_changed"))
	s.send(`{"jsonrpc":"2.0","id":"r9","method":"roots/list"}`)
	if r := s.next("the answer", isID("r9")); r.str("result", "roots") != "[]" {
		t.Fatalf("roots/list with two apps' requests running was answered %v; want no roots", r)
	}
	for _, c := range []*client{a, b} {
		c.none("a roots/list", 100*time.Millisecond, isMethod("roots/list"))
	}
	s.send(`{"jsonrpc":"2.0","id":%s,"result":{"content":[]}}`, call.str("id"))
	a.next("a's answer", isID("20"))
}
