package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/mcptray/mcptray/config"
)

// TestLimitsOnAServersPage shows a server's limits and data-loss check in words, sets one
// through the dialog and removes it, as the person does, and checks config.json.
func TestLimitsOnAServersPage(t *testing.T) {
	h := newWindowHarness(t)
	tab := h.u.main.servers
	h.add("mail", &config.Server{Command: h.fake, Limits: []config.Limit{{Tool: "echo", Rate: "10/m"}}, DLP: &config.DLP{Action: config.DLPBlock}})
	h.running("mail")
	d := tab.detail
	tab.selectServer("mail")
	h.until("the limits show in words", func() bool {
		return d.name == "mail" && d.limits.box.Visible() && showsText(d.limits.list, "echo: at most 10 calls a minute") &&
			strings.HasPrefix(d.limits.dlp.Text, "Secrets in calls: blocks")
	})

	test.Tap(d.limits.set)
	e := d.limits.editor
	if e == nil || e.dlg == nil {
		t.Fatal("Set a limit… opened no dialog")
	}
	e.tool.SetText("echo")
	e.timeout.SetText("2")
	e.at.SetText("1")
	test.Tap(overlayButton(h.u.main.win, "Save"))
	h.until("config.json has the timeout and the cap", func() bool {
		l := h.config().Servers["mail"].Limits
		return len(l) == 1 && l[0] == config.Limit{Tool: "echo", Rate: "10/m", Timeout: "2s", Concurrent: 1}
	})
	h.until("the page shows the new limit", func() bool {
		return showsText(d.limits.list, "echo: at most 10 calls a minute, one call at a time, stopped after 2 s")
	})

	rm := findButton(d.limits.list, "Remove")
	if rm == nil {
		t.Fatal("the limit has no Remove button")
	}
	test.Tap(rm)
	h.until("config.json has no limit", func() bool { return len(h.config().Servers["mail"].Limits) == 0 })
	h.until("the page says so", func() bool { return showsText(d.limits.list, "No limits") })
}

// TestActivitySaysWhyAGuardrailStoppedACall makes calls the real gate refuses (a data-loss
// block, then a rate) and reads why in the Activity tab's details.
func TestActivitySaysWhyAGuardrailStoppedACall(t *testing.T) {
	h := newWindowHarness(t)
	h.add("mail", &config.Server{Command: h.fake, Limits: []config.Limit{{Tool: "echo", Rate: "1/m"}}, DLP: &config.DLP{Action: config.DLPBlock}})
	h.running("mail")
	tab := h.u.main.audit
	h.u.main.selectTab("Activity")
	s := h.connect("mail", "Claude Desktop")
	s.roundTrip(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`)
	s.roundTrip(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"}}}`)
	s.roundTrip(`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo","arguments":{"text":"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----"}}}`)
	s.roundTrip(`{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"echo","arguments":{"text":"again"}}}`)
	h.until("the three calls are in the log", func() bool {
		if len(tab.rows) < 3 {
			tab.fetch()
		}
		return len(tab.rows) == 3
	})
	shown := func(want string) {
		t.Helper()
		for i, r := range tab.rows {
			if r.Seq == 0 || guardrailStop(r, r.Time) == "" || !strings.HasPrefix(guardrailStop(r, r.Time), want[:8]) {
				continue
			}
			tab.showDetail(i)
			top := h.u.main.win.Canvas().Overlays().Top()
			if top == nil || !showsText(top, want) {
				t.Errorf("the details of call %d do not say %q: %q", r.Seq, want, texts(top))
			}
			tab.detail.Hide()
			return
		}
		t.Errorf("no call in the log reads %q: %+v", want, tab.rows)
	}
	shown("Blocked: it would have sent a private key.")
	shown("Held back: at most one call a minute; try again in ")
}
