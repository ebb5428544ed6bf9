package gateway

import (
	"context"
	"testing"
	"time"
)

// A server that announces a tool list change once initialized (server-everything does, as it
// registers the tools its client's capabilities allow) is heard by every client after its own
// initialized, as it would be directly, and once only.
func TestHubPassesOnListChangesAnnouncedDuringItsHandshake(t *testing.T) {
	h := newTestHub(nil)
	defer h.Close()
	s := newScript(t)
	go h.Serve(context.Background(), s.up)
	d := s.next("server/discover", isMethod("server/discover"))
	s.send(`{"jsonrpc":"2.0","id":%s,"error":{"code":-32601,"message":"Method not found"}}`, d.str("id"))
	i := s.next("initialize", isMethod("initialize"))
	s.send(`{"jsonrpc":"2.0","id":%s,"result":{"protocolVersion":"2025-11-25","capabilities":{"tools":{"listChanged":true}},"serverInfo":{"name":"script","version":"1"}}}`, i.str("id"))
	s.next("initialized", isMethod("notifications/initialized"))
	s.send(`{"jsonrpc":"2.0","method":"notifications/tools/list_changed"}`)
	l := s.next("tools/list", isMethod("tools/list"))
	s.send(`{"jsonrpc":"2.0","id":%s,"result":{"tools":[]}}`, l.str("id"))
	c := join(t, h, &Session{ID: "c"})
	c.initialize("2025-11-25")
	c.next("the server's list change", isMethod("notifications/tools/list_changed"))
	c.send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	c.none("a second list change", 100*time.Millisecond, isMethod("notifications/tools/list_changed"))
}
