package reconcile

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/keychain"
)

// toolHiveRunConfigs are run configs in the form ToolHive writes them to its state folder
// (toolhive pkg/runner config.go RunConfig, schema v0.1.0; the field set of
// docs/arch/02-core-concepts.md and of `thv export`'s output in its e2e tests), one per
// file: a GitHub image with a ToolHive secret and a permission profile, a package ToolHive
// builds from npm, one reached over the network, one whose container answers over HTTP, one
// built from Go source, and hostile ones: a credential written inline in env_vars, a name
// that differs from another only in capitals, and one with terminal escape sequences.
var toolHiveRunConfigs = map[string]string{
	"github.json": `{
  "schema_version": "v0.1.0",
  "image": "ghcr.io/github/github-mcp-server:v0.14.0",
  "transport": "stdio",
  "host": "127.0.0.1",
  "port": 41233,
  "name": "github",
  "container_name": "github",
  "base_name": "github",
  "env_vars": {"GITHUB_TOOLSETS": "repos,issues"},
  "secrets": ["github-token,target=GITHUB_PERSONAL_ACCESS_TOKEN"],
  "permission_profile_name_or_path": "network",
  "isolate_network": true,
  "container_labels": {"toolhive": "true", "toolhive-name": "github"},
  "proxy_mode": "sse"
}`,
	"GitHub.json": `{"schema_version": "v0.1.0", "name": "GitHub", "image": "ghcr.io/github/github-mcp-server:v0.13.0", "transport": "stdio"}`,
	"memory.json": `{"schema_version": "v0.1.0", "name": "memory", "image": "npx://@modelcontextprotocol/server-memory@2025.4.25", "transport": "stdio", "volumes": ["/home/ana/mem:/data"]}`,
	"notion.json": `{"schema_version": "v0.1.0", "name": "notion", "image": "", "remote_url": "https://mcp.notion.com/mcp", "transport": "streamable-http"}`,
	"fetch.json":  `{"schema_version": "v0.1.0", "name": "fetch", "image": "ghcr.io/stackloklabs/gofetch/server:1.0.1", "transport": "streamable-http", "target_port": 8080}`,
	"osv.json":    `{"schema_version": "v0.1.0", "name": "osv", "image": "go://github.com/StacklokLabs/osv-mcp/cmd/server@latest", "transport": "stdio"}`,
	"openai.json": `{"schema_version": "v0.1.0", "name": "openai", "image": "mcp/openai:1.2", "transport": "stdio", "cmd_args": ["--model", "gpt-5"], "env_vars": {"OPENAI_API_KEY": "sk-proj-0123456789abcdefghijklmnopqrstuv"}}`,
	"evil.json":   `{"schema_version": "v0.1.0", "name": "evil\u001b[2Jname", "image": "mcp/evil:1", "transport": "stdio"}`,
}

// TestImportFromToolHive takes over ToolHive's servers: images run with docker run (each
// variable passed by name only), an npx:// package with npx, a credential written inline
// goes to the keychain, a ToolHive secret in the environment store is taken from it and one
// in its own store is needed; every server MCP Tray cannot run is named with the reason.
func TestImportFromToolHive(t *testing.T) {
	w := newClientWorld(t)
	dir := filepath.Join(w.Env.Home, ".local", "state", "toolhive", "runconfigs")
	for name, content := range toolHiveRunConfigs {
		write(t, filepath.Join(dir, name), content)
	}
	t.Setenv("TOOLHIVE_SECRET_github-token", "")
	keys := keychain.NewMemory()
	plan, err := PlanManagerImport(ImportOptions{Home: w.Home, Env: w.Env, Binary: testBinary, Keys: keys}, "toolhive", "")
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Name    string
		Command string
		Args    []string
	}
	var got []row
	notes := map[string]string{}
	for _, s := range plan.Servers {
		got = append(got, row{s.Name, s.Server.Command, s.Server.Args})
		notes[s.Name] = s.Note
	}
	want := []row{
		{"GitHub", "docker", []string{"run", "-i", "--rm", "ghcr.io/github/github-mcp-server:v0.13.0"}},
		{"evil--2Jname", "docker", []string{"run", "-i", "--rm", "mcp/evil:1"}},
		{"github-2", "docker", []string{"run", "-i", "--rm", "-e", "GITHUB_TOOLSETS", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN", "ghcr.io/github/github-mcp-server:v0.14.0"}},
		{"memory", "npx", []string{"-y", "@modelcontextprotocol/server-memory@2025.4.25"}},
		{"openai", "docker", []string{"run", "-i", "--rm", "-e", "OPENAI_API_KEY", "mcp/openai:1.2", "--model", "gpt-5"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
	wantNotes(t, notes, map[string]string{
		"github-2": `named "github-2" because "github" differs from "GitHub" only in capitals`,
		"memory":   "the folders ToolHive mounted into its container are not needed",
	})
	if !strings.Contains(notes["github-2"], "mcptray sandbox github-2") {
		t.Errorf("github's permission profile is not mentioned: %q", notes["github-2"])
	}
	if diff := cmp.Diff([]NeededSecret{{Server: "github-2", Key: "GITHUB_PERSONAL_ACCESS_TOKEN", Where: `ToolHive's secret "github-token"`}}, plan.Needed); diff != "" {
		t.Errorf("needed (-want +got):\n%s", diff)
	}
	wantSkipped(t, plan.ImportPlan, map[string]string{
		"notion": "it is a remote server",
		"fetch":  "ToolHive runs it as a container that answers over the network (streamable-http)",
		"osv":    "ToolHive builds it from Go source",
	})
	if len(plan.Servers)+len(plan.Skipped) != len(toolHiveRunConfigs) {
		t.Errorf("%d planned and %d skipped of %d run configs: one was dropped without a word", len(plan.Servers), len(plan.Skipped), len(toolHiveRunConfigs))
	}

	// The person gives the GitHub token when asked; the rest goes as planned.
	plan.Provide("github-2", "GITHUB_PERSONAL_ACCESS_TOKEN", "ghp_given0123456789abcdefghijklmnopqrstu")
	if len(plan.Needed) != 0 {
		t.Errorf("still needed after it was given: %+v", plan.Needed)
	}
	if _, err := plan.Execute(context.Background()); err != nil {
		t.Fatal(err)
	}
	cfg, err := w.Home.Load()
	if err != nil {
		t.Fatal(err)
	}
	if s := cfg.Servers["openai"]; s == nil || !cmp.Equal(s.Secrets, []string{"OPENAI_API_KEY"}) || len(s.Env) != 0 {
		t.Errorf("the inline credential was not moved to the keychain: %+v", s)
	}
	if s := cfg.Servers["github-2"]; s == nil || !cmp.Equal(s.Secrets, []string{"GITHUB_PERSONAL_ACCESS_TOKEN"}) || s.Env["GITHUB_TOOLSETS"] != "repos,issues" {
		t.Errorf("the github server is %+v", s)
	}
	for _, ref := range [][3]string{{"openai", "OPENAI_API_KEY", "sk-proj-"}, {"github-2", "GITHUB_PERSONAL_ACCESS_TOKEN", "ghp_given"}} {
		if v, err := keys.Get(context.Background(), ref[0], ref[1]); err != nil || !strings.HasPrefix(v, ref[2]) {
			t.Errorf("the keychain holds %q for %s/%s (%v)", v, ref[0], ref[1], err)
		}
	}
}

// TestImportFromToolHiveEnvironmentSecret takes a ToolHive secret from ToolHive's
// environment store (TOOLHIVE_SECRET_<NAME>) instead of asking for it, and a server MCP Tray
// does not get the value for is declared with its secret missing, so `secret list` shows it.
func TestImportFromToolHiveEnvironmentSecret(t *testing.T) {
	w := newClientWorld(t)
	dir := filepath.Join(w.Env.Home, "exported")
	write(t, filepath.Join(dir, "a.json"), `{"schema_version": "v0.1.0", "name": "a", "image": "mcp/a:1", "transport": "stdio", "secrets": ["a-token,target=A_TOKEN"]}`)
	write(t, filepath.Join(dir, "b.json"), `{"schema_version": "v0.1.0", "name": "b", "image": "mcp/b:1", "transport": "stdio", "secrets": ["b-token,target=B_TOKEN"]}`)
	t.Setenv("TOOLHIVE_SECRET_a-token", "from-the-environment-0123456789")
	t.Setenv("TOOLHIVE_SECRET_b-token", "")
	keys := keychain.NewMemory()
	plan, err := PlanManagerImport(ImportOptions{Home: w.Home, Env: w.Env, Binary: testBinary, Keys: keys}, "toolhive", dir)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]NeededSecret{{Server: "b", Key: "B_TOKEN", Where: `ToolHive's secret "b-token"`}}, plan.Needed); diff != "" {
		t.Errorf("needed (-want +got):\n%s", diff)
	}
	if _, err := plan.Execute(context.Background()); err != nil {
		t.Fatal(err)
	}
	cfg, err := w.Home.Load()
	if err != nil {
		t.Fatal(err)
	}
	if v, err := keys.Get(context.Background(), "a", "A_TOKEN"); err != nil || v != "from-the-environment-0123456789" {
		t.Errorf("a's token in the keychain: %q, %v", v, err)
	}
	if b := cfg.Servers["b"]; b == nil || !cmp.Equal(b.Secrets, []string{"B_TOKEN"}) {
		t.Errorf("b does not declare its missing secret: %+v", b)
	}
	if _, err := keys.Get(context.Background(), "b", "B_TOKEN"); err == nil {
		t.Error("a secret nobody gave is in the keychain")
	}

	write(t, filepath.Join(w.Env.Home, "not-toolhive.json"), `{"mcpServers": {}}`)
	if _, err := PlanManagerImport(ImportOptions{Home: w.Home, Env: w.Env, Keys: keys}, "toolhive", filepath.Join(w.Env.Home, "not-toolhive.json")); err == nil || !strings.Contains(err.Error(), "is not a ToolHive run config") {
		t.Errorf("a file that is not a run config: %v", err)
	}
}
