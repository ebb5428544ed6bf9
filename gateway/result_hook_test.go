package gateway

import (
	"strings"
	"testing"
	"time"
)

// The Result hook gets each answer to a tools/call, after the client got it, and no other
// answer; in a session and from a shared server alike.
func TestResultHookSeesToolCallAnswersOnly(t *testing.T) {
	for _, shared := range []bool{false, true} {
		name := map[bool]string{false: "session", true: "shared"}[shared]
		t.Run(name, func(t *testing.T) {
			got := make(chan string, 10)
			hooks := Hooks{Result: func(_ *Session, response []byte) { got <- string(response) }}
			var r *relayed
			if shared {
				r = startShared(t, &strictGate{}, HubOptions{Hooks: hooks}, `[`+pinnedWrite+`]`)
			} else {
				r = startSession(t, &strictGate{}, Options{Hooks: hooks})
			}
			r.cli.send(`{"jsonrpc":"2.0","id":5,"method":"prompts/list"}`)
			p := r.srv.next("prompts/list", isMethod("prompts/list"))
			r.srv.send(`{"jsonrpc":"2.0","id":%s,"result":{"prompts":[]}}`, p.str("id"))
			r.cli.next("the answer to prompts/list", isID("5"))
			r.cli.send(`{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"write_note","arguments":{}}}`)
			c := r.srv.next("the tool call", isMethod("tools/call"))
			r.srv.send(`{"jsonrpc":"2.0","id":%s,"result":{"isError":true,"content":[{"type":"text","text":"EACCES: permission denied, open '/x'"}]}}`, c.str("id"))
			r.cli.next("the answer to the call", isID("6"))
			select {
			case s := <-got:
				if !strings.Contains(s, "EACCES: permission denied") {
					t.Errorf("the hook got %s", s)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the hook never got the tool call's answer")
			}
			select {
			case s := <-got:
				t.Errorf("the hook got another answer: %s", s)
			default:
			}
		})
	}
}
