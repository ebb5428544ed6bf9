package reconcile

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/keychain"
)

// TestImportFromMCPProxy takes over the servers of MCPProxy's setup file (in the form
// MCPProxy writes it: a list of servers with protocol, enabled, quarantined, isolation): the
// servers it ran become MCP Tray servers with their credentials in the keychain and its call
// timeout as their guardrail timeout; a quarantined server (never approved), a switched-off
// one, a remote one, one MCPProxy launches and then reaches by URL, and one whose key lives
// in MCPProxy's own keyring are named with a sentence; MCPProxy's file is not changed and no
// AI client is switched on.
func TestImportFromMCPProxy(t *testing.T) {
	w := newClientWorld(t)
	fixture, err := os.ReadFile(filepath.Join("..", "testdata", "mcpproxy", "mcp_config.json"))
	if err != nil {
		t.Fatal(err)
	}
	original := strings.ReplaceAll(string(fixture), "/home/ana", w.Env.Home)
	path := filepath.Join(w.Env.Home, ".mcpproxy", "mcp_config.json")
	write(t, path, original)
	if err := os.MkdirAll(filepath.Join(w.Env.Home, "notes"), 0o700); err != nil {
		t.Fatal(err)
	}

	keys := keychain.NewMemory()
	opts := ImportOptions{Home: w.Home, Env: w.Env, Binary: testBinary, Keys: keys}
	plan, err := PlanManagerImport(opts, "mcpproxy", "")
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ Name, Note string }
	var got []row
	for _, s := range plan.Servers {
		got = append(got, row{s.Name, s.Note})
	}
	want := []row{
		{"github", "its timeout of 2 minutes is kept: MCP Tray stops a tool call that runs longer"},
		{"sqlite", `its timeout of 2 minutes is kept: MCP Tray stops a tool call that runs longer; MCPProxy ran it inside a Docker container; MCP Tray runs it as a program on this computer, so choose what it may touch with: mcptray sandbox sqlite`},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
	wantSkipped(t, plan.ImportPlan, map[string]string{
		"from-keyring": "its ACME_API_KEY comes from MCPProxy itself",
		"untrusted":    "MCPProxy keeps it in quarantine until you approve it",
		"paused":       "it is switched off in MCPProxy",
		"linear":       "it is a remote server",
		"launcher":     "MCPProxy starts its program and then reaches it over the network",
	})

	if _, err := plan.Execute(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := read(t, path); got != original {
		t.Errorf("the import changed MCPProxy's file:\n%s", got)
	}
	cfg, err := w.Home.Load()
	if err != nil {
		t.Fatal(err)
	}
	gh, sq := cfg.Servers["github"], cfg.Servers["sqlite"]
	if gh == nil || !cmp.Equal(gh.Secrets, []string{"GITHUB_PERSONAL_ACCESS_TOKEN"}) || !cmp.Equal(gh.Env, map[string]string{"LOG_LEVEL": "info"}) ||
		!cmp.Equal(gh.Limits, []config.Limit{{Timeout: "2m0s"}}) {
		t.Errorf("the github server is %+v", gh)
	}
	if sq == nil || sq.Dir != filepath.Join(w.Env.Home, "notes") || !cmp.Equal(sq.Args, []string{"mcp-server-sqlite", "--db-path", "notes.db"}) {
		t.Errorf("the sqlite server is %+v", sq)
	}
	if v, err := keys.Get(context.Background(), "github", "GITHUB_PERSONAL_ACCESS_TOKEN"); err != nil || !strings.HasPrefix(v, "ghp_") {
		t.Errorf("the keychain holds %q, %v", v, err)
	}
	if len(cfg.Clients) != 0 {
		t.Errorf("the import switched clients on: %+v", cfg.Clients)
	}
	if _, err := PlanManagerImport(opts, "lmstudio", ""); err == nil {
		t.Error("a manager MCP Tray cannot read was accepted")
	}
}

// wantNotes checks that each named server's note in notes says what is given.
func wantNotes(t *testing.T, notes map[string]string, want map[string]string) {
	t.Helper()
	for name, w := range want {
		if !strings.Contains(notes[name], w) {
			t.Errorf("%s's note is %q, want it to say %q", name, notes[name], w)
		}
	}
}

// wantSkipped checks that plan leaves alone exactly the servers named, each with a reason that
// starts as given.
func wantSkipped(t *testing.T, plan *ImportPlan, want map[string]string) {
	t.Helper()
	skipped := map[string]string{}
	for _, s := range plan.Skipped {
		skipped[s.Key] = s.Reason
	}
	for key, w := range want {
		if !strings.HasPrefix(skipped[key], w) {
			t.Errorf("%s is left with %q, want a sentence starting %q", key, skipped[key], w)
		}
	}
	if len(skipped) != len(want) {
		t.Errorf("left alone: %q; want only %q", skipped, want)
	}
}
