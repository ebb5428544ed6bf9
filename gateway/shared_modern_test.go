package gateway

import (
	"testing"
	"time"
)

// A modern app on a legacy server: the server's request reaches the app inside an
// input_required answer, the app's retry completes the original call without passing the
// gate again, and a request state the hub never gave that app is refused, never forwarded.
func TestHubBridgesALegacyServersRequestsForAModernApp(t *testing.T) {
	g := &strictGate{ask: "danger"}
	h := newTestHub(g)
	defer h.Close()
	s := newScript(t)
	s.serve(h)
	a, b := join(t, h, &Session{ID: "a"}), join(t, h, &Session{ID: "b"})
	for _, c := range []*client{a, b} {
		c.send(`{"jsonrpc":"2.0","id":0,"method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{"elicitation":{}}}}}`)
		if r := c.next("discover", isID("0")); r.str("result", "supportedVersions", "0") != "2026-07-28" || r.str("result", "_meta", "io.modelcontextprotocol/serverInfo", "name") != "script" {
			t.Fatalf("server/discover for a legacy server was answered %v", r)
		}
	}
	a.send(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"ask","arguments":{}}}`)
	call := s.next("a's call", isMethod("tools/call"))
	s.send(`{"jsonrpc":"2.0","id":"e1","method":"elicitation/create","params":{"message":"name?","requestedSchema":{}}}`)
	r := a.next("the input_required answer", isID("1"))
	if r.str("result", "resultType") != "input_required" || r.str("result", "inputRequests", "mcptray", "method") != "elicitation/create" {
		t.Fatalf("a got %v", r)
	}
	state := r.str("result", "requestState")
	// b cannot use a's state, nor can anyone make one up: refused, not forwarded.
	b.send(`{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"danger","arguments":{},"requestState":%q,"inputResponses":{"mcptray":{"action":"accept"}}}}`, state)
	if r := b.next("the refusal", isID("5")); r.str("error", "code") == "" {
		t.Errorf("b's retry with a's request state was answered %v; want an error", r)
	}
	a.send(`{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"danger","arguments":{},"requestState":"mcptray-state-999999"}}`)
	if r := a.next("the refusal", isID("6")); r.str("error", "code") == "" {
		t.Errorf("a retry with a made-up request state was answered %v; want an error", r)
	}
	s.none("a forged retry", 100*time.Millisecond, func(m msg) bool { return m.str("params", "name") == "danger" })
	// a's retry answers the server's request and takes over the call.
	a.send(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"ask","arguments":{},"requestState":%q,"inputResponses":{"mcptray":{"action":"accept","content":{"name":"Ada"}}}}}`, state)
	if r := s.next("the elicitation answer", isID("e1")); r.str("result", "content", "name") != "Ada" {
		t.Fatalf("the server got %v", r)
	}
	s.none("the retry", 100*time.Millisecond, isMethod("tools/call"))
	s.send(`{"jsonrpc":"2.0","id":%s,"result":{"content":[{"type":"text","text":"Hello Ada"}]}}`, call.str("id"))
	if r := a.next("the final answer", isID("2")); r.str("result", "content", "0", "text") != "Hello Ada" {
		t.Errorf("the retry was answered %v", r)
	}
	if _, refused, held := g.snapshot(); len(refused) != 0 || len(held) != 0 {
		t.Errorf("the gate was asked about the retries: refused %q, held %d", refused, len(held))
	}
}
