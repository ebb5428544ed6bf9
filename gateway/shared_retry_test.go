package gateway

import "testing"

// Modern apps on a modern server in shared mode retry by themselves: an app's retry of an
// approved call with the request state the server gave that call is not asked again, and the
// call is recorded once, with its final outcome. Another app's retry with that state, a state
// used once already, and a call left unretried when its app goes are decided or recorded as
// what they are.
func TestHubModernRetryIsNotAskedAgain(t *testing.T) {
	g := &approveGate{auditGate{finished: make(chan struct{}, 10)}}
	h := newTestHub(g)
	defer h.Close()
	s := serveModernOnly(t, h)
	a, b := join(t, h, &Session{ID: "a"}), join(t, h, &Session{ID: "b"})
	for _, c := range []*client{a, b} {
		c.send(`{"jsonrpc":"2.0","id":0,"method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{"elicitation":{}}}}}`)
		c.next("discover", isID("0"))
	}
	a.send(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"greet","arguments":{"a":1}}}`)
	c := s.next("a's call", isMethod("tools/call"))
	s.send(`{"jsonrpc":"2.0","id":%s,"result":{"resultType":"input_required","requestState":"s1","inputRequests":{"n":{"method":"elicitation/create","params":{}}}}}`, c.str("id"))
	if r := a.next("input_required", isID("1")); r.str("result", "requestState") != "s1" {
		t.Fatalf("a got %v; want the server's input_required answer as it is", r)
	}
	// b retries with a's state: a new call of b's, decided as one.
	b.send(`{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"greet","arguments":{"a":1},"requestState":"s1"}}`)
	bc := s.next("b's call", isMethod("tools/call"))
	s.send(`{"jsonrpc":"2.0","id":%s,"result":{"content":[]}}`, bc.str("id"))
	b.next("b's answer", isID("7"))
	if calls, _ := g.seen(t, 1); len(calls) != 2 {
		t.Fatalf("b's retry with a's request state was not decided: the gate saw %v", calls)
	}
	// a's retry goes through once, undecided, and finishes a's call.
	a.send(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"greet","arguments":{"a":1},"requestState":"s1","inputResponses":{"n":{"action":"accept"}}}}`)
	retry := s.next("the retry", isMethod("tools/call"))
	if retry.str("params", "requestState") != "s1" {
		t.Fatalf("the retry reached the server as %v", retry)
	}
	s.send(`{"jsonrpc":"2.0","id":%s,"result":{"content":[],"isError":true}}`, retry.str("id"))
	a.next("the retry's answer", isID("2"))
	if calls, outcomes := g.seen(t, 1); len(calls) != 2 || len(outcomes) != 2 || outcomes[1] != CallToolError {
		t.Errorf("the gate decided %v with outcomes %v; want a's call decided once, recorded with the retry's outcome", calls, outcomes)
	}
	// The state was used: the same retry again is a new call.
	a.send(`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"greet","arguments":{"a":1},"requestState":"s1"}}`)
	c3 := s.next("the new call", isMethod("tools/call"))
	if calls, _ := g.seen(t, 0); len(calls) != 3 {
		t.Errorf("a reused request state was not decided again: %v", calls)
	}
	// A call a never retries is recorded as not run when a goes.
	s.send(`{"jsonrpc":"2.0","id":%s,"result":{"resultType":"input_required","requestState":"s3","inputRequests":{}}}`, c3.str("id"))
	a.next("input_required", isID("3"))
	a.leave()
	if _, outcomes := g.seen(t, 1); len(outcomes) != 3 || outcomes[2] != CallNotRun {
		t.Errorf("outcomes %v; want the unretried call recorded as not run", outcomes)
	}
}
