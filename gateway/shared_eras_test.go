package gateway

import (
	"context"
	"testing"
	"time"
)

// serveModernOnly serves a scripted server that refuses initialize and answers
// server/discover, as a 2026-07-28-only server does.
func serveModernOnly(t *testing.T, h *Hub) *script {
	t.Helper()
	s := newScript(t)
	go h.Serve(context.Background(), s.up)
	d := s.next("server/discover", isMethod("server/discover"))
	s.send(`{"jsonrpc":"2.0","id":%s,"result":{"_meta":{"io.modelcontextprotocol/serverInfo":{"name":"modern","version":"2"}},"supportedVersions":["2026-07-28"],"capabilities":{"tools":{}},"instructions":"be kind"}}`, d.str("id"))
	i := s.next("initialize", isMethod("initialize"))
	s.send(`{"jsonrpc":"2.0","id":%s,"error":{"code":-32022,"message":"use server/discover"}}`, i.str("id"))
	l := s.next("tools/list", isMethod("tools/list"))
	if l.str("params", "_meta", "io.modelcontextprotocol/protocolVersion") != "2026-07-28" {
		t.Errorf("the hub's own tools/list lacks the modern _meta: %v", l)
	}
	s.send(`{"jsonrpc":"2.0","id":%s,"result":{"tools":[{"name":"greet","inputSchema":{"type":"object"}}],"resultType":"complete"}}`, l.str("id"))
	return s
}

// A legacy app on a modern-only server: its handshake is answered from server/discover,
// its requests carry its own capabilities, and the server's input requests reach it (and
// only it) as ordinary requests, after which the hub retries the original call once.
func TestHubBridgesAModernOnlyServerForALegacyApp(t *testing.T) {
	g := &strictGate{}
	h := newTestHub(g)
	defer h.Close()
	s := serveModernOnly(t, h)
	a, b := join(t, h, &Session{ID: "a"}), join(t, h, &Session{ID: "b"})
	r := a.initialize("2025-06-18") // declares sampling only
	if r.str("result", "protocolVersion") != "2025-06-18" || r.str("result", "serverInfo", "name") != "modern" || r.str("result", "instructions") != "be kind" {
		t.Fatalf("initialize was answered %v", r)
	}
	b.initialize("2025-11-25")
	a.send(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"greet","arguments":{},"_meta":{"progressToken":"p"}}}`)
	call := s.next("a's call", isMethod("tools/call"))
	if call.str("params", "_meta", "io.modelcontextprotocol/protocolVersion") != "2026-07-28" ||
		call.str("params", "_meta", "io.modelcontextprotocol/clientCapabilities", "sampling") != "{}" ||
		call.str("params", "_meta", "io.modelcontextprotocol/clientInfo", "name") != "test" ||
		call.str("params", "_meta", "progressToken") != "p" {
		t.Fatalf("the call reached the server as %v", call)
	}
	s.send(`{"jsonrpc":"2.0","id":%s,"result":{"resultType":"input_required","requestState":"s1","inputRequests":{"m":{"method":"sampling/createMessage","params":{"messages":[],"maxTokens":5}},"r":{"method":"roots/list"}}}}`, call.str("id"))
	req := a.next("the sampling request", isMethod("sampling/createMessage"))
	b.none("a's input request", 100*time.Millisecond, func(m msg) bool { return m.str("method") != "" && m.str("id") != "" })
	a.send(`{"jsonrpc":"2.0","id":%q,"result":{"model":"a","role":"assistant","content":{"type":"text","text":"hi"}}}`, req.str("id"))
	retry := s.next("the retry", isMethod("tools/call"))
	if retry.str("params", "requestState") != "s1" || retry.str("params", "inputResponses", "m", "model") != "a" ||
		retry.str("params", "inputResponses", "r", "roots") != "[]" || retry.str("id") == call.str("id") {
		t.Fatalf("the retry reached the server as %v", retry)
	}
	// A second round asks for what a did not declare: the call fails, saying so.
	s.send(`{"jsonrpc":"2.0","id":%s,"result":{"resultType":"input_required","requestState":"s2","inputRequests":{"e":{"method":"elicitation/create","params":{"message":"?","requestedSchema":{}}}}}}`, retry.str("id"))
	if r := a.next("the failure", isID("1")); r.str("error", "message") == "" {
		t.Fatalf("a call needing input a cannot give was answered %v", r)
	}
	// The gate saw one call, never the retry.
	if _, refused, held := g.snapshot(); len(refused) != 0 || len(held) != 0 {
		t.Errorf("the gate was involved in the retries: %q, %d", refused, len(held))
	}
	// A complete answer after a round reaches the app as it is.
	a.send(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"greet","arguments":{}}}`)
	c2 := s.next("a's second call", isMethod("tools/call"))
	s.send(`{"jsonrpc":"2.0","id":%s,"result":{"resultType":"input_required","requestState":"t","inputRequests":{"r":{"method":"roots/list"}}}}`, c2.str("id"))
	r2 := s.next("the retry with no roots", isMethod("tools/call"))
	s.send(`{"jsonrpc":"2.0","id":%s,"result":{"content":[{"type":"text","text":"done"}],"resultType":"complete"}}`, r2.str("id"))
	if r := a.next("the answer", isID("2")); r.str("result", "content", "0", "text") != "done" {
		t.Errorf("a got %v", r)
	}
}

// For legacy apps on a modern-only server, the hub listens for list changes and for the
// resources the apps subscribed to on one subscriptions/listen stream, and routes what comes.
func TestHubListensForLegacyAppsOnAModernOnlyServer(t *testing.T) {
	h := newTestHub(nil)
	defer h.Close()
	s := newScript(t)
	go h.Serve(context.Background(), s.up)
	d := s.next("server/discover", isMethod("server/discover"))
	s.send(`{"jsonrpc":"2.0","id":%s,"result":{"supportedVersions":["2026-07-28"],"capabilities":{"tools":{"listChanged":true},"resources":{"subscribe":true}}}}`, d.str("id"))
	i := s.next("initialize", isMethod("initialize"))
	s.send(`{"jsonrpc":"2.0","id":%s,"error":{"code":-32022,"message":"use server/discover"}}`, i.str("id"))
	l := s.next("tools/list", isMethod("tools/list"))
	s.send(`{"jsonrpc":"2.0","id":%s,"result":{"tools":[]}}`, l.str("id"))
	first := s.next("the listen stream", isMethod("subscriptions/listen"))
	if first.str("params", "notifications", "toolsListChanged") != "true" || first.str("params", "notifications", "resourceSubscriptions") != "" {
		t.Fatalf("the hub listened with %v", first)
	}
	a, b := join(t, h, &Session{ID: "a"}), join(t, h, &Session{ID: "b"})
	a.initialize("2025-11-25")
	b.initialize("2025-11-25")
	a.send(`{"jsonrpc":"2.0","id":1,"method":"resources/subscribe","params":{"uri":"file:///x"}}`)
	if r := a.next("subscribed", isID("1")); r.str("result") != "{}" {
		t.Fatalf("subscribe was answered %v", r)
	}
	if n := s.next("the old stream's end", isMethod("notifications/cancelled")); n.str("params", "requestId") != first.str("id") {
		t.Errorf("cancelled %v; want the first stream %s", n, first.str("id"))
	}
	second := s.next("the new stream", isMethod("subscriptions/listen"))
	if second.str("params", "notifications", "resourceSubscriptions") != `["file:///x"]` {
		t.Fatalf("the hub listened again with %v", second)
	}
	s.send(`{"jsonrpc":"2.0","method":"notifications/resources/updated","params":{"uri":"file:///x","_meta":{"io.modelcontextprotocol/subscriptionId":%s}}}`, second.str("id"))
	a.next("the update", isMethod("notifications/resources/updated"))
	b.none("another app's update", 100*time.Millisecond, isMethod("notifications/resources/updated"))
	s.send(`{"jsonrpc":"2.0","method":"notifications/tools/list_changed","params":{"_meta":{"io.modelcontextprotocol/subscriptionId":%s}}}`, second.str("id"))
	a.next("the list change", isMethod("notifications/tools/list_changed"))
	b.next("the list change", isMethod("notifications/tools/list_changed"))
	a.leave()
	<-a.done
	s.next("the second stream's end", isMethod("notifications/cancelled"))
	if third := s.next("the stream without a's resource", isMethod("subscriptions/listen")); third.str("params", "notifications", "resourceSubscriptions") != "" {
		t.Errorf("after a left the hub listened with %v", third)
	}
	s.none("resources/unsubscribe", 100*time.Millisecond, isMethod("resources/unsubscribe"))
}

// A legacy app's log level goes with each of its requests to a modern-only server, and the
// server's log messages reach only the app whose request runs alone.
func TestHubCarriesALegacyAppsLogLevelToAModernOnlyServer(t *testing.T) {
	h := newTestHub(nil)
	defer h.Close()
	s := serveModernOnly(t, h)
	a, b := join(t, h, &Session{ID: "a"}), join(t, h, &Session{ID: "b"})
	a.initialize("2025-11-25")
	b.initialize("2025-11-25")
	b.send(`{"jsonrpc":"2.0","id":1,"method":"logging/setLevel","params":{"level":"info"}}`)
	if r := b.next("setLevel's answer", isID("1")); r.str("result") != "{}" {
		t.Fatalf("setLevel was answered %v", r)
	}
	s.none("logging/setLevel", 100*time.Millisecond, isMethod("logging/setLevel"))
	b.send(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"greet","arguments":{}}}`)
	cb := s.next("b's call", isMethod("tools/call"))
	if cb.str("params", "_meta", "io.modelcontextprotocol/logLevel") != "info" {
		t.Fatalf("b's call reached the server as %v", cb)
	}
	s.send(`{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"for b"}}`)
	b.next("b's log", isMethod("notifications/message"))
	a.send(`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"greet","arguments":{}}}`)
	ca := s.next("a's call", isMethod("tools/call"))
	if ca.str("params", "_meta", "io.modelcontextprotocol/logLevel") != "" {
		t.Errorf("a's call carries a log level a never set: %v", ca)
	}
	s.send(`{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"error","data":"whose?"}}`)
	for _, c := range []*client{a, b} {
		c.none("a log message of two apps' requests", 100*time.Millisecond, isMethod("notifications/message"))
	}
	s.send(`{"jsonrpc":"2.0","id":%s,"result":{"content":[]}}`, ca.str("id"))
	s.send(`{"jsonrpc":"2.0","id":%s,"result":{"content":[]}}`, cb.str("id"))
	a.next("a's answer", isID("3"))
	b.next("b's answer", isID("2"))
}
