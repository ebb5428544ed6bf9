package reconcile

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/keychain"
)

// TestClaudeCodeScopeShadows: a Claude Code local-scope server called like an entry of MCP
// Tray's is reported as hiding it in that project.
func TestClaudeCodeScopeShadows(t *testing.T) {
	w := newClientWorld(t, "claude-code")
	project := filepath.Join(w.Env.Home, "src", "app")
	write(t, w.Path("claude-code"), fmt.Sprintf(`{"mcpServers": {}, "projects": {%q: {"mcpServers": {"a": {"type": "stdio", "command": "node", "args": ["a.js"]}}}}}`, project))
	cfg := &config.Config{
		Servers: map[string]*config.Server{"a": {Command: "a"}},
		Clients: map[string]*config.ClientBinding{"claude-code": {Enabled: true}},
	}
	r := w.reconciler(Options{})
	r.Reconcile(cfg)
	st := r.Status(cfg)
	i := slices.IndexFunc(st.Clients, func(c ClientStatus) bool { return c.ID == "claude-code" })
	if i < 0 {
		t.Fatalf("no Claude Code in %+v", st.Clients)
	}
	if e := st.Clients[i].Files[0].Error; !strings.Contains(e, "In the project "+project+`, Claude Code starts its own server "a" (local scope) instead of MCP Tray's`) {
		t.Errorf("the file's note is %q, want it to say the local server hides MCP Tray's", e)
	}
}

// TestClaudeCodeScopesImport: Claude Code's local-scope servers (where `claude mcp add` puts
// them) are imported per project: the entry in that project becomes MCP Tray's, the server
// runs in the project's folder, its credential goes to the keychain, and Claude Code does not
// get it in other projects (it is not added to the user-scope entries). A project's own
// .mcp.json, usually shared with others, is left as it is and said so. Restore gives the
// file back as it was.
func TestClaudeCodeScopesImport(t *testing.T) {
	w := newClientWorld(t, "claude-code")
	project := filepath.Join(w.Env.Home, "src", "app")
	other := filepath.Join(w.Env.Home, "src", "other")
	mcpJSON := `{"mcpServers": {"db": {"command": "node", "args": ["db.js"]}}}`
	write(t, filepath.Join(project, ".mcp.json"), mcpJSON)
	write(t, filepath.Join(project, "a.sh"), "#!/bin/sh\n")
	if err := os.Chmod(filepath.Join(project, "a.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	token := "ghp_" + strings.Repeat("Zx9", 12)
	path := w.Path("claude-code")
	original := fmt.Sprintf(`{
  "numStartups": 3,
  "mcpServers": {
    "everywhere": {"type": "stdio", "command": "node", "args": ["e.js"]}
  },
  "projects": {
    %q: {"allowedTools": [], "mcpServers": {"a": {"type": "stdio", "command": "./a.sh", "args": [], "env": {"GITHUB_TOKEN": %q}}}},
    %q: {"mcpServers": {"a": {"type": "stdio", "command": "node", "args": ["other.js"]}}}
  }
}
`, project, token, other)
	write(t, path, original)

	keys := keychain.NewMemory()
	opts := ImportOptions{Home: w.Home, Env: w.Env, Binary: testBinary, Keys: keys}
	plan, err := PlanImport(opts, "claude-code")
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ Key, Name, Project string }
	var got []row
	for _, s := range plan.Servers {
		got = append(got, row{s.Key, s.Name, s.Project})
	}
	want := []row{{"everywhere", "everywhere", ""}, {"a", "a", project}, {"a", "a-2", other}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
	if n := plan.Servers[1].Note; !strings.HasPrefix(n, "used in the project "+project+" only (local scope)") {
		t.Errorf("the note of a local-scope server is %q", n)
	}
	if len(plan.Skipped) != 1 || plan.Skipped[0].Key != "db" || !strings.Contains(plan.Skipped[0].Reason, "the project "+project+" only, from the project's own settings") {
		t.Errorf("skipped %+v, want db of .mcp.json with a sentence", plan.Skipped)
	}

	if _, err := plan.Execute(context.Background()); err != nil {
		t.Fatal(err)
	}
	var f struct {
		MCPServers map[string]json.RawMessage `json:"mcpServers"`
		Projects   map[string]struct {
			AllowedTools []string `json:"allowedTools"`
			MCPServers   map[string]struct {
				Type    string            `json:"type"`
				Command string            `json:"command"`
				Args    []string          `json:"args"`
				Env     map[string]string `json:"env"`
			} `json:"mcpServers"`
		} `json:"projects"`
	}
	after := read(t, path)
	if err := json.Unmarshal([]byte(after), &f); err != nil {
		t.Fatalf("~/.claude.json no longer parses: %v\n%s", err, after)
	}
	for dir, name := range map[string]string{project: "a", other: "a-2"} {
		e := f.Projects[dir].MCPServers["a"]
		if e.Type != "stdio" || e.Command != testBinary || !cmp.Equal(e.Args, []string{"connect", name}) || e.Env != nil {
			t.Errorf("the entry a of %s is %+v, want MCP Tray's for %s", dir, e, name)
		}
	}
	if f.Projects[project].AllowedTools == nil || len(f.MCPServers) != 1 {
		t.Errorf("the import changed more than the entries:\n%s", after)
	}
	if strings.Contains(after, token) {
		t.Error("the token is still in ~/.claude.json")
	}
	if got := read(t, filepath.Join(project, ".mcp.json")); got != mcpJSON {
		t.Errorf("the project's .mcp.json changed:\n%s", got)
	}
	cfg, err := w.Home.Load()
	if err != nil {
		t.Fatal(err)
	}
	a := cfg.Servers["a"]
	if a == nil || a.Command != filepath.Join(project, "a.sh") || a.Dir != project || !cmp.Equal(a.Secrets, []string{"GITHUB_TOKEN"}) {
		t.Errorf("server a is %+v, want ./a.sh run in %s with its token in the keychain", a, project)
	}
	if v, err := keys.Get(context.Background(), "a", "GITHUB_TOKEN"); err != nil || v != token {
		t.Errorf("the keychain holds %q, %v", v, err)
	}
	if b := cfg.Clients["claude-code"]; b == nil || !b.Enabled || !cmp.Equal(b.Servers, []string{"everywhere"}) {
		t.Errorf("Claude Code's binding is %+v, want only the user-scope server (the project ones stay in their projects)", b)
	}
	// A pass of the reconciler agrees: the project entries stay, nothing moves to user scope.
	w.reconciler(Options{}).Reconcile(cfg)
	if got := read(t, path); got != after {
		t.Errorf("the reconciler disagreed with the import:\n%s", got)
	}

	r, err := RestoreClient(context.Background(), opts, "claude-code")
	if err != nil {
		t.Fatal(err)
	}
	if got := read(t, path); got != original || len(r.Warnings) > 0 {
		t.Errorf("restore gave (warnings %q):\n%s", r.Warnings, got)
	}
}
