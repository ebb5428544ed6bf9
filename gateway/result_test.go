package gateway

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
)

// resultGate allows every call and replaces "hunter2" in its answer.
type resultGate struct{ strictGate }

func (g *resultGate) Call(s *Session, tool string, _ json.RawMessage) CallVerdict {
	return CallVerdict{Allow: true, Result: func(resp []byte) []byte {
		if !bytes.Contains(resp, []byte("hunter2")) {
			return resp
		}
		return bytes.ReplaceAll(resp, []byte("hunter2"), []byte("[redacted]"))
	}}
}

// The client gets the answer as the gate's Result made it, however fast the server answers,
// in a session and from a shared server alike.
func TestCallResultPassesTheGate(t *testing.T) {
	for _, shared := range []bool{false, true} {
		t.Run(map[bool]string{false: "session", true: "shared"}[shared], func(t *testing.T) {
			g := &resultGate{}
			var r *relayed
			if shared {
				r = startShared(t, g, HubOptions{}, `[`+pinnedWrite+`]`)
			} else {
				r = startSession(t, g, Options{})
			}
			for i := range 20 {
				r.cli.send(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"write_note","arguments":{}}}`, 100+i)
				c := r.srv.next("the tool call", isMethod("tools/call"))
				r.srv.send(`{"jsonrpc":"2.0","id":%s,"result":{"content":[{"type":"text","text":"pw hunter2"}]}}`, c.str("id"))
				got := r.cli.next("the answer", isID(fmt.Sprint(100+i)))
				if text := got.str("result", "content", "0", "text"); text != "pw [redacted]" {
					t.Fatalf("call %d: the client got %q", i, text)
				}
			}
		})
	}
}
