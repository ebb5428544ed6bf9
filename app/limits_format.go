package app

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/internal/display"
	"github.com/mcptray/mcptray/policy"
)

// A server's guardrails in plain words (docs/guardrails.md, issue #26): its limits and its
// data-loss checks on its page, and why the Activity tab's call was stopped by one.

// limitsCommand is the command line sentence for the server's limits, for what the window's
// dialog does not do (clearing a limit that covers narrower ones).
func limitsCommand(server string) string {
	return "From a terminal: mcptray policy limit " + display.Line(server) + " [TOOL] --timeout 30s --rate 10/m --concurrent 1, or --clear to remove them."
}

// limitLine says one limit in words: "send_email: at most 10 calls a minute", "Every tool,
// for Cursor: stopped after 30 s, one call at a time".
func limitLine(l config.Limit) string {
	var parts []string
	if r, ok := l.RateLimit(); ok {
		parts = append(parts, "at most "+callsPer(r))
	}
	switch {
	case l.Concurrent == 1:
		parts = append(parts, "one call at a time")
	case l.Concurrent > 1:
		parts = append(parts, fmt.Sprintf("%d calls at a time", l.Concurrent))
	}
	if d := l.TimeoutDuration(); d > 0 {
		parts = append(parts, "stopped after "+secondsLabel(d))
	}
	if len(parts) == 0 {
		parts = append(parts, "no limit")
	}
	return limitScope(l) + ": " + strings.Join(parts, ", ")
}

// limitScope names what a limit counts: "send_email", "Every tool", "send_email, for Cursor".
func limitScope(l config.Limit) string {
	s := "Every tool"
	if l.Tool != "" {
		s = display.Line(l.Tool)
	}
	if l.Client != "" {
		s += ", for " + display.Line(l.Client)
	}
	return s
}

// callsPer writes a rate as a person says it: "10 calls a minute", "one call an hour".
func callsPer(r config.Rate) string {
	calls := fmt.Sprintf("%d calls", r.Calls)
	if r.Calls == 1 {
		calls = "one call"
	}
	return calls + " " + perLabel(r.Per)
}

// The periods a rate counts in, in words, as the limits dialog offers them.
var ratePeriods = []struct {
	label string
	per   time.Duration
	unit  string // as config.json writes it
}{
	{"a second", time.Second, "s"},
	{"a minute", time.Minute, "m"},
	{"an hour", time.Hour, "h"},
	{"a day", 24 * time.Hour, "d"},
}

func perLabel(per time.Duration) string {
	for _, p := range ratePeriods {
		if p.per == per {
			return p.label
		}
	}
	return "every " + per.String()
}

// secondsLabel writes a timeout as MCP Tray's messages do: "2 s", "1.5 s", "90 s".
func secondsLabel(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + " s"
}

// dlpLine says what the data-loss check of a server does (nil: the default).
func dlpLine(d *config.DLP) string {
	var action config.DLPAction
	if d != nil {
		action = d.Action
	}
	var s string
	switch action {
	case config.DLPAllow:
		s = "Secrets in calls: lets them through, and notes them in the activity."
	case config.DLPAsk:
		s = "Secrets in calls: asks you before a call sends a password, key or token."
	case config.DLPBlock:
		s = "Secrets in calls: blocks a call that would send a password, key or token."
	default:
		s = "Secrets in calls: asks you before a call sends a private key or another server's password."
	}
	if d != nil && d.RedactResults {
		s += " Passwords, keys and tokens in its answers are hidden from the AI app."
	}
	return s
}

// removableScope reports whether clearing l's scope removes l alone: policy.limit's clear
// takes an empty tool or app as "every", so a wider limit can only be cleared with the
// narrower ones it covers.
func removableScope(l config.Limit, all []config.Limit) bool {
	n := 0
	for _, x := range all {
		if (l.Tool == "" || x.Tool == l.Tool) && (l.Client == "" || x.Client == l.Client) {
			n++
		}
	}
	return n == 1
}

// The audit log's words for a call a guardrail stopped (gate and guardrail write them;
// limits_format_test.go checks these against what guardrail and gate really write).
var (
	timedOutNote    = regexp.MustCompile(`^timed out after ([0-9.]+) s`)
	rateReason      = regexp.MustCompile(`^Over the limit: .* may be called at most (\d+) times? (a second|a minute|an hour|a day)\.$`)
	capReason       = regexp.MustCompile(`^Over the limit: only (one call|\d+ calls) of .* may run at a time\.$`)
	dlpBlockedStart = "Blocked by the data-loss check: The arguments carry "
)

// guardrailStop says in plain words why a guardrail stopped a call: "Stopped: it ran longer
// than 2 s, so MCP Tray ended it…", "Held back: at most 3 calls a minute; try again in 40 s.",
// "Blocked: it would have sent a private key." "" when no guardrail stopped it. now dates
// "try again": the wait is counted from the call, and is at most the rate's period.
func guardrailStop(r policy.AuditRecord, now time.Time) string {
	what, per := guardrailWhat(r)
	switch {
	case what == "":
		return ""
	case r.Outcome == policy.CallTimedOut:
		return what + ", so MCP Tray ended it and asked the server to cancel it."
	case per > 0:
		if wait := r.Time.Add(per).Sub(now); wait > 0 {
			return what + "; try again in " + waitLabel(wait) + "."
		}
		return what + "; it may be called again now."
	case strings.HasPrefix(what, "Held back"):
		return what + "; try again when one has finished."
	}
	return what + "."
}

// guardrailWhat is the short form of guardrailStop, for the Activity list: "Held back: at most
// 3 calls a minute", with the rate's period (0 for other stops). "" when no guardrail stopped
// the call.
func guardrailWhat(r policy.AuditRecord) (what string, per time.Duration) {
	if r.Outcome == policy.CallTimedOut {
		if m := timedOutNote.FindStringSubmatch(r.Note); m != nil {
			return "Stopped: it ran longer than " + m[1] + " s", 0
		}
		return "Stopped: it ran longer than its time limit", 0
	}
	if r.Decision != policy.Denied || r.DecidedBy != policy.ByRule {
		return "", 0
	}
	if m := rateReason.FindStringSubmatch(r.Reason); m != nil {
		n, _ := strconv.Atoi(m[1])
		per := periodOf(m[2])
		return "Held back: at most " + callsPer(config.Rate{Calls: n, Per: per}), per
	}
	if m := capReason.FindStringSubmatch(r.Reason); m != nil {
		return "Held back: " + m[1] + " at a time", 0
	}
	if found, ok := strings.CutPrefix(r.Reason, dlpBlockedStart); ok {
		return "Blocked: it would have sent " + display.Line(strings.TrimSuffix(found, ".")), 0
	}
	return "", 0
}

// guardrailRefused reports whether a limit or a data-loss block refused the call before it ran.
func guardrailRefused(r policy.AuditRecord) bool {
	what, _ := guardrailWhat(r)
	return what != "" && r.Outcome != policy.CallTimedOut
}

func periodOf(label string) time.Duration {
	for _, p := range ratePeriods {
		if p.label == label {
			return p.per
		}
	}
	return time.Minute
}

// waitLabel writes a wait rounded up: "40 s", "3 min", "2 h".
func waitLabel(d time.Duration) string {
	switch s := math.Ceil(d.Seconds()); {
	case s < 120:
		return fmt.Sprintf("%d s", int(s))
	case s < 2*3600:
		return fmt.Sprintf("%d min", int(math.Ceil(s/60)))
	default:
		return fmt.Sprintf("%d h", int(math.Ceil(s/3600)))
	}
}
