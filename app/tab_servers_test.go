package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/supervisor"
)

func TestServersTabFollowsEventsAndCallsTheDaemon(t *testing.T) {
	h := newWindowHarness(t)
	tab := h.u.main.servers
	if !tab.empty.Visible() {
		t.Fatal("no servers, but the empty-state message is hidden")
	}
	h.add("alpha", &config.Server{Command: h.fake})
	h.add("beta", &config.Server{Command: h.fake})
	h.running("alpha")
	h.running("beta")
	h.until("the list shows both", func() bool { return len(tab.rows) == 2 && !tab.empty.Visible() })
	d := tab.detail
	tab.selectServer("alpha")
	h.until("alpha is selected and its details are in", func() bool {
		return d.name == "alpha" && d.state.Text == "Running" && strings.Contains(d.info.Text, "MB of memory")
	})
	if d.mode.Selected != modeSessionLabel || !d.on.Checked {
		t.Errorf("alpha's switches: mode %q, on %v", d.mode.Selected, d.on.Checked)
	}

	test.Tap(d.stop)
	h.until("alpha stopped", func() bool { return h.u.m.servers["alpha"].State == supervisor.Stopped })
	h.until("the details say so", func() bool { return d.state.Text == "Stopped" })
	if d.start.Disabled() {
		t.Fatal("Start is disabled for a stopped server")
	}
	test.Tap(d.start)
	h.running("alpha")

	test.Tap(d.on) // off
	h.until("alpha is off", func() bool { return h.u.m.servers["alpha"].State == supervisor.Disabled })
	if !h.config().Servers["alpha"].Disabled {
		t.Fatal("turning alpha off did not reach config.json")
	}
	test.Tap(d.on) // on again
	h.running("alpha")

	d.mode.SetSelected(modeSharedLabel)
	h.until("alpha is shared", func() bool { return h.config().Servers["alpha"].Mode == config.ModeShared })

	// Tools show once an AI app has listed them; changing a rule reaches config.json.
	h.running("alpha")
	s := h.connect("alpha", "Claude Desktop")
	s.roundTrip(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`)
	tab.fetch()
	h.until("alpha's tools are listed", func() bool { return showsText(d.tools, "echo") })
	rule := toolRuleSelect(d, "echo")
	if rule == nil || rule.Selected != ruleAllowLabel {
		t.Fatalf("echo (read-only) rule select: %+v", rule)
	}
	rule.SetSelected(ruleDenyLabel)
	h.until("echo is denied in config.json", func() bool {
		p := h.config().Servers["alpha"].Policy
		return p != nil && p.Tools["echo"] == config.RuleDeny
	})

	// The list follows removals too.
	if err := h.home.Update(func(c *config.Config) error { delete(c.Servers, "beta"); return nil }); err != nil {
		t.Fatal(err)
	}
	h.until("beta leaves the list", func() bool { return len(tab.rows) == 1 && tab.rows[0].Name == "alpha" })
}

func TestPauseBannerAndResume(t *testing.T) {
	h := newWindowHarness(t)
	h.add("alpha", &config.Server{Command: h.fake})
	h.running("alpha")
	w := h.u.main
	if w.paused.Visible() {
		t.Fatal("the paused banner shows before anything was paused")
	}
	callDone(h.u, api.Pause, api.PauseParams{Paused: true}, nil) // what the tray's "Pause all" sends
	h.until("the banner shows", func() bool { return w.paused.Visible() })
	h.until("alpha stopped", func() bool { return h.u.m.servers["alpha"].State == supervisor.Stopped })
	var resume = findButton(w.paused, "Resume")
	if resume == nil {
		t.Fatal("no Resume button in the banner")
	}
	test.Tap(resume)
	h.until("the banner goes", func() bool { return !w.paused.Visible() })
	h.running("alpha")
}
