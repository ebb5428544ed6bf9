package install

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/internal/testbin"
	"github.com/mcptray/mcptray/keychain"
	"github.com/mcptray/mcptray/supervisor"
)

// TestInstallFilesystemWithAFolder installs the real filesystem server exactly as a person
// would from a terminal with no MCP Tray running: install starts MCP Tray, which installs
// @modelcontextprotocol/server-filesystem@VERSION into its own folder, runs it with node on
// DIR, waits for its tools, and writes Claude Desktop's file.
func TestInstallFilesystemWithAFolder(t *testing.T) {
	testbin.NeedNpx(t)
	u := newUser(t, "off", testbin.NpmCache())
	docs := filepath.Join(u.Dir, "My Documents")
	if err := os.MkdirAll(docs, 0o700); err != nil {
		t.Fatal(err)
	}
	ver := testbin.Pinned(t, "filesystem")
	out, errs, code := u.RunInput("", "install", "filesystem", "--set", "allowed_directory="+docs, "--client", "claude-desktop")
	if code != 0 {
		t.Fatalf("install filesystem: exit %d\n%s%s", code, out, errs)
	}
	for _, want := range []string{
		"It will install @modelcontextprotocol/server-filesystem@" + ver + " from npm into MCP Tray's own folder",
		"It will run: node <@modelcontextprotocol/server-filesystem> '" + docs + "'",
		"Filesystem is installed and works: it offers ",
		"Installed filesystem (Filesystem, version " + ver + ").",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("install says no %q:\n%s", want, out)
		}
	}

	frozen := checkFrozen(t, u, "filesystem", "@modelcontextprotocol/server-filesystem", ver)
	if diff := cmp.Diff([]string{docs}, frozen.Args[1:]); diff != "" {
		t.Errorf("config.json args after the installed program (-want +got):\n%s", diff)
	}
	srv := u.ConfigServers()["filesystem"]
	if srv.Source == nil || srv.Source.Catalog != "filesystem" || srv.Source.Version != ver {
		t.Errorf("config.json source = %v", srv.Source)
	}
	if tools := recordedTools(t, u, "filesystem"); !slices.Contains(tools, "list_directory") || !slices.Contains(tools, "read_text_file") {
		t.Errorf("tools MCP Tray recorded: %v; want list_directory and read_text_file among them", tools)
	}
	if st := u.State("filesystem"); st.State != "running" {
		t.Errorf("filesystem is %q after install; want running", st.State)
	}
	claude := clientFile(t, filepath.Join(u.Dir, ".config", "Claude", "claude_desktop_config.json"))
	if e := claude["filesystem"]; e.Command != u.Bin || !slices.Equal(e.Args, []string{"connect", "filesystem"}) {
		t.Errorf("Claude Desktop's entry for filesystem: %+v; want %s connect filesystem", e, u.Bin)
	}
}

// everythingEntry is a registry entry for the real everything server with a required secret,
// which the server ignores: it shows a secret going to the keychain and nowhere else.
func everythingEntry(name, version string) string {
	return `{
  "name": "` + name + `",
  "description": "The MCP test server, with a token.",
  "version": "` + version + `",
  "packages": [{
    "registryType": "npm",
    "identifier": "@modelcontextprotocol/server-everything",
    "version": "` + version + `",
    "transport": {"type": "stdio"},
    "environmentVariables": [
      {"name": "EVERYTHING_TOKEN", "description": "A token for the test", "isRequired": true, "isSecret": true}
    ]
  }]
}`
}

// TestInstallEverythingKeepsTheSecretInTheKeychainOnly installs the real everything server
// from a (local) MCP Registry, with a secret piped on standard input as a script would, and
// then lists its tools with the official TypeScript SDK client through mcptray connect.
func TestInstallEverythingKeepsTheSecretInTheKeychainOnly(t *testing.T) {
	testbin.NeedNpx(t)
	needKeyring(t)
	const name, secret = "io.github.mcptray-test/everything", "tok-e2e-5f1c8a0b93"
	reg := newRegistry(t, everythingEntry(name, testbin.Pinned(t, "everything")))
	u := newUser(t, reg.URL, testbin.NpmCache())
	u.Daemon()
	out, errs, code := u.RunInput(secret+"\n", "install", name, "--client", "cursor")
	if code != 0 {
		t.Fatalf("install %s: exit %d\n%s%s", name, code, out, errs)
	}
	if strings.Contains(out+errs, secret) {
		t.Fatalf("install printed the secret:\n%s%s", out, errs)
	}
	srv, ok := u.ConfigServers()["everything"]
	if !ok || !slices.Equal(srv.Secrets, []string{"EVERYTHING_TOKEN"}) || srv.Env["EVERYTHING_TOKEN"] != "" {
		t.Errorf("config.json server everything: %+v; want secrets [EVERYTHING_TOKEN] and no value", srv)
	}
	if got := keychainValue(t, "everything", "EVERYTHING_TOKEN"); got != secret {
		t.Errorf("the keychain holds %q for EVERYTHING_TOKEN; want the piped secret", got)
	}
	if hits := filesContaining(t, u.Dir, secret); len(hits) > 0 {
		t.Fatalf("the secret's value is written in %v", hits)
	}
	if e := clientFile(t, filepath.Join(u.Dir, ".cursor", "mcp.json"))["everything"]; !slices.Equal(e.Args, []string{"connect", "everything"}) {
		t.Errorf("Cursor's entry for everything: %+v", e)
	}
	tools := tsListTools(t, u, "everything")
	if !slices.Contains(tools, "echo") {
		t.Errorf("tools listed by the TypeScript client through mcptray connect: %v; want echo among them", tools)
	}
}

// TestFailedInstallLeavesNothingBehind: a version npm does not have (npx fails after the
// secret was stored and the server added) and a runtime that is not installed both fail
// with one sentence, and leave no server, no secret and no client entry.
func TestFailedInstallLeavesNothingBehind(t *testing.T) {
	testbin.NeedNpx(t)
	needKeyring(t)
	const badName = "io.github.mcptray-test/everything-missing"
	missingRuntime, entry := missingRuntimeEntry(t)
	reg := newRegistry(t, everythingEntry(badName, "0.0.1-mcptray-no-such-version"), entry)
	u := newUser(t, reg.URL, testbin.NpmCache())
	cursor := filepath.Join(u.Dir, ".cursor", "mcp.json")
	if err := os.MkdirAll(filepath.Dir(cursor), 0o700); err != nil {
		t.Fatal(err)
	}
	mine := `{"mcpServers": {"mine": {"command": "my-server"}}}` + "\n"
	if err := os.WriteFile(cursor, []byte(mine), 0o600); err != nil {
		t.Fatal(err)
	}

	out, errs, code := u.RunInput("tok-never-kept\n", "install", badName, "--client", "cursor")
	first, _, _ := strings.Cut(strings.TrimPrefix(errs, "MCP Tray is not running; starting it in the background.\n"), "\n")
	if code != 1 || !strings.Contains(first, "could not be installed") || !strings.Contains(first, "Nothing was installed") {
		t.Errorf("install of a missing version: exit %d, stderr %q; want 1 and a sentence saying it could not be installed\n%s", code, errs, out)
	}
	if !strings.Contains(strings.ToLower(first), "no matching version") && !strings.Contains(first, "ETARGET") && !strings.Contains(first, "404") {
		t.Errorf("the failure does not give npm's reason: %q", first)
	}

	// (The uvx entry names a Python version, which uvx runs as written: a hazard allowed here.)
	_, errs, code = u.RunInput("", "install", "io.github.mcptray-test/"+missingRuntime, "--allow", "runtime:uvx")
	if code != 1 || !strings.Contains(errs, " from https://") {
		t.Errorf("install needing %s: exit %d, %q; want 1 and where to get it", missingRuntime, code, errs)
	}

	if got := u.ConfigServers(); len(got) != 0 {
		t.Errorf("failed installs left servers in config.json: %v", got)
	}
	if _, err := keychainGet(t, "everything-missing", "EVERYTHING_TOKEN"); !errors.Is(err, keychain.ErrNotFound) {
		t.Errorf("the secret of the failed install is still in the keychain (err %v)", err)
	}
	if b, _ := os.ReadFile(cursor); string(b) != mine {
		t.Errorf("Cursor's file changed:\n%s", b)
	}
	_, m := u.List()
	if len(m) != 0 {
		t.Errorf("MCP Tray still runs servers after the failed installs: %v", m)
	}
}

// missingRuntimeEntry returns a registry entry whose runtime (uvx or docker) is not on this
// computer, and its short name. The uvx entry names a Python version, so it is run with uvx
// as written rather than installed into MCP Tray's folder (which needs python3 or uv).
func missingRuntimeEntry(t *testing.T) (string, string) {
	t.Helper()
	if _, err := supervisor.ResolveCommand("uvx", ""); err != nil {
		return "time-uvx", `{"name": "io.github.mcptray-test/time-uvx", "description": "Time.", "version": "2026.8.18",
  "packages": [{"registryType": "pypi", "identifier": "mcp-server-time", "version": "2026.8.18", "transport": {"type": "stdio"},
    "runtimeArguments": [{"type": "named", "name": "--python", "value": "3.12"}]}]}`
	}
	if _, err := supervisor.ResolveCommand("docker", ""); err != nil {
		return "time-docker", `{"name": "io.github.mcptray-test/time-docker", "description": "Time.", "version": "1.0.0",
  "packages": [{"registryType": "oci", "identifier": "docker.io/mcp/time:1.0.0", "transport": {"type": "stdio"}}]}`
	}
	t.Fatal("this test needs a computer where uv (uvx) or Docker is not installed, to check the missing-runtime message; both were found")
	return "", ""
}

// TestCatalogSearchesTheRegistryAndWorksOffline: registry entries are listed and found while
// the registry answers, and still (from the cache) after it went away.
func TestCatalogSearchesTheRegistryAndWorksOffline(t *testing.T) {
	reg := newRegistry(t, everythingEntry("io.github.mcptray-test/weather-station", "1.2.3"))
	u := newUser(t, reg.URL, testbin.NpmCache())
	var res struct {
		Entries  []struct{ ID, Origin string }
		Registry string
	}
	search := func() {
		t.Helper()
		out, errs, code := u.RunInput("", "catalog", "search", "weather", "--json")
		if code != 0 {
			t.Fatalf("catalog search: exit %d %s", code, errs)
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatal(err)
		}
	}
	search()
	want := []struct{ ID, Origin string }{{"io.github.mcptray-test/weather-station", "registry"}}
	if diff := cmp.Diff(want, res.Entries); diff != "" || res.Registry != "live" {
		t.Errorf("catalog search weather with the registry up: registry %q, entries (-want +got):\n%s", res.Registry, diff)
	}
	if out, _, _ := u.RunInput("", "catalog", "list"); !strings.Contains(out, "From the MCP Registry") || !strings.Contains(out, "weather-station") {
		t.Errorf("catalog list lacks the registry's server:\n%s", out)
	}
	reg.Close()
	search()
	if diff := cmp.Diff(want, res.Entries); diff != "" {
		t.Errorf("catalog search weather offline (-want +got):\n%s", diff)
	}
	u2 := newUser(t, "off", testbin.NpmCache())
	if out, _, _ := u2.RunInput("", "catalog", "search", "weather"); !strings.Contains(out, "Nothing in the catalog matches") {
		t.Errorf("with the registry off, catalog search weather says:\n%s", out)
	}
}

// TestUpdateMovesToTheCatalogVersion: a filesystem server installed at an older version is
// listed by catalog outdated, and update moves it to the catalog's version, keeps its
// folder, and lists the tools of the new version.
func TestUpdateMovesToTheCatalogVersion(t *testing.T) {
	testbin.NeedNpx(t)
	u := newUser(t, "off", testbin.NpmCache())
	ver := testbin.Pinned(t, "filesystem")
	const old = "2025.8.21"
	docs := u.Dir
	writeConfig(t, u, `{"settings": {"registryURL": "off"}, "servers": {"filesystem": {
  "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem@`+old+`", "`+docs+`"], "noSpare": true,
  "source": {"catalog": "filesystem", "version": "`+old+`"}}}}`)
	out, errs, code := u.RunInput("", "catalog", "outdated", "--json")
	var res struct {
		Servers []struct{ Server, Installed, Latest, Origin string }
	}
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil {
		t.Fatalf("catalog outdated --json: exit %d %s%s", code, out, errs)
	}
	want := []struct{ Server, Installed, Latest, Origin string }{{"filesystem", old, ver, "built-in"}}
	if diff := cmp.Diff(want, res.Servers); diff != "" {
		t.Errorf("catalog outdated (-want +got):\n%s", diff)
	}
	out, errs, code = u.RunInput("", "update", "filesystem", "--yes")
	if code != 0 || !strings.Contains(out, "is now at version "+ver+" and works") {
		t.Fatalf("update filesystem: exit %d\n%s%s", code, out, errs)
	}
	srv := u.ConfigServers()["filesystem"]
	if diff := cmp.Diff([]string{"-y", "@modelcontextprotocol/server-filesystem@" + ver, docs}, srv.Args); diff != "" || srv.Source == nil || srv.Source.Version != ver || !srv.NoSpare {
		t.Errorf("after update: source %v, noSpare %v, args (-want +got):\n%s", srv.Source, srv.NoSpare, diff)
	}
	if tools := recordedTools(t, u, "filesystem"); !slices.Contains(tools, "list_directory") {
		t.Errorf("tools after update: %v", tools)
	}
	if out, _, _ := u.RunInput("", "catalog", "outdated"); !strings.Contains(out, "newest version") {
		t.Errorf("catalog outdated after the update says:\n%s", out)
	}
}
