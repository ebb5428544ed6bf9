package app

import (
	"fmt"
	"strings"
	"time"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/internal/display"
	"github.com/mcptray/mcptray/policy"
	"github.com/mcptray/mcptray/supervisor"
)

// rowDetail is the small line under a server: its problem if it has one, else how it runs.
func rowDetail(s supervisor.Status, now time.Time) string { return serverRowDetail(s, now, false) }

// serverRowDetail is rowDetail for a server known to be remote or not: a remote server
// reconnects where a program would restart after a crash.
func serverRowDetail(s supervisor.Status, now time.Time, remote bool) string {
	if s.Error != "" && (s.State == supervisor.Failed || s.State == supervisor.Backoff) {
		return display.Line(s.Error)
	}
	var parts []string
	// A remote server ready for apps has no connection of its own to be "up".
	if up := uptime(s, now); up != "" && (!remote || s.Spare || s.Sessions > 0) {
		parts = append(parts, up)
	}
	switch {
	case s.Restarts == 1 && remote:
		parts = append(parts, "connected again once after losing it")
	case s.Restarts > 1 && remote:
		parts = append(parts, fmt.Sprintf("connected again %d times after losing it", s.Restarts))
	case s.Restarts == 1:
		parts = append(parts, "restarted once after a crash")
	case s.Restarts > 1:
		parts = append(parts, fmt.Sprintf("restarted %d times after crashes", s.Restarts))
	}
	return strings.Join(parts, " · ")
}

// memoryLabel renders a resident memory figure; "" when there is none.
func memoryLabel(b int64) string {
	switch {
	case b <= 0:
		return ""
	case b < 1<<20:
		return "uses less than 1 MB of memory"
	case b < 10<<30:
		return fmt.Sprintf("uses %d MB of memory", (b+1<<19)>>20)
	default:
		return fmt.Sprintf("uses %.1f GB of memory", float64(b)/(1<<30))
	}
}

// The mode choices, in the words the Servers tab uses; a remote server's are connections.
const (
	modeSessionLabel       = "Each AI app gets its own copy (works with every server)"
	modeSharedLabel        = "AI apps share one copy (uses less memory)"
	modeSessionRemoteLabel = "Each AI app gets its own connection (works with every server)"
	modeSharedRemoteLabel  = "AI apps share one connection"
)

// modeLabels are the mode choices for a remote server or a program.
func modeLabels(remote bool) []string {
	if remote {
		return []string{modeSessionRemoteLabel, modeSharedRemoteLabel}
	}
	return []string{modeSessionLabel, modeSharedLabel}
}

func modeLabel(m config.Mode, remote bool) string {
	l := modeLabels(remote)
	if m == config.ModeShared {
		return l[1]
	}
	return l[0]
}

func modeFromLabel(l string) config.Mode {
	if l == modeSharedLabel || l == modeSharedRemoteLabel {
		return config.ModeShared
	}
	return config.ModeSession
}

// The rule choices of a tool.
const (
	ruleAllowLabel = "Run without asking"
	ruleAskLabel   = "Ask me first"
	ruleDenyLabel  = "Never run"
)

var ruleLabels = []string{ruleAllowLabel, ruleAskLabel, ruleDenyLabel}

func ruleLabel(r policy.Rule) string {
	switch r {
	case policy.RuleAllow:
		return ruleAllowLabel
	case policy.RuleDeny:
		return ruleDenyLabel
	}
	return ruleAskLabel
}

func ruleFromLabel(l string) config.Rule {
	switch l {
	case ruleAllowLabel:
		return config.RuleAllow
	case ruleDenyLabel:
		return config.RuleDeny
	}
	return config.RuleAsk
}

// toolNote says what a person should know about a tool, beside its rule: a change waiting
// for review comes first.
func toolNote(t policy.ToolStatus) string {
	var parts []string
	switch {
	case t.Blocked:
		parts = append(parts, "changed since you first saw it: blocked until you review it")
	case t.Removed:
		parts = append(parts, "no longer offered by the server")
	}
	if len(t.Flags) > 0 {
		parts = append(parts, "its description looks suspicious")
	}
	switch {
	case t.ReadOnly:
		parts = append(parts, "only reads")
	case t.Destructive:
		parts = append(parts, "can delete or overwrite things")
	default:
		parts = append(parts, "can change things")
	}
	return strings.Join(parts, " · ")
}

// sourceLine says where a server comes from, for its details.
func sourceLine(d api.ServerDetail) string {
	if d.URL != "" {
		where := whereRemote(d.URL)
		if d.Catalog != "" {
			return "Installed from the catalog: " + display.Line(d.Catalog) + ". " + where
		}
		return where
	}
	if d.Catalog != "" {
		if d.Version != "" {
			return fmt.Sprintf("Installed from the catalog: %s, version %s", d.Catalog, d.Version)
		}
		return "Installed from the catalog: " + d.Catalog
	}
	if d.Command == "" {
		return ""
	}
	return "Runs: " + display.Line(strings.Join(append([]string{d.Command}, d.Args...), " "))
}
