package app

import (
	"strings"
	"testing"

	"github.com/mcptray/mcptray/config"
)

func TestActivityTabShowsRecentCalls(t *testing.T) {
	h := newWindowHarness(t)
	h.add("alpha", &config.Server{Command: h.fake, Policy: &config.Policy{Tools: map[string]config.Rule{"get_env": config.RuleDeny}}})
	h.running("alpha")
	tab := h.u.main.audit
	h.u.main.selectTab("Activity")
	h.until("the empty log says so", func() bool { return strings.Contains(tab.note.Text, "No tool calls yet") })

	s := h.connect("alpha", "Claude Desktop")
	s.roundTrip(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`)
	s.roundTrip(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"}}}`)
	h.until("the call is in the log", func() bool {
		if len(tab.rows) == 0 {
			tab.fetch() // the audit log is written just after the answer
		}
		return len(tab.rows) > 0
	})
	r := tab.rows[0]
	if got := auditWhat(r); got != "Claude Desktop used echo of alpha" {
		t.Errorf("the row says %q", got)
	}
	if got := auditDecision(r); got != "Allowed by your rules · it worked" {
		t.Errorf("the decision says %q", got)
	}
	tab.server.SetSelected("alpha")
	h.until("the filtered list has the call", func() bool { return len(tab.rows) == 1 && tab.note.Text == "" })
}
