package app

import (
	"testing"
	"time"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/gateway"
	"github.com/mcptray/mcptray/guardrail"
	"github.com/mcptray/mcptray/policy"
)

func TestLimitLine(t *testing.T) {
	for _, tc := range []struct {
		l    config.Limit
		want string
	}{
		{config.Limit{Tool: "send_email", Rate: "10/m"}, "send_email: at most 10 calls a minute"},
		{config.Limit{Tool: "pods_exec", Concurrent: 1}, "pods_exec: one call at a time"},
		{config.Limit{Timeout: "30s"}, "Every tool: stopped after 30 s"},
		{config.Limit{Timeout: "1m30s", Rate: "1/h", Concurrent: 3}, "Every tool: at most one call an hour, 3 calls at a time, stopped after 90 s"},
		{config.Limit{Client: "Cursor", Rate: "100 / hour"}, "Every tool, for Cursor: at most 100 calls an hour"},
		{config.Limit{Tool: "x\x1b[31m", Rate: "2/d"}, `x\x1b[31m: at most 2 calls a day`},
		{config.Limit{Tool: "bad", Rate: "often"}, "bad: no limit"},
	} {
		if got := limitLine(tc.l); got != tc.want {
			t.Errorf("limitLine(%+v) = %q, want %q", tc.l, got, tc.want)
		}
	}
}

func TestDLPLine(t *testing.T) {
	for _, tc := range []struct {
		d    *config.DLP
		want string
	}{
		{nil, "Secrets in calls: asks you before a call sends a private key or another server's password."},
		{&config.DLP{Action: config.DLPBlock}, "Secrets in calls: blocks a call that would send a password, key or token."},
		{&config.DLP{Action: config.DLPAllow, RedactResults: true}, "Secrets in calls: lets them through, and notes them in the activity. Passwords, keys and tokens in its answers are hidden from the AI app."},
		{&config.DLP{Action: config.DLPAsk}, "Secrets in calls: asks you before a call sends a password, key or token."},
	} {
		if got := dlpLine(tc.d); got != tc.want {
			t.Errorf("dlpLine(%+v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestRemovableScope(t *testing.T) {
	all := []config.Limit{{Rate: "1/s"}, {Tool: "a", Rate: "1/s"}, {Tool: "a", Client: "Cursor", Rate: "1/s"}, {Tool: "b", Timeout: "1s"}}
	for i, want := range []bool{false, false, true, true} {
		if got := removableScope(all[i], all); got != want {
			t.Errorf("removableScope(%+v) = %v, want %v", all[i], got, want)
		}
	}
}

// TestGuardrailStopReadsWhatGuardrailWrites explains refusals made by the real guardrail
// book, so that a change of its wording fails here rather than in front of the person.
func TestGuardrailStopReadsWhatGuardrailWrites(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	book := guardrail.New(func() time.Time { return t0 })
	book.Set(map[string][]config.Limit{"mail": {{Tool: "send_email", Rate: "3/m"}, {Tool: "pods_exec", Concurrent: 1}}})
	for range 3 {
		if _, r := book.Admit("mail", "send_email", "Cursor"); r != nil {
			t.Fatalf("a call under the rate was refused: %s", r.Reason)
		}
	}
	_, rate := book.Admit("mail", "send_email", "Cursor")
	if _, r := book.Admit("mail", "pods_exec", "Cursor"); r != nil {
		t.Fatal(r.Reason)
	}
	_, capped := book.Admit("mail", "pods_exec", "Cursor")
	if rate == nil || capped == nil {
		t.Fatal("the book refused nothing over its limits")
	}
	refused := func(reason string) policy.AuditRecord {
		return policy.AuditRecord{Time: t0, Decision: policy.Denied, DecidedBy: policy.ByRule, Outcome: policy.CallNotRun, Reason: reason}
	}
	for _, tc := range []struct {
		name string
		r    policy.AuditRecord
		now  time.Time
		want string
	}{
		{"rate", refused(rate.Reason), t0.Add(20 * time.Second), "Held back: at most 3 calls a minute; try again in 40 s."},
		{"rate, later", refused(rate.Reason), t0.Add(time.Hour), "Held back: at most 3 calls a minute; it may be called again now."},
		{"cap", refused(capped.Reason), t0, "Held back: one call at a time; try again when one has finished."},
		// gate writes the timeout note as "timed out after " + gateway.Seconds, and a data-loss
		// block as its prefix and dlp.Describe's sentence.
		{"timeout", policy.AuditRecord{Decision: policy.Allowed, Outcome: policy.CallTimedOut, Note: "timed out after " + gateway.Seconds(2*time.Second)}, t0,
			"Stopped: it ran longer than 2 s, so MCP Tray ended it and asked the server to cancel it."},
		{"data loss", refused("Blocked by the data-loss check: The arguments carry a private key."), t0, "Blocked: it would have sent a private key."},
		{"a rule", refused("the rule for this tool is deny"), t0, ""},
		{"the person", policy.AuditRecord{Decision: policy.Denied, DecidedBy: policy.ByPerson, Reason: rate.Reason}, t0, ""},
	} {
		if got := guardrailStop(tc.r, tc.now); got != tc.want {
			t.Errorf("%s: guardrailStop = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestActivityFactsSayWhyAGuardrailStoppedACall(t *testing.T) {
	r := policy.AuditRecord{Server: "s", Tool: "t", Decision: policy.Allowed, DecidedBy: policy.ByRule, Outcome: policy.CallTimedOut,
		Note: "timed out after 2 s. The arguments carry an AWS access key."}
	got := map[string]string{}
	for _, f := range activityFacts(r, time.Now()) {
		got[f[0]] = f[1]
	}
	if got["Why"] != "Stopped: it ran longer than 2 s, so MCP Tray ended it and asked the server to cancel it." || got["Note"] != "The arguments carry an AWS access key." {
		t.Errorf("the details say why %q, note %q", got["Why"], got["Note"])
	}
	if d := auditDecision(r); d != "Allowed by your rules · it ran too long and was stopped" {
		t.Errorf("the row says %q", d)
	}
}

func TestActivityRowSaysALimitHeldTheCallBack(t *testing.T) {
	r := policy.AuditRecord{Decision: policy.Denied, DecidedBy: policy.ByRule, Outcome: policy.CallNotRun,
		Reason: `Over the limit: echo of "mail" may be called at most 1 time a minute.`}
	if got := auditDecision(r); got != "Held back: at most one call a minute · it did not run" {
		t.Errorf("the row says %q", got)
	}
	if got := whoDecided(r); got != "Your limits and checks on this server" {
		t.Errorf("the details say %q decided", got)
	}
}
