package app

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/gateway"
	"github.com/mcptray/mcptray/policy"
	"github.com/mcptray/mcptray/supervisor"
)

func TestRowDetail(t *testing.T) {
	now := time.Unix(100000, 0)
	cases := []struct {
		s    supervisor.Status
		want string
	}{
		{supervisor.Status{State: supervisor.Running, Since: now.Add(-5 * time.Minute)}, "up 5 min"},
		{supervisor.Status{State: supervisor.Running, Since: now.Add(-3 * time.Hour), Restarts: 1}, "up 3 h · restarted once after a crash"},
		{supervisor.Status{State: supervisor.Running, Since: now, Restarts: 4}, "up less than a minute · restarted 4 times after crashes"},
		{supervisor.Status{State: supervisor.Failed, Error: "npx was not found.", Restarts: 5}, "npx was not found."},
		{supervisor.Status{State: supervisor.Stopped}, ""},
	}
	for _, tc := range cases {
		if got := rowDetail(tc.s, now); got != tc.want {
			t.Errorf("rowDetail(%+v) = %q, want %q", tc.s, got, tc.want)
		}
	}
}

func TestMemoryLabel(t *testing.T) {
	for b, want := range map[int64]string{
		0: "", 1000: "uses less than 1 MB of memory", 45 << 20: "uses 45 MB of memory",
		(45 << 20) + (600 << 10): "uses 46 MB of memory", 12 << 30: "uses 12.0 GB of memory",
	} {
		if got := memoryLabel(b); got != want {
			t.Errorf("memoryLabel(%d) = %q, want %q", b, got, want)
		}
	}
}

func TestToolNoteAndRuleLabels(t *testing.T) {
	cases := []struct {
		t    policy.ToolStatus
		want string
	}{
		{policy.ToolStatus{ReadOnly: true}, "only reads"},
		{policy.ToolStatus{Destructive: true}, "can delete or overwrite things"},
		{policy.ToolStatus{}, "can change things"},
		{policy.ToolStatus{Blocked: true, Flags: []string{"hidden instructions"}}, "changed since you first saw it: blocked until you review it · its description looks suspicious · can change things"},
		{policy.ToolStatus{Removed: true, ReadOnly: true}, "no longer offered by the server · only reads"},
	}
	for _, tc := range cases {
		if got := toolNote(tc.t); got != tc.want {
			t.Errorf("toolNote(%+v) = %q, want %q", tc.t, got, tc.want)
		}
	}
	for _, r := range []policy.Rule{policy.RuleAllow, policy.RuleAsk, policy.RuleDeny} {
		if got := ruleFromLabel(ruleLabel(r)); string(got) != string(r) {
			t.Errorf("rule %q reads back as %q", r, got)
		}
	}
}

func TestFormatTraffic(t *testing.T) {
	rec := func(dir, kind, method, id string, size int, lat time.Duration) api.TrafficRecord {
		return api.TrafficRecord{Traffic: gateway.Traffic{Direction: dir, Kind: kind, Method: method, ID: id, Size: size, Latency: lat},
			Server: "files", Client: "Cursor"}
	}
	cases := []struct {
		r    api.TrafficRecord
		want string
	}{
		{rec("client→server", "request", "tools/call", "4", 312, 0), "Cursor → files: tools/call (request 4), 312 bytes"},
		{rec("server→client", "response", "", "4", 2048, 120*time.Millisecond), "files → Cursor: response to request 4, 2.0 KB, after 120 ms"},
		{rec("server→client", "notification", "notifications/tools/list_changed", "", 80, 0), "files → Cursor: notifications/tools/list_changed, 80 bytes"},
	}
	for _, tc := range cases {
		if got := formatTraffic(tc.r); got != tc.want {
			t.Errorf("formatTraffic = %q, want %q", got, tc.want)
		}
	}
	anon := rec("client→server", "request", "ping", "1", 10, 0)
	anon.Client = ""
	if got := formatTraffic(anon); got != "an AI app → files: ping (request 1), 10 bytes" {
		t.Errorf("without a client name: %q", got)
	}
}

func TestVisibleLines(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.Local)
	lines := []logLine{
		{at, sourceServer, "Listening on stdio"},
		{at, sourceMCPTray, "a client connected"},
		{at, sourceTraffic, "Cursor → files: tools/list (request 1), 40 bytes"},
		{at, sourceServer, "ERROR: cannot read /etc/shadow"},
	}
	texts := func(ls []logLine) []string {
		var out []string
		for _, l := range ls {
			out = append(out, l.text)
		}
		return out
	}
	cases := []struct {
		f    logFilter
		want []string
	}{
		{logFilter{}, []string{"Listening on stdio", "a client connected", "Cursor → files: tools/list (request 1), 40 bytes", "ERROR: cannot read /etc/shadow"}},
		{logFilter{source: sourceServer}, []string{"Listening on stdio", "a client connected", "ERROR: cannot read /etc/shadow"}},
		{logFilter{source: sourceTraffic}, []string{"Cursor → files: tools/list (request 1), 40 bytes"}},
		{logFilter{query: " error "}, []string{"ERROR: cannot read /etc/shadow"}},
		{logFilter{query: "mcp tray"}, []string{"a client connected"}}, // matches the source name too
		{logFilter{source: sourceTraffic, query: "shadow"}, nil},
	}
	for _, tc := range cases {
		if diff := cmp.Diff(tc.want, texts(visibleLines(lines, tc.f))); diff != "" {
			t.Errorf("visibleLines(%+v) (-want +got):\n%s", tc.f, diff)
		}
	}
	if got := lines[1].String(); got != "03:04:05  MCP Tray: a client connected" {
		t.Errorf("a line renders as %q", got)
	}
}

func TestAuditSentences(t *testing.T) {
	base := policy.AuditRecord{Client: "Claude Desktop", Server: "github", Tool: "create_issue"}
	with := func(f func(*policy.AuditRecord)) policy.AuditRecord { r := base; f(&r); return r }
	cases := []struct {
		r    policy.AuditRecord
		want string
	}{
		{with(func(r *policy.AuditRecord) {
			r.Decision, r.DecidedBy, r.Outcome = policy.Allowed, policy.ByRule, policy.CallOK
		}), "Allowed by your rules · it worked"},
		{with(func(r *policy.AuditRecord) {
			r.Decision, r.DecidedBy, r.Answer, r.WaitMS, r.Outcome = policy.Allowed, policy.ByPerson, "always allow", 3200, policy.CallToolError
		}), "You allowed it (always allow) after 3.2 s · the tool reported a problem"},
		{with(func(r *policy.AuditRecord) {
			r.Decision, r.DecidedBy, r.Answer, r.Outcome = policy.Allowed, policy.ByPerson, "allow once", policy.CallFailed
		}), "You allowed it · it failed"},
		{with(func(r *policy.AuditRecord) {
			r.Decision, r.DecidedBy, r.WaitMS, r.Outcome, r.Reason = policy.Denied, policy.ByTimeout, 55000, policy.CallNotRun, "Nobody answered in time."
		}), "Denied: nobody answered within 55.0 s · it did not run"},
		{with(func(r *policy.AuditRecord) {
			r.Decision, r.DecidedBy, r.Outcome = policy.Denied, policy.ByPerson, policy.CallNotRun
		}), "You denied it"},
		{with(func(r *policy.AuditRecord) {
			r.Decision, r.DecidedBy, r.Outcome, r.Reason = policy.Denied, policy.ByRule, policy.CallNotRun, "You set create_issue to never run."
		}), "Blocked by your rules · You set create_issue to never run."},
		{with(func(r *policy.AuditRecord) {
			r.Decision, r.DecidedBy, r.Outcome = policy.Withdrawn, policy.ByWithdrawn, policy.CallNotRun
			r.WaitMS = 2000
		}), "The AI app stopped waiting after 2.0 s · it did not run"},
	}
	for _, tc := range cases {
		if got := auditDecision(tc.r); got != tc.want {
			t.Errorf("auditDecision(%s by %s) = %q, want %q", tc.r.Decision, tc.r.DecidedBy, got, tc.want)
		}
	}
	if got := auditWhat(with(func(r *policy.AuditRecord) { r.Scope = "kind-dev" })); got != "Claude Desktop used create_issue of github (kind-dev)" {
		t.Errorf("auditWhat = %q", got)
	}
	now := time.Date(2026, 11, 21, 15, 0, 0, 0, time.Local)
	if got := auditWhen(policy.AuditRecord{Time: now.Add(-time.Hour)}, now); got != "14:00:00" {
		t.Errorf("today: %q", got)
	}
	if got := auditWhen(policy.AuditRecord{Time: now.Add(-48 * time.Hour)}, now); got != "Nov 19, 15:00" {
		t.Errorf("two days ago: %q", got)
	}
}

func TestSettingsLabels(t *testing.T) {
	want := []string{"15 seconds", "30 seconds", "55 seconds (recommended)", "2 minutes", "5 minutes"}
	var got []string
	for _, c := range timeoutChoices {
		got = append(got, timeoutLabel(c))
		if timeoutFromLabel(timeoutLabel(c)) != c {
			t.Errorf("%d s does not read back", c)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("timeout labels (-want +got):\n%s", diff)
	}
	if timeoutLabel(90) != "90 seconds" || timeoutFromLabel("90 seconds") != 0 {
		t.Error("a timeout set by hand is shown, and not offered as a choice")
	}
	for _, th := range []string{"", "light", "dark"} {
		if themeFromLabel(themeLabel(th)) != th {
			t.Errorf("theme %q does not read back", th)
		}
	}
}

func TestClientLines(t *testing.T) {
	cases := []struct {
		c    api.ClientStatus
		want string
	}{
		{api.ClientStatus{}, ""},
		{api.ClientStatus{Enabled: true}, "It sees: nothing from MCP Tray yet."},
		{api.ClientStatus{Enabled: true, Wants: []string{"a", "b"}, Sees: []string{"a"}}, "It sees: a. Still to add: b."},
		{api.ClientStatus{Enabled: false, Sees: []string{"a"}}, "It sees: a."},
	}
	for _, tc := range cases {
		if got := seesLine(tc.c); got != tc.want {
			t.Errorf("seesLine(%+v) = %q, want %q", tc.c, got, tc.want)
		}
	}
	if diff := cmp.Diff([]string{"a", "c", "b"}, toggled([]string{"a", "c"}, "b", true)); diff != "" {
		t.Error(diff)
	}
	if diff := cmp.Diff([]string{}, toggled([]string{"b"}, "b", false)); diff != "" {
		t.Error(diff)
	}
	plan := api.ClientImportResult{Name: "Cursor", Servers: []api.ClientImportEntry{{Name: "github", Secrets: []string{"TOKEN"}}},
		Skipped: []api.ClientImportSkip{{Key: "x", Reason: "it uses a VS Code input"}}}
	want := "MCP Tray will run these servers for Cursor:\n\n• github\n   passwords and keys moved to your system keychain: TOKEN\n\nLeft as they are:\n• x: it uses a VS Code input\n\nCursor's settings file is backed up first (without passwords); \"Put its settings back…\" undoes this."
	if got := importPlanText(plan); got != want {
		t.Errorf("importPlanText:\n%s\nwant:\n%s", got, want)
	}
}

func TestSentence(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{&control.Error{Code: control.CodeNotFound, Message: `There is no server named "x" in MCP Tray.`}, `There is no server named "x" in MCP Tray.`},
		{fmt.Errorf("saving: %w", &control.Error{Message: "the keychain is locked"}), "The keychain is locked."},
		{fmt.Errorf("saving: %w", api.Errorf(api.ErrFailed, "the keychain is locked")), "The keychain is locked."},
		{fmt.Errorf("talking to MCP Tray: %w", control.ErrNotRunning), control.ErrNotRunning.Error() + "."},
		{errors.New("disk full!"), "Disk full!"},
		{errors.New(""), "Something went wrong."},
	}
	for _, tc := range cases {
		if got := sentence(tc.err); got != tc.want {
			t.Errorf("sentence(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
