package reconcile

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/keychain"
)

// dockerMCPFiles are the files of ~/.docker/mcp in the forms the docker-mcp plugin writes
// (docker/mcp-gateway: registry.yaml as cmd/docker-mcp/internal/config registry.go reads it,
// the catalog as pkg/catalog types.go and catalog_test.go write it, with entries shaped like
// Docker's own catalog: github-official with a secret and a templated setting, filesystem
// with the gateway's volume filters, a remote one, a poci one), config.yaml with a
// credential written inline and tools.yaml narrowing a server's tools. "mystery" is switched
// on but in no catalog.
var dockerMCPFiles = map[string]string{
	"registry.yaml": `registry:
  github-official:
    ref: ""
  filesystem:
    ref: ""
  atlassian-remote:
    ref: ""
  curl:
    ref: ""
  sqlite:
    ref: ""
  mystery:
    ref: ""
`,
	"catalogs/docker-mcp.yaml": `registry:
  github-official:
    description: Official GitHub MCP Server, by GitHub.
    title: GitHub Official
    type: server
    image: ghcr.io/github/github-mcp-server@sha256:3b7c2ffa4a7f8ddf0fd6b4e1a0d4a5b2f0e3c4d5e6f708192a3b4c5d6e7f8091
    secrets:
      - name: github.personal_access_token
        env: GITHUB_PERSONAL_ACCESS_TOKEN
        example: <YOUR_TOKEN>
    env:
      - name: GITHUB_TOOLSETS
        value: '{{github-official.toolsets}}'
      - name: GITHUB_READ_ONLY
        value: '{{github-official.read_only}}'
  filesystem:
    type: server
    image: mcp/filesystem@sha256:35fcf0217ab0ef10ebc1a7c9ed3d5c6c2a4d6a8bb5b6c9f0e6f5d4c3b2a19080
    command:
      - '{{filesystem.paths|volume-target|into}}'
    volumes:
      - '{{filesystem.paths|volume|into}}'
  atlassian-remote:
    type: remote
    remote:
      url: https://mcp.atlassian.com/v1/sse
      transport_type: sse
  curl:
    type: poci
    tools:
      - name: curl
        description: Run curl
        container:
          image: alpine/curl
          command: ['{{args|into}}']
  sqlite:
    type: server
    image: mcp/sqlite:latest
    command: ["--db-path", "/mcp/{{sqlite.db}}"]
    disableNetwork: true
    env:
      - name: SQLITE_API_KEY
        value: '{{sqlite.api_key}}'
      - name: SQLITE_PAGE_SIZE
        value: '{{sqlite.page_size}}'
`,
	"config.yaml": `github-official:
  toolsets: repos,issues
sqlite:
  db: notes.db
  api_key: sk-live-0123456789abcdefghijklmn
  page_size: 4096
`,
	"tools.yaml": `github-official:
  - get_issue
  - list_issues
`,
}

// TestImportFromDockerMCPToolkit takes over the servers switched on in Docker's MCP
// Toolkit: containers run with docker run as the gateway ran them, settings filled in from
// config.yaml, a credential written there moved to the keychain, Docker's secret store
// asked for, and every server MCP Tray cannot run named with the reason.
func TestImportFromDockerMCPToolkit(t *testing.T) {
	w := newClientWorld(t)
	dir := filepath.Join(w.Env.Home, ".docker", "mcp")
	for name, content := range dockerMCPFiles {
		write(t, filepath.Join(dir, name), content)
	}
	keys := keychain.NewMemory()
	plan, err := PlanManagerImport(ImportOptions{Home: w.Home, Env: w.Env, Binary: testBinary, Keys: keys}, "docker", "")
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Name string
		Args []string
		Env  map[string]string
	}
	var got []row
	notes := map[string]string{}
	for _, s := range plan.Servers {
		got = append(got, row{s.Name, s.Server.Args, s.Server.Env})
		notes[s.Name] = s.Note
		if s.Server.Command != "docker" {
			t.Errorf("%s runs %q", s.Name, s.Server.Command)
		}
	}
	want := []row{
		{"github-official", []string{"run", "-i", "--rm", "-e", "GITHUB_TOOLSETS", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN",
			"ghcr.io/github/github-mcp-server@sha256:3b7c2ffa4a7f8ddf0fd6b4e1a0d4a5b2f0e3c4d5e6f708192a3b4c5d6e7f8091"}, map[string]string{"GITHUB_TOOLSETS": "repos,issues"}},
		{"sqlite", []string{"run", "-i", "--rm", "-e", "SQLITE_API_KEY", "-e", "SQLITE_PAGE_SIZE", "--network", "none", "mcp/sqlite:latest", "--db-path", "/mcp/notes.db"},
			map[string]string{"SQLITE_PAGE_SIZE": "4096"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
	wantNotes(t, notes, map[string]string{
		"github-official": "its setting GITHUB_READ_ONLY is left out, because it comes from {{github-official.read_only}}",
	})
	if !strings.Contains(notes["github-official"], "let only get_issue, list_issues of its tools run") {
		t.Errorf("the tools Docker left on are not mentioned: %q", notes["github-official"])
	}
	if diff := cmp.Diff([]NeededSecret{{Server: "github-official", Key: "GITHUB_PERSONAL_ACCESS_TOKEN", Where: `Docker's secret "github.personal_access_token"`}}, plan.Needed); diff != "" {
		t.Errorf("needed (-want +got):\n%s", diff)
	}
	wantSkipped(t, plan.ImportPlan, map[string]string{
		"filesystem":       "its command uses {{filesystem.paths|volume-target|into}}",
		"atlassian-remote": "it is a remote server",
		"curl":             "its tools are one-off containers",
		"mystery":          "Docker's MCP Toolkit has it switched on, but no catalog file here says how to run it",
	})
	if len(plan.Servers)+len(plan.Skipped) != 6 {
		t.Errorf("%d planned and %d skipped of 6 switched on: one was dropped without a word", len(plan.Servers), len(plan.Skipped))
	}

	if _, err := plan.Execute(context.Background()); err != nil {
		t.Fatal(err)
	}
	cfg, err := w.Home.Load()
	if err != nil {
		t.Fatal(err)
	}
	if s := cfg.Servers["sqlite"]; s == nil || !cmp.Equal(s.Secrets, []string{"SQLITE_API_KEY"}) {
		t.Errorf("the credential in config.yaml was not moved to the keychain: %+v", s)
	}
	if v, _ := keys.Get(context.Background(), "sqlite", "SQLITE_API_KEY"); v != "sk-live-0123456789abcdefghijklmn" {
		t.Errorf("the keychain holds %q", v)
	}
	if s := cfg.Servers["github-official"]; s == nil || !cmp.Equal(s.Secrets, []string{"GITHUB_PERSONAL_ACCESS_TOKEN"}) {
		t.Errorf("github-official does not declare the token nobody gave yet: %+v", s)
	}
	if got := read(t, filepath.Join(dir, "registry.yaml")); got != dockerMCPFiles["registry.yaml"] {
		t.Error("the import changed Docker's registry.yaml")
	}

	if _, err := PlanManagerImport(ImportOptions{Home: w.Home, Env: w.Env, Keys: keys}, "docker", filepath.Join(w.Env.Home, "nowhere")); err == nil {
		t.Error("a folder without registry.yaml was read as Docker's setup")
	}
}

// dockerProfile is a profile in the form `docker mcp profile export NAME FILE` writes it
// (docker/mcp-gateway pkg/workingset workingset.go WorkingSet, and the YAML example of its
// docs/profiles.md): an image with the snapshot of its catalog entry and its settings, an
// MCP Registry reference, and an image without a snapshot.
const dockerProfile = `version: 1
id: dev-tools
name: Dev Tools
servers:
  - type: image
    image: mcp/github:latest
    config:
      toolsets: repos
    secrets: default
    tools:
      - get_issue
    snapshot:
      server:
        name: github
        type: server
        image: mcp/github:latest
        secrets:
          - name: github.personal_access_token
            env: GITHUB_PERSONAL_ACCESS_TOKEN
        env:
          - name: GITHUB_TOOLSETS
            value: '{{github.toolsets}}'
  - type: registry
    source: https://registry.modelcontextprotocol.io/v0/servers/71de5a2a-6cfb-4250-a196-f93080ecc860
    secrets: default
  - type: image
    image: docker.io/mcp/slack:1.2@sha256:0123
secrets:
  default:
    provider: docker-desktop-store
`

// TestImportFromDockerProfile takes over the servers of an exported Docker MCP profile.
func TestImportFromDockerProfile(t *testing.T) {
	w := newClientWorld(t)
	path := filepath.Join(w.Env.Home, "dev-tools.yaml")
	write(t, path, dockerProfile)
	plan, err := PlanManagerImport(ImportOptions{Home: w.Home, Env: w.Env, Binary: testBinary, Keys: keychain.NewMemory()}, "docker", path)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Name string
		Args []string
	}
	var got []row
	for _, s := range plan.Servers {
		got = append(got, row{s.Name, s.Server.Args})
	}
	want := []row{
		{"github", []string{"run", "-i", "--rm", "-e", "GITHUB_TOOLSETS", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN", "mcp/github:latest"}},
		{"slack", []string{"run", "-i", "--rm", "docker.io/mcp/slack:1.2@sha256:0123"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
	if plan.Servers[0].Server.Env["GITHUB_TOOLSETS"] != "repos" || !strings.Contains(plan.Servers[1].Note, "Docker's profile does not describe it") {
		t.Errorf("plan: %+v", plan.Servers)
	}
	if len(plan.Skipped) != 1 || !strings.Contains(plan.Skipped[0].Reason, "only by its MCP Registry address") || len(plan.Needed) != 1 {
		t.Errorf("skipped %+v, needed %+v", plan.Skipped, plan.Needed)
	}
}
