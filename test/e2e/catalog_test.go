package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/internal/testbin"
)

// catalogItem mirrors one entry of `catalog list|search --json` (docs/catalog-json.md).
type catalogItem struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Title    string `json:"title"`
	Summary  string `json:"summary"`
	Category string `json:"category"`
	Version  string `json:"version"`
	Needs    string `json:"needs"`
	ReadOnly *bool  `json:"readOnly"`
	Origin   string `json:"origin"`
	Source   string `json:"source"`
}

// catalogDetail mirrors `catalog show --json`.
type catalogDetail struct {
	catalogItem
	Description string            `json:"description"`
	Runtime     string            `json:"runtime"`
	Command     string            `json:"command"`
	Args        []string          `json:"args"`
	Env         map[string]string `json:"env"`
	Secrets     []string          `json:"secrets"`
	Questions   []struct {
		Key      string `json:"key"`
		Required bool   `json:"required"`
		Secret   bool   `json:"secret"`
		Format   string `json:"format"`
	} `json:"questions"`
}

func decode[T any](t *testing.T, what, out string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("%s is not the documented JSON: %v\n%s", what, err, out)
	}
	return v
}

// offlineUser is a user whose MCP Tray does not ask the live MCP Registry, so the catalog
// commands show the built-in catalog only (test/install covers the registry).
func offlineUser(t *testing.T) *testbin.User {
	t.Helper()
	u := testbin.NewUser(t)
	if err := os.MkdirAll(u.Home, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(u.Home, "config.json"), []byte(`{"servers": {}, "settings": {"registryURL": "off"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	return u
}

func TestCatalogListGroupsEntriesAndPrintsJSON(t *testing.T) {
	u := offlineUser(t)
	out := u.OK("catalog", "list")
	for _, want := range []string{
		"Files & documents\n",
		"  filesystem ",
		"Filesystem: Lets your AI read and change files, but only inside the folders you pick. Needs Node.js; can change things.",
		"Needs Docker;",
		"Needs uv;",
		"read-only.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("catalog list lacks %q:\n%s", want, out)
		}
	}

	list := decode[struct{ Entries []catalogItem }](t, "catalog list --json", u.OK("catalog", "list", "--json"))
	if len(list.Entries) < 20 {
		t.Fatalf("catalog list --json has %d entries, want at least 20", len(list.Entries))
	}
	i := slices.IndexFunc(list.Entries, func(it catalogItem) bool { return it.ID == "filesystem" })
	if i < 0 {
		t.Fatal("catalog list --json lacks filesystem")
	}
	no := false
	want := catalogItem{
		ID: "filesystem", Name: "io.github.modelcontextprotocol/server-filesystem", Title: "Filesystem",
		Summary:  "Lets your AI read and change files, but only inside the folders you pick.",
		Category: "Files & documents", Version: testbin.Pinned(t, "filesystem"), Needs: "node", ReadOnly: &no,
		Origin: "built-in", Source: "https://github.com/modelcontextprotocol/servers/tree/main/src/filesystem",
	}
	if diff := cmp.Diff(want, list.Entries[i]); diff != "" {
		t.Errorf("filesystem in catalog list --json (-want +got):\n%s", diff)
	}
}

func TestCatalogSearchFindsByWord(t *testing.T) {
	u := offlineUser(t)
	if out := u.OK("catalog", "search", "github"); !strings.HasPrefix(out, "github ") {
		t.Errorf("catalog search github does not put github first:\n%s", out)
	}
	res := decode[struct {
		Query   string
		Entries []catalogItem
	}](t, "catalog search --json", u.OK("catalog", "search", "web", "search", "--json"))
	if res.Query != "web search" || len(res.Entries) == 0 || res.Entries[0].ID != "brave-search" {
		t.Errorf("catalog search web search --json: query %q, entries %+v; want brave-search first", res.Query, res.Entries)
	}
	if out := u.OK("catalog", "search", "zzzqqq"); !strings.Contains(out, `Nothing in the catalog matches "zzzqqq"`) {
		t.Errorf("a search with no match says %q", out)
	}
	if out := u.OK("catalog", "search", "zzzqqq", "--json"); !strings.Contains(out, `"entries": []`) {
		t.Errorf("a search with no match prints %s; want an empty entries array", out)
	}
}

func TestCatalogShowTellsWhatRunsAndWhatIsAsked(t *testing.T) {
	u := offlineUser(t)
	out := u.OK("catalog", "show", "filesystem")
	for _, want := range []string{
		"npx -y @modelcontextprotocol/server-filesystem@" + testbin.Pinned(t, "filesystem") + " <allowed_directory>",
		"https://github.com/modelcontextprotocol/servers/tree/main/src/filesystem",
		"allowed_directory (required; a full path; can be given more than once)",
		"A folder the AI may use.",
		"mcptray install filesystem --set allowed_directory=",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("catalog show filesystem lacks %q:\n%s", want, out)
		}
	}

	d := decode[catalogDetail](t, "catalog show --json", u.OK("catalog", "show", "github", "--json"))
	if d.Command != "docker" || d.Runtime != "docker" || d.Needs != "docker" || d.ReadOnly == nil || *d.ReadOnly {
		t.Errorf("catalog show github --json: command %q, runtime %q, needs %q, readOnly %v", d.Command, d.Runtime, d.Needs, d.ReadOnly)
	}
	if diff := cmp.Diff([]string{"GITHUB_PERSONAL_ACCESS_TOKEN"}, d.Secrets); diff != "" {
		t.Errorf("secrets (-want +got):\n%s", diff)
	}
	if len(d.Args) == 0 || !strings.HasPrefix(d.Args[len(d.Args)-1], "ghcr.io/github/github-mcp-server:") {
		t.Errorf("args %q do not end with the pinned image", d.Args)
	}
	if len(d.Questions) == 0 || d.Questions[0].Key != "GITHUB_PERSONAL_ACCESS_TOKEN" || !d.Questions[0].Secret || !d.Questions[0].Required {
		t.Errorf("first question is %+v; want the required secret token", d.Questions)
	}

	_, errs, code := u.Run("catalog", "show", "no-such-server")
	if code != 1 || !strings.Contains(errs, "mcptray catalog search") {
		t.Errorf("catalog show of an unknown id: exit %d, %q; want 1 and a hint to search", code, errs)
	}
}

// listedServer is one row of `server list --json` with the fields install sets.
type listedServer struct {
	Name    string   `json:"name"`
	Command string   `json:"command"`
	Args    []string `json:"args"`
	Secrets []string `json:"secrets"`
}

func servers(t *testing.T, u *testbin.User) []listedServer {
	t.Helper()
	return decode[struct{ Servers []listedServer }](t, "server list --json", u.OK("server", "list", "--json")).Servers
}

func TestInstallNamesWhatIsMissing(t *testing.T) {
	u := offlineUser(t)
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"install", "filesystem"}, []string{"allowed_directory", "--set allowed_directory="}},
		// No secret on standard input: the install stops before anything is stored.
		{[]string{"install", "brave-search"}, []string{"BRAVE_API_KEY", "standard input"}},
		{[]string{"install", "brave-search", "--set", "BRAVE_API_KEY=on-the-command-line"}, []string{"BRAVE_API_KEY is a secret"}},
		{[]string{"install", "filesystem", "--set", "allowed_directory=relative/path"}, []string{"full path"}},
		{[]string{"install", "time", "--set", "colour=blue"}, []string{`"colour"`, "local-timezone"}},
		{[]string{"install", "time", "--client", "no-such-app"}, []string{"claude-desktop", "cursor"}},
	} {
		_, errs, code := u.Run(tc.args...)
		first, _, _ := strings.Cut(errs, "\n")
		if code != 2 || strings.Count(first, ". ") > 1 {
			t.Errorf("%v: exit %d, %q; want exit 2 and one sentence", tc.args, code, errs)
		}
		for _, w := range tc.want {
			if !strings.Contains(first, w) {
				t.Errorf("%v: %q does not mention %q", tc.args, first, w)
			}
		}
	}
	if got := servers(t, u); len(got) != 0 {
		t.Errorf("failed installs left servers behind: %+v", got)
	}
}

func TestInstallUnknownIDSuggestsSearch(t *testing.T) {
	u := offlineUser(t)
	_, errs, code := u.Run("install", "no-such-server")
	if code != 1 || !strings.Contains(errs, `"no-such-server"`) || !strings.Contains(errs, "mcptray catalog search") {
		t.Errorf("install of an unknown id: exit %d, %q", code, errs)
	}
}

func TestInstallNameClashSuggestsName(t *testing.T) {
	u := offlineUser(t)
	taken := `{"settings": {"registryURL": "off"}, "servers": {"filesystem": {"command": "my-files"}}}`
	if err := os.WriteFile(filepath.Join(u.Home, "config.json"), []byte(taken), 0o600); err != nil {
		t.Fatal(err)
	}
	_, errs, code := u.Run("install", "filesystem", "--set", "allowed_directory="+u.Dir)
	if code != 1 || !strings.Contains(errs, `already a server named "filesystem"`) || !strings.Contains(errs, "--name") {
		t.Errorf("install under a taken name: exit %d, %q; want 1 and a hint to use --name", code, errs)
	}
	if got := servers(t, u); len(got) != 1 || got[0].Command != "my-files" {
		t.Errorf("the person's own filesystem server changed: %+v", got)
	}
}

// The install itself (server started, tools listed, client files, secrets, failures that
// leave nothing behind, updates) is tested with the real npm servers in test/install.
