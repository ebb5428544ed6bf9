package reconcile

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/keychain"
)

// TestImportKeepsSettings: what MCP Tray honours of an entry's own settings comes along —
// Cline's and Goose's timeout (seconds) and Gemini CLI's (milliseconds) become the server's
// guardrail timeout (opencode's, which only times its listing of tools, does not), Cline's
// autoApprove becomes allow rules only once the person agreed (AllowAutoApproved) — and the
// plan says what is not kept (Goose's description). A Zed extension's settings are named as
// such, not called a remote server.
func TestImportKeepsSettings(t *testing.T) {
	w := newClientWorld(t, "cline", "goose", "zed", "gemini-cli", "opencode")
	write(t, w.Path("cline"), `{
  "mcpServers": {
    "github": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"], "disabled": false,
      "autoApprove": ["get_issue", "list_issues"], "timeout": 120, "type": "stdio"},
    "plain": {"command": "npx", "args": ["-y", "plain-server"]}
  }
}
`)
	write(t, w.Path("goose"), `extensions:
  developer:
    bundled: true
    enabled: true
    name: developer
    timeout: 300
    type: builtin
  fetch:
    args:
    - mcp-server-fetch
    cmd: uvx
    description: Fetches web pages
    enabled: true
    envs: {}
    name: fetch
    timeout: 300
    type: stdio
`)
	write(t, w.Path("zed"), `{
  "context_servers": {
    "postgres-context-server": {"source": "extension", "settings": {"database_url": "postgresql://localhost/db"}},
    "files": {"source": "custom", "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"], "env": {}}
  }
}
`)
	write(t, w.Path("gemini-cli"), `{"mcpServers": {"slow": {"command": "node", "args": ["slow.js"], "timeout": 600000}}}`)
	write(t, w.Path("opencode"), `{"$schema": "https://opencode.ai/config.json", "mcp": {"local": {"type": "local", "command": ["node", "l.js"], "enabled": true, "timeout": 5000}}}`)

	opts := ImportOptions{Home: w.Home, Env: w.Env, Binary: testBinary, Keys: keychain.NewMemory()}
	plans := map[string]*ImportPlan{}
	for _, id := range []string{"cline", "goose", "zed", "gemini-cli", "opencode"} {
		p, err := PlanImport(opts, id)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		plans[id] = p
	}
	type row struct{ Name, Timeout, Note string }
	rows := func(p *ImportPlan) []row {
		var out []row
		for _, s := range p.Servers {
			r := row{Name: s.Name, Note: s.Note}
			for _, l := range s.Server.Limits {
				r.Timeout = l.Timeout
			}
			out = append(out, r)
		}
		return out
	}
	want := map[string][]row{
		"cline": {
			{"github", "2m0s", `its timeout of 2 minutes is kept: MCP Tray stops a tool call that runs longer; Cline ran the tools "get_issue" and "list_issues" without asking you; MCP Tray does so only if you agree to it`},
			{"plain", "", ""},
		},
		"goose":      {{"fetch", "5m0s", "its timeout of 5 minutes is kept: MCP Tray stops a tool call that runs longer; its description is not kept, because MCP Tray has no place for one"}},
		"zed":        {{"files", "", ""}},
		"gemini-cli": {{"slow", "10m0s", "its timeout of 10 minutes is kept: MCP Tray stops a tool call that runs longer"}},
		"opencode":   {{"local", "", "its timeout is not kept, because opencode uses it only while it asks the server for its tools"}},
	}
	for id, p := range plans {
		if diff := cmp.Diff(want[id], rows(p)); diff != "" {
			t.Errorf("%s's plan (-want +got):\n%s", id, diff)
		}
	}
	if s := plans["zed"].Skipped; len(s) != 1 || s[0].Key != "postgres-context-server" || !strings.Contains(s[0].Reason, "belongs to a Zed extension") {
		t.Errorf("Zed's skips are %+v, want the extension's settings named as such", s)
	}
	if !plans["cline"].AutoApproved() || plans["goose"].AutoApproved() {
		t.Error("AutoApproved does not tell which plans have tools run without asking")
	}

	// Without the person's yes, no rule; with it, allow rules for exactly those tools.
	if plans["cline"].Servers[0].Server.Policy != nil {
		t.Fatalf("the plan gives rules before the person agreed: %+v", plans["cline"].Servers[0].Server.Policy)
	}
	plans["cline"].AllowAutoApproved()
	if _, err := plans["cline"].Execute(context.Background()); err != nil {
		t.Fatal(err)
	}
	cfg, err := w.Home.Load()
	if err != nil {
		t.Fatal(err)
	}
	gh := cfg.Servers["github"]
	if gh == nil || gh.Policy == nil || !cmp.Equal(gh.Policy.Tools, map[string]config.Rule{"get_issue": config.RuleAllow, "list_issues": config.RuleAllow}) ||
		!cmp.Equal(gh.Limits, []config.Limit{{Timeout: "2m0s"}}) {
		t.Errorf("the github server is %+v", gh)
	}
	if p := cfg.Servers["plain"]; p == nil || p.Policy != nil || p.Limits != nil {
		t.Errorf("the plain server is %+v, want no rules and no limits", p)
	}
}

func TestSpokenDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		2 * time.Minute: "2 minutes", time.Hour: "1 hour", 90 * time.Second: "90 seconds",
		1500 * time.Millisecond: "1.5 seconds", 24 * time.Hour: "24 hours", 250 * time.Millisecond: "0.25 seconds",
	} {
		if got := spokenDuration(d); got != want {
			t.Errorf("spokenDuration(%s) = %q, want %q", d, got, want)
		}
	}
}
