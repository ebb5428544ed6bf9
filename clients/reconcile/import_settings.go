package reconcile

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/config"
)

// carrySettings keeps in srv what MCP Tray honours of the entry's own settings, and says in
// words what it keeps and what not: a timeout becomes the server's guardrail timeout
// (config.Limit), tools the client called without asking are named (they become allow rules
// only through AllowAutoApproved), and a description, which MCP Tray has no place for, is
// said to be left behind. "" when the entry has none of these.
func (p *ImportPlan) carrySettings(srv *config.Server, s clients.Server) string {
	var notes []string
	if s.Timeout > 0 {
		notes = append(notes, p.timeoutNote(srv, s.Timeout))
	}
	if len(s.AutoApprove) > 0 {
		notes = append(notes, fmt.Sprintf("%s ran %s without asking you; MCP Tray does so only if you agree to it", p.From, toolList(s.AutoApprove)))
	}
	if s.Description != "" {
		notes = append(notes, "its description is not kept, because MCP Tray has no place for one")
	}
	return strings.Join(notes, "; ")
}

// keepTimeout makes d srv's guardrail timeout, when MCP Tray can take it, and says so.
func keepTimeout(srv *config.Server, d time.Duration) string {
	d = d.Round(time.Millisecond)
	if _, err := config.ParseTimeout(d.String()); err != nil {
		return fmt.Sprintf("its timeout of %s is not kept, because MCP Tray takes one of at most a day", spokenDuration(d))
	}
	srv.Limits = append(srv.Limits, config.Limit{Timeout: d.String()})
	return fmt.Sprintf("its timeout of %s is kept: MCP Tray stops a tool call that runs longer", spokenDuration(d))
}

// spokenDuration says d as a person would: "2 minutes", "90 seconds", "1.5 seconds".
func spokenDuration(d time.Duration) string {
	for _, u := range []struct {
		d    time.Duration
		name string
	}{{time.Hour, "hour"}, {time.Minute, "minute"}, {time.Second, "second"}} {
		if d >= u.d && d%u.d == 0 {
			if n := d / u.d; n != 1 {
				return fmt.Sprintf("%d %ss", n, u.name)
			}
			return "1 " + u.name
		}
	}
	return fmt.Sprintf("%g seconds", d.Seconds())
}

// callTimeoutUnit is what a number in an entry's "timeout" counts, for the clients where it
// limits each request to the server: seconds for Cline and its forks (Cline's McpHub), Goose
// and Crush (their documentation), milliseconds for Gemini CLI, its fork Qwen Code and
// Amazon Q Developer CLI (their documentation). MCPProxy keeps no timeout per server.
var callTimeoutUnit = map[string]time.Duration{
	"cline": time.Second, "roo-code": time.Second, "kilo-code": time.Second, "goose": time.Second, "crush": time.Second,
	"gemini-cli": time.Millisecond, "qwen-code": time.Millisecond, "amazon-q": time.Millisecond,
}

// listTimeout are the clients whose "timeout" only limits how long they wait for a server's
// list of tools (opencode's documentation: "Timeout in ms for fetching tools"), not a call.
var listTimeout = []string{"opencode", "kilo-cli"}

// timeoutNote keeps the entry's timeout t as srv's guardrail timeout when the plan's client
// counts it in a known unit and uses it per request, and says what it did.
func (p *ImportPlan) timeoutNote(srv *config.Server, t float64) string {
	id := ""
	if p.Client != nil {
		id = p.Client.ID()
	}
	if slices.Contains(listTimeout, id) {
		return fmt.Sprintf("its timeout is not kept, because %s uses it only while it asks the server for its tools", p.From)
	}
	unit, ok := callTimeoutUnit[id]
	if !ok {
		return fmt.Sprintf("its timeout is not kept, because MCP Tray does not know what %s counts it in", p.From)
	}
	return keepTimeout(srv, time.Duration(t*float64(unit)))
}

// toolList names tools for a sentence: "the tool a", "the tools a, b and c".
func toolList(tools []string) string {
	q := make([]string, len(tools))
	for i, t := range tools {
		q[i] = fmt.Sprintf("%q", t)
	}
	if len(q) == 1 {
		return "the tool " + q[0]
	}
	return "the tools " + strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}

// AllowAutoApproved gives each planned server an allow rule for every tool its client called
// without asking (ImportServer.AutoApprove), so MCP Tray lets them run without asking too.
// Call it only once the person agreed to exactly that; without it those tools follow MCP
// Tray's usual rules. It changes the plan only, not a file.
func (p *ImportPlan) AllowAutoApproved() {
	for _, s := range p.Servers {
		if len(s.AutoApprove) == 0 {
			continue
		}
		for i := range p.Servers {
			if t := &p.Servers[i]; t.Name == s.Name && !t.Same {
				for _, tool := range s.AutoApprove {
					t.Server.EnsurePolicy().Tools[tool] = config.RuleAllow
				}
			}
		}
	}
}

// AutoApproved reports whether some planned server has tools its client called without
// asking, so the person can be asked whether MCP Tray should too (AllowAutoApproved).
func (p *ImportPlan) AutoApproved() bool {
	for _, s := range p.Servers {
		if len(s.AutoApprove) > 0 {
			return true
		}
	}
	return false
}
