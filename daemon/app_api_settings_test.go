package daemon

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/policy"
)

func TestSettingsApplyLive(t *testing.T) {
	h := startApp(t)
	var got api.SettingsResult
	callOK(t, h, api.SettingsGet, api.None{}, &got)
	if diff := cmp.Diff(api.SettingsResult{ApprovalTimeoutSeconds: 55}, got); diff != "" {
		t.Fatalf("defaults (-want +got):\n%s", diff)
	}
	entry := filepath.Join(h.dir, ".config", "autostart", "io.github.mcptray.desktop")
	if _, err := os.Stat(entry); !os.IsNotExist(err) {
		t.Fatalf("start at login is on before anyone asked: %v", err)
	}

	timeout, on, theme := 7, true, "dark"
	callOK(t, h, api.SettingsSet, api.SettingsParams{ApprovalTimeoutSeconds: &timeout, StartAtLogin: &on, Theme: &theme}, &got)
	if diff := cmp.Diff(api.SettingsResult{ApprovalTimeoutSeconds: 7, StartAtLogin: true, Theme: "dark"}, got); diff != "" {
		t.Fatalf("after set (-want +got):\n%s", diff)
	}
	s := h.config(t).Settings
	if s.ApprovalTimeoutSeconds != 7 || !s.StartAtLogin || s.Theme != "dark" {
		t.Fatalf("config.json settings: %+v", s)
	}
	b, err := os.ReadFile(entry)
	if err != nil || !strings.Contains(string(b), "Exec="+testBinary) {
		t.Fatalf("start-at-login entry: %v\n%s", err, b)
	}

	// The new timeout applies to the next held call, without a restart.
	snap, events, cancel := h.d.guard.broker.Subscribe()
	defer cancel()
	if len(snap) != 0 {
		t.Fatalf("pending approvals at start: %v", snap)
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go h.d.guard.broker.Ask(ctx, policy.Request{Call: policy.Call{Server: "s", Tool: "t"}})
	select {
	case ev := <-events:
		if held := ev.Approval.Deadline.Sub(ev.Approval.Created); held != 7*time.Second {
			t.Fatalf("a call is held for %v after the timeout was set to 7 s", held)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the held call was never announced")
	}

	off, empty := false, ""
	callOK(t, h, api.SettingsSet, api.SettingsParams{StartAtLogin: &off, Theme: &empty}, &got)
	if diff := cmp.Diff(api.SettingsResult{ApprovalTimeoutSeconds: 7}, got); diff != "" {
		t.Fatalf("after turning off (-want +got):\n%s", diff)
	}
	if _, err := os.Stat(entry); !os.IsNotExist(err) {
		t.Fatalf("start at login is still on: %v", err)
	}

	bad, odd := 2, "purple"
	for _, tc := range []struct {
		p    api.SettingsParams
		want string
	}{
		{api.SettingsParams{ApprovalTimeoutSeconds: &bad}, "between 5 seconds and 1 hour"},
		{api.SettingsParams{Theme: &odd}, "light, dark or the system's theme"},
	} {
		if msg := callFails(t, h, api.SettingsSet, tc.p); !strings.Contains(msg, tc.want) {
			t.Errorf("settings.set: %q, want it to say %q", msg, tc.want)
		}
	}
	if s := h.config(t).Settings; s.ApprovalTimeoutSeconds != 7 {
		t.Errorf("a refused change was saved: %+v", s)
	}
}

func TestAuditRecentNewestFirst(t *testing.T) {
	h := startApp(t)
	for i, tool := range []string{"one", "two", "three"} {
		h.d.guard.writer.Write(policy.AuditEntry{Time: time.Unix(int64(1000+i), 0),
			Call:     policy.Call{Client: "Claude Desktop", Server: "s", Tool: tool},
			Decision: policy.Decision{Outcome: policy.Allowed, DecidedBy: policy.ByRule}, Outcome: policy.CallOK})
	}
	var res api.AuditResult
	deadline := time.Now().Add(10 * time.Second)
	for {
		callOK(t, h, api.AuditRecent, api.AuditParams{Limit: 2}, &res)
		if len(res.Entries) == 2 && res.Entries[0].Tool == "three" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("audit.recent = %+v; want the two newest, newest first", res.Entries)
		}
		time.Sleep(20 * time.Millisecond)
	}
	var tools []string
	for _, e := range res.Entries {
		tools = append(tools, e.Tool)
	}
	if diff := cmp.Diff([]string{"three", "two"}, tools); diff != "" {
		t.Errorf("audit.recent limit 2 (-want +got):\n%s", diff)
	}
	callOK(t, h, api.AuditRecent, api.AuditParams{Server: "other"}, &res)
	if len(res.Entries) != 0 {
		t.Errorf("filtering by server kept %+v", res.Entries)
	}
}
