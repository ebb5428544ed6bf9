package gateway

import (
	"testing"
	"time"
)

// Modern apps on a legacy server in shared mode: their listen streams become
// resources/subscribe, once per resource whoever asks, and resources/unsubscribe when the last
// stream lets it go; updates and list changes carry each app's own stream id. Their
// per-request log levels become logging/setLevel at the lowest level any app asked for, and
// each app gets only the messages at its own level.
func TestHubModernListenAndLogLevelOnALegacyServer(t *testing.T) {
	h := newTestHub(nil)
	defer h.Close()
	s := newScript(t)
	s.serve(h)
	a, b := join(t, h, &Session{ID: "a"}), join(t, h, &Session{ID: "b"})
	for _, c := range []*client{a, b} {
		c.send(`{"jsonrpc":"2.0","id":0,"method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}`)
		c.next("discover", isID("0"))
	}
	isSub := func(method, uri string) func(msg) bool {
		return func(m msg) bool { return m.str("method") == method && m.str("params", "uri") == uri }
	}
	a.send(`{"jsonrpc":"2.0","id":"la","method":"subscriptions/listen","params":{"notifications":{"toolsListChanged":true,"resourceSubscriptions":["file:///x"]}}}`)
	sx := s.next("the subscription to x", isSub("resources/subscribe", "file:///x"))
	s.send(`{"jsonrpc":"2.0","id":%s,"result":{}}`, sx.str("id"))
	b.send(`{"jsonrpc":"2.0","id":"lb","method":"subscriptions/listen","params":{"notifications":{"resourceSubscriptions":["file:///x","file:///y"]}}}`)
	sy := s.next("the subscription to y", isSub("resources/subscribe", "file:///y"))
	s.send(`{"jsonrpc":"2.0","id":%s,"result":{}}`, sy.str("id"))
	s.none("a second subscription to x", 100*time.Millisecond, isSub("resources/subscribe", "file:///x"))
	s.send(`{"jsonrpc":"2.0","method":"notifications/resources/updated","params":{"uri":"file:///x"}}`)
	for c, id := range map[*client]string{a: "la", b: "lb"} {
		if n := c.next("the update", isMethod("notifications/resources/updated")); n.str("params", "_meta", metaSubscription) != id {
			t.Errorf("the update reached an app as %v; want its stream id %s", n, id)
		}
	}
	s.send(`{"jsonrpc":"2.0","method":"notifications/tools/list_changed"}`)
	if n := a.next("the list change", isMethod("notifications/tools/list_changed")); n.str("params", "_meta", metaSubscription) != "la" {
		t.Errorf("the list change reached a as %v", n)
	}
	// a lets x go: b still wants it. b lets both go: the server is told.
	a.send(`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"la"}}`)
	s.none("an unsubscription while b listens", 100*time.Millisecond, isMethod("resources/unsubscribe"))
	b.send(`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"lb"}}`)
	s.next("x let go", isSub("resources/unsubscribe", "file:///x"))
	s.next("y let go", isSub("resources/unsubscribe", "file:///y"))

	// The log level: the lowest any app asked for, told before the request that changed it.
	level := func(c *client, id, lvl string) {
		c.send(`{"jsonrpc":"2.0","id":%q,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/logLevel":%q}}}`, id, lvl)
	}
	level(a, "l1", "warning")
	if m := s.next("the level or the request", func(m msg) bool { return m.str("method") != "" }); m.str("method") != "logging/setLevel" || m.str("params", "level") != "warning" {
		t.Fatalf("the server got %v first; want logging/setLevel warning", m)
	}
	level(b, "l2", "debug")
	if m := s.next("the lower level", isMethod("logging/setLevel")); m.str("params", "level") != "debug" {
		t.Errorf("the server was told %v; want debug", m)
	}
	level(a, "l3", "warning")
	s.none("a level that did not change", 100*time.Millisecond, isMethod("logging/setLevel"))
	s.send(`{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"hello"}}`)
	b.next("b's log message", isMethod("notifications/message"))
	a.none("a log message below a's level", 100*time.Millisecond, isMethod("notifications/message"))
}
