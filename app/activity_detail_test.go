package app

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/policy"
)

// The Activity tab follows new calls while it is on screen (nobody presses Refresh), says
// "was denied" for a denied call, and a row opens the call's details: the arguments as the
// prompt showed them, the decision, who decided and the timings.
func TestActivityIsLiveAndShowsDetails(t *testing.T) {
	h := newWindowHarness(t)
	h.u.notices.open = nil // the held call below goes to Fyne's (silenced) notifications, not this desktop's
	h.add("alpha", &config.Server{Command: h.fake, Policy: &config.Policy{Tools: map[string]config.Rule{
		"get_env": config.RuleDeny, "echo": config.RuleAsk}}})
	h.running("alpha")
	tab := h.u.main.audit
	h.u.showMain()
	h.u.main.selectTab("Activity")
	h.until("the empty log says so", func() bool { return strings.Contains(tab.note.Text, "No tool calls yet") })

	s := h.connect("alpha", "Claude Desktop")
	s.roundTrip(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`)
	s.roundTrip(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_env","arguments":{"name":"HOME"}}}`)
	h.until("the denied call shows without a refresh", func() bool { return len(tab.rows) == 1 })
	if got := auditWhat(tab.rows[0]); got != "Claude Desktop was denied get_env of alpha" {
		t.Errorf("the denied call's row says %q", got)
	}

	// A call the person is asked about, allowed from the prompt's code path.
	s.send(`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi there","opts":{"loud":true}}}}`)
	h.until("the call is held", func() bool { return len(h.u.approvals.waiting()) == 1 })
	h.u.approvals.answer(h.u.approvals.waiting()[0].ID, "once")
	s.conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	for {
		b, err := s.r.ReadBytes('\n')
		if err != nil {
			t.Fatalf("reading the echo answer: %v", err)
		}
		var resp struct{ ID json.RawMessage }
		if json.Unmarshal(b, &resp) == nil && string(resp.ID) == "3" {
			break
		}
	}
	h.until("the allowed call shows without a refresh", func() bool { return len(tab.rows) == 2 })
	if r := tab.rows[0]; r.Tool != "echo" || r.Decision != policy.Allowed || auditWhat(r) != "Claude Desktop used echo of alpha" {
		t.Fatalf("the newest row is %+v (%q)", r, auditWhat(r))
	}

	tab.list.Select(0)
	got := texts(h.u.main.win.Canvas().Overlays().Top())
	for _, want := range []string{"What it was given", "text", "hi there", "opts › loud", "yes", "Who decided", "You (allow once)", "The tool took"} {
		if !slices.Contains(got, want) {
			t.Errorf("the asked call's details do not show %q: %q", want, got)
		}
	}
	tab.detail.Hide()

	tab.list.Select(1)
	got = texts(h.u.main.win.Canvas().Overlays().Top())
	for _, want := range []string{"Your rules (a rule, a default, or an earlier “always” or “this session”)", argumentsNotKept} {
		if !slices.Contains(got, want) {
			t.Errorf("the denied call's details do not show %q: %q", want, got)
		}
	}
	tab.detail.Hide()

	// Off screen, the tab stops reading the log.
	h.u.mainVisible = false
	h.until("the tab stops following", func() bool { return !tab.following })
}

// A record is matched to the asked call of the same app, session, server and tool held
// closest to it, and only within askedMatch.
func TestAskedCallsFind(t *testing.T) {
	at := time.Date(2026, 12, 5, 1, 0, 0, 0, time.UTC)
	call := func(id string, d time.Duration) policy.Approval {
		return policy.Approval{ID: id, Client: "c", Session: "s", Server: "srv", Tool: "t", Created: at.Add(d)}
	}
	var c askedCalls
	c.remember(call("far", -time.Minute))
	c.remember(call("near", 2*time.Second))
	c.remember(call("nearest", -time.Second))
	c.remember(call("nearest", -time.Second))
	if len(c.items) != 3 {
		t.Fatalf("remembered %d calls, want 3 (an id once)", len(c.items))
	}
	r := policy.AuditRecord{Client: "c", Session: "s", Server: "srv", Tool: "t", Time: at}
	if a, ok := c.find(r); !ok || a.ID != "nearest" {
		t.Errorf("found %q %v, want nearest", a.ID, ok)
	}
	r.Tool = "other"
	if _, ok := c.find(r); ok {
		t.Error("a record of another tool matched")
	}
	r.Tool, r.Time = "t", at.Add(time.Hour)
	if _, ok := c.find(r); ok {
		t.Error("a record an hour later matched")
	}
}
