package gateway

import (
	"encoding/json"
	"testing"
)

// stamp puts MCP Tray's traceparent where the server reads it, replacing the app's, and
// keeps every other member as it was.
func TestStamp(t *testing.T) {
	const tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	for _, tc := range []struct{ in, want string }{
		{`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","arguments":{}}}`,
			`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"_meta":{"traceparent":"` + tp + `"},"name":"t","arguments":{}}}`},
		{`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","_meta":{"progressToken":3}}}`,
			`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","_meta":{"traceparent":"` + tp + `","progressToken":3}}}`},
		{`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","_meta":{ }}}`,
			`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","_meta":{"traceparent":"` + tp + `" }}}`},
		{`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","_meta":{"traceparent":"00-aa-bb-01","tracestate":"x=1"}}}`,
			`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","_meta":{"traceparent":"` + tp + `","tracestate":"x=1"}}}`},
	} {
		for _, nl := range []string{"", "\n"} {
			got := string(CallVerdict{Traceparent: tp}.stamp([]byte(tc.in + nl)))
			if got != tc.want+nl {
				t.Errorf("stamp(%s)\n got %s\nwant %s", tc.in, got, tc.want)
			}
			if !json.Valid([]byte(got)) {
				t.Errorf("stamp(%s) is not JSON: %s", tc.in, got)
			}
		}
	}
	in := []byte(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t"}}`)
	if got := (CallVerdict{}).stamp(in); &got[0] != &in[0] {
		t.Error("stamp without a traceparent copied the message")
	}
}

// tracedGate records the trace context it was given and sets its own.
type tracedGate struct {
	strictGate
	got chan string
}

func (g *tracedGate) CallTraced(s *Session, tool string, args json.RawMessage, traceparent string) CallVerdict {
	g.got <- traceparent
	return CallVerdict{Allow: true, Traceparent: "00-11111111111111111111111111111111-2222222222222222-01"}
}

// The relay hands the gate the app's traceparent and the server gets the gate's, in a
// session and from a shared server alike.
func TestTraceparentRelayed(t *testing.T) {
	for _, shared := range []bool{false, true} {
		t.Run(map[bool]string{false: "session", true: "shared"}[shared], func(t *testing.T) {
			g := &tracedGate{got: make(chan string, 1)}
			var r *relayed
			if shared {
				r = startShared(t, g, HubOptions{}, `[`+pinnedWrite+`]`)
			} else {
				r = startSession(t, g, Options{})
			}
			r.cli.send(`{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"write_note","arguments":{},"_meta":{"traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}}}`)
			c := r.srv.next("the tool call", isMethod("tools/call"))
			if got := <-g.got; got != "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" {
				t.Errorf("the gate got traceparent %q", got)
			}
			if got := c.str("params", "_meta", "traceparent"); got != "00-11111111111111111111111111111111-2222222222222222-01" {
				t.Errorf("the server got traceparent %q", got)
			}
		})
	}
}
