package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/supervisor"
)

// writeByAnotherProgram replaces config.json the way a program that is not MCP Tray does:
// straight to the file, without the config hook.
func writeByAnotherProgram(t *testing.T, h config.Home, edit func(c *config.Config)) {
	t.Helper()
	c, err := h.Load()
	if err != nil {
		t.Fatal(err)
	}
	edit(c)
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(h.ConfigFile(), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func (h *harness) pending(t *testing.T) api.PendingResult {
	t.Helper()
	res, err := api.Call(context.Background(), h.client, api.ConfigPending, api.None{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// waitPending polls config.pending until ok holds.
func (h *harness) waitPending(t *testing.T, what string, ok func(api.PendingResult) bool) api.PendingResult {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		res := h.pending(t)
		if ok(res) {
			return res
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; last %+v", what, res)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestAnotherProgramsServerWaitsForConfirmation(t *testing.T) {
	h := start(t)
	h.add(t, "mine", &config.Server{Command: fake})
	h.waitFor(t, "mine running", func(st api.StatusResult) bool { s, _ := find(st, "mine"); return s.State == supervisor.Running })
	if res := h.pending(t); res.Pending {
		t.Fatalf("MCP Tray's own write waits: %+v", res)
	}

	writeByAnotherProgram(t, h.home, func(c *config.Config) {
		c.Servers["evil"] = &config.Server{Command: fake, Args: []string{"-hello", "evil"}}
		c.Servers["mine"].EnsurePolicy().Trust = true
	})
	res := h.waitPending(t, "the new server waits", func(r api.PendingResult) bool { return r.Pending })
	if len(res.Changes) != 2 || !strings.Contains(res.Changes[0], `A new server "evil" would run`) || !strings.Contains(res.Changes[1], `Every tool of the server "mine"`) || len(res.Fingerprint) != 12 {
		t.Fatalf("pending = %+v", res)
	}
	if st := h.waitFor(t, "status", func(api.StatusResult) bool { return true }); func() bool { _, ok := find(st, "evil"); return ok }() {
		t.Fatal("the server another program added is configured before the person confirmed it")
	}

	// MCP Tray's own change meanwhile is accepted, the other program's keeps waiting.
	h.add(t, "mine2", &config.Server{Command: fake})
	h.waitFor(t, "mine2 running", func(st api.StatusResult) bool { s, _ := find(st, "mine2"); return s.State == supervisor.Running })
	res = h.waitPending(t, "still waiting", func(r api.PendingResult) bool { return r.Pending && len(r.Changes) == 2 })

	if _, err := api.Call(context.Background(), h.client, api.ConfigConfirm, api.ConfirmParams{Fingerprint: "000000000000"}); !errors.Is(err, api.ErrFailed) || !strings.Contains(err.Error(), "changed again") {
		t.Fatalf("confirming another fingerprint: %v", err)
	}
	if _, err := api.Call(context.Background(), h.client, api.ConfigConfirm, api.ConfirmParams{Fingerprint: res.Fingerprint}); err != nil {
		t.Fatal(err)
	}
	h.waitFor(t, "evil runs once confirmed", func(st api.StatusResult) bool { s, _ := find(st, "evil"); return s.State == supervisor.Running })
	if res := h.pending(t); res.Pending {
		t.Fatalf("still pending after confirming: %+v", res)
	}
}

func TestDiscardPutsConfigBack(t *testing.T) {
	h := start(t)
	h.add(t, "mine", &config.Server{Command: fake, Policy: &config.Policy{Tools: map[string]config.Rule{"write": config.RuleAsk}}})
	writeByAnotherProgram(t, h.home, func(c *config.Config) {
		c.Servers["mine"].Policy.Tools["write"] = config.RuleAllow
		c.Servers["mine"].Policy.Tools["read"] = config.RuleDeny // tightening: stays
	})
	h.waitPending(t, "the allow rule waits", func(r api.PendingResult) bool { return r.Pending })
	if _, err := api.Call(context.Background(), h.client, api.ConfigDiscard, api.None{}); err != nil {
		t.Fatal(err)
	}
	c, err := h.home.Load()
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Servers["mine"].Policy.Tools; got["write"] != config.RuleAsk || got["read"] != config.RuleDeny {
		t.Errorf("after discard the rules are %v; want write ask (as accepted), read deny (the tightening)", got)
	}
	h.waitPending(t, "nothing waits", func(r api.PendingResult) bool { return !r.Pending })
}

// TestExpectAcceptsOnlyTheWritersChange: config.expect (the command line's own write)
// accepts what it changes, not what another program left in the file.
func TestExpectAcceptsOnlyTheWritersChange(t *testing.T) {
	h := start(t)
	h.add(t, "mine", &config.Server{Command: fake})
	writeByAnotherProgram(t, h.home, func(c *config.Config) { c.Servers["evil"] = &config.Server{Command: fake} })
	h.waitPending(t, "evil waits", func(r api.PendingResult) bool { return r.Pending })
	before, err := h.home.Load()
	if err != nil {
		t.Fatal(err)
	}
	after := before.Clone()
	after.Servers["cli"] = &config.Server{Command: fake}
	if _, err := api.Call(context.Background(), h.client, api.ConfigExpect, api.ExpectParams{Before: before, After: after}); err != nil {
		t.Fatal(err)
	}
	writeByAnotherProgram(t, h.home, func(c *config.Config) { c.Servers["cli"] = &config.Server{Command: fake} })
	h.waitFor(t, "the command line's server runs", func(st api.StatusResult) bool { s, _ := find(st, "cli"); return s.State == supervisor.Running })
	res := h.pending(t)
	if !res.Pending || len(res.Changes) != 1 || !strings.Contains(res.Changes[0], `"evil"`) {
		t.Errorf("pending = %+v; want only evil", res)
	}
}
