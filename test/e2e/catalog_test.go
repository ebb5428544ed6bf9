package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/catalog"
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

// pinned is the exact version the built-in catalog installs for id.
func pinned(t *testing.T, id string) string {
	t.Helper()
	c, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	e, ok := c.Lookup(id)
	if !ok {
		t.Fatalf("the built-in catalog has no %q", id)
	}
	return e.Version()
}

func decode[T any](t *testing.T, what, out string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("%s is not the documented JSON: %v\n%s", what, err, out)
	}
	return v
}

func TestCatalogListGroupsEntriesAndPrintsJSON(t *testing.T) {
	u := testbin.NewUser(t)
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
		Category: "Files & documents", Version: pinned(t, "filesystem"), Needs: "node", ReadOnly: &no,
		Origin: "built-in", Source: "https://github.com/modelcontextprotocol/servers/tree/main/src/filesystem",
	}
	if diff := cmp.Diff(want, list.Entries[i]); diff != "" {
		t.Errorf("filesystem in catalog list --json (-want +got):\n%s", diff)
	}
}

func TestCatalogSearchFindsByWord(t *testing.T) {
	u := testbin.NewUser(t)
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
	u := testbin.NewUser(t)
	out := u.OK("catalog", "show", "filesystem")
	for _, want := range []string{
		"npx -y @modelcontextprotocol/server-filesystem@" + pinned(t, "filesystem") + " <allowed_directory>",
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

// configFile reads config.json's parts that install writes.
func configFile(t *testing.T, u *testbin.User) (sources map[string]map[string]string, clients map[string]json.RawMessage) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(u.Home, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Servers map[string]struct {
			Source map[string]string `json:"source"`
		} `json:"servers"`
		Clients map[string]json.RawMessage `json:"clients"`
	}
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	sources = map[string]map[string]string{}
	for name, s := range c.Servers {
		sources[name] = s.Source
	}
	return sources, c.Clients
}

func TestInstallFilesystemWritesThePinnedCommand(t *testing.T) {
	u := testbin.NewUser(t)
	docs := filepath.Join(u.Dir, "Documents")
	ver := pinned(t, "filesystem")
	out := u.OK("install", "filesystem", "--set", "allowed_directory="+docs, "--client", "claude-desktop")
	if !strings.Contains(out, "It will run: npx -y @modelcontextprotocol/server-filesystem@"+ver+" "+docs) ||
		!strings.Contains(out, "Installed filesystem (Filesystem, version "+ver+"). It starts when MCP Tray runs") {
		t.Errorf("install says:\n%s", out)
	}
	want := []listedServer{{Name: "filesystem", Command: "npx", Args: []string{"-y", "@modelcontextprotocol/server-filesystem@" + ver, docs}, Secrets: []string{}}}
	if diff := cmp.Diff(want, servers(t, u)); diff != "" {
		t.Errorf("server list --json after install (-want +got):\n%s", diff)
	}
	sources, clients := configFile(t, u)
	if diff := cmp.Diff(map[string]map[string]string{"filesystem": {"catalog": "filesystem", "version": ver}}, sources); diff != "" {
		t.Errorf("config.json sources (-want +got):\n%s", diff)
	}
	if got := string(clients["claude-desktop"]); !strings.Contains(got, `"enabled": true`) {
		t.Errorf("config.json clients.claude-desktop is %s; want enabled", got)
	}
}

func TestInstallKeepsTheSecretInTheKeychainOnly(t *testing.T) {
	needKeyring(t)
	u := testbin.NewUser(t)
	const value = "BSAe2e-install-secret-7c41f0"
	cmd := u.Command("install", "brave-search", "--client", "cursor")
	cmd.Stdin = strings.NewReader(value + "\n")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("install brave-search: %v\n%s%s", err, stdout.String(), stderr.String())
	}
	if strings.Contains(stdout.String()+stderr.String(), value) {
		t.Fatalf("install printed the secret:\n%s%s", stdout.String(), stderr.String())
	}
	if got := servers(t, u); len(got) != 1 || !slices.Equal(got[0].Secrets, []string{"BRAVE_API_KEY"}) || slices.Contains(got[0].Args, value) {
		t.Errorf("server list --json after install: %+v", got)
	}
	if out := u.OK("secret", "list", "brave-search"); !strings.Contains(out, "BRAVE_API_KEY  set") {
		t.Errorf("secret list brave-search says %q; want BRAVE_API_KEY set", out)
	}
	if hits := filesContaining(t, u.Dir, value); len(hits) > 0 {
		t.Fatalf("the secret's value is written in %v", hits)
	}
}

func TestInstallNamesWhatIsMissing(t *testing.T) {
	u := testbin.NewUser(t)
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
	u := testbin.NewUser(t)
	_, errs, code := u.Run("install", "no-such-server")
	if code != 1 || !strings.Contains(errs, `"no-such-server"`) || !strings.Contains(errs, "mcptray catalog search") {
		t.Errorf("install of an unknown id: exit %d, %q", code, errs)
	}
}

func TestInstallNameClashSuggestsName(t *testing.T) {
	u := testbin.NewUser(t)
	dir := "allowed_directory=" + u.Dir
	u.OK("install", "filesystem", "--set", dir)
	_, errs, code := u.Run("install", "filesystem", "--set", dir)
	if code != 1 || !strings.Contains(errs, `already a server named "filesystem"`) || !strings.Contains(errs, "--name") {
		t.Errorf("second install: exit %d, %q; want 1 and a hint to use --name", code, errs)
	}
	u.OK("install", "filesystem", "--set", dir, "--name", "home-files")
	var names []string
	for _, s := range servers(t, u) {
		names = append(names, s.Name)
	}
	if diff := cmp.Diff([]string{"filesystem", "home-files"}, names); diff != "" {
		t.Errorf("servers (-want +got):\n%s", diff)
	}
}

// TestInstalledNpmServerRuns installs the everything server exactly as a person would: the
// command is `npx -y @modelcontextprotocol/server-everything@VERSION`, which npx fetches from
// the npm registry (into the test HOME's npm cache) the first time.
func TestInstalledNpmServerRuns(t *testing.T) {
	if _, err := exec.LookPath("npx"); err != nil {
		t.Fatal("npx is not installed: install Node.js (it brings npx); `make test` does")
	}
	needNode(t)
	u := testbin.NewUser(t)
	u.OK("install", "everything")
	u.Daemon()
	// The first start downloads the package: wait for the server's own start-up line.
	deadline := time.Now().Add(3 * time.Minute)
	for !strings.Contains(u.OK("logs", "everything"), "Starting default (STDIO) server") {
		if time.Now().After(deadline) {
			st, _, _ := u.Run("server", "status", "everything")
			logs, _, _ := u.Run("logs", "everything")
			t.Fatalf("the installed everything server did not start within 3 minutes (npx needs the npm registry the first time):\n%s\n%s", st, logs)
		}
		time.Sleep(100 * time.Millisecond)
	}
	u.WaitRunning("everything")
	res := tsClient(t, u.Env, []string{"tools"}, u.Bin, "connect", "everything")
	var tools []struct{ Name string }
	json.Unmarshal(res["tools"], &tools)
	if !slices.ContainsFunc(tools, func(tl struct{ Name string }) bool { return tl.Name == "echo" }) {
		t.Fatalf("tools listed through mcptray connect: %s; want echo among them", res["tools"])
	}
}
