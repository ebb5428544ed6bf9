package reconcile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/keychain"
)

// mcpRouterServers is MCP Router's server list in the form its MCPServerConfig takes
// (mcp-router/mcp-router packages/shared/src/types/mcp-types.ts: id, name, serverType,
// command, args, env, disabled, remoteUrl, bearerToken, toolPermissions): a local server
// with a tool switched off, one with its API key inline, a remote one with a bearer token,
// a switched-off one, a name that differs from another only in capitals, and one whose name
// and description carry terminal escape sequences.
const mcpRouterServers = `[
  {"id": "0b6f3c2e-8a51-4f57-9a43-1c1d1f0b2a11", "name": "filesystem", "serverType": "local", "command": "npx",
   "args": ["-y", "@modelcontextprotocol/server-filesystem", "/home/ana/Documents"], "env": {}, "autoStart": true, "disabled": false,
   "toolPermissions": {"read_file": true, "write_file": false, "move_file": false}},
  {"id": "5f0e1a7c-3b2d-4c9a-8e6f-2a3b4c5d6e7f", "name": "brave-search", "serverType": "local", "command": "npx",
   "args": ["-y", "@modelcontextprotocol/server-brave-search"], "env": {"BRAVE_API_KEY": "BSAx9f8e7d6c5b4a3928171605f4e3d2c1b"}, "description": "Web search"},
  {"id": "9c8b7a6f-5e4d-4c3b-2a19-080706050403", "name": "linear", "serverType": "remote-streamable", "remoteUrl": "https://mcp.linear.app/mcp",
   "bearerToken": "lin_api_0123456789abcdefghijklmnopqrstuvwxyz", "env": {}},
  {"id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "name": "time", "serverType": "local", "command": "uvx", "args": ["mcp-server-time"], "env": {}, "disabled": true},
  {"id": "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e", "name": "Brave-Search", "serverType": "local", "command": "npx", "args": ["-y", "brave-search-mcp"], "env": {}},
  {"id": "3c4d5e6f-7a8b-4c9d-0e1f-2a3b4c5d6e7f", "name": "notes\u001b]0;pwned\u0007", "serverType": "local", "command": "node", "args": ["notes.js"],
   "env": {}, "description": "\u001b[31mred\u001b[0m"}
]`

// TestImportFromMCPRouter takes over the servers of MCP Router's JSON: the tools switched
// off there become deny rules, an inline key goes to the keychain, a remote and a
// switched-off server are named with the reason, a name differing only in capitals is
// renamed, and MCP Router's own database is refused with a sentence.
func TestImportFromMCPRouter(t *testing.T) {
	w := newClientWorld(t)
	path := filepath.Join(w.Env.Home, "Downloads", "mcp-router.json")
	write(t, path, mcpRouterServers)
	keys := keychain.NewMemory()
	opts := ImportOptions{Home: w.Home, Env: w.Env, Binary: testBinary, Keys: keys}
	plan, err := PlanManagerImport(opts, "mcprouter", path)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	notes := map[string]string{}
	for _, s := range plan.Servers {
		names = append(names, s.Name)
		notes[s.Name] = s.Note
	}
	if diff := cmp.Diff([]string{"filesystem", "brave-search", "Brave-Search-2", "notes--0-pwned-"}, names); diff != "" {
		t.Errorf("planned (-want +got):\n%s", diff)
	}
	wantNotes(t, notes, map[string]string{
		"filesystem":      "the tools you switched off in MCP Router stay off: MCP Tray denies move_file, write_file",
		"brave-search":    "its description is not kept",
		"Brave-Search-2":  `differs from "brave-search" only in capitals`,
		"notes--0-pwned-": "cannot be a server name",
	})
	wantSkipped(t, plan.ImportPlan, map[string]string{"linear": "it is a remote server", "time": "it is switched off in MCP Router"})
	if _, err := plan.Execute(context.Background()); err != nil {
		t.Fatal(err)
	}
	cfg, err := w.Home.Load()
	if err != nil {
		t.Fatal(err)
	}
	fs := cfg.Servers["filesystem"]
	if fs == nil || fs.Policy == nil || !cmp.Equal(fs.Policy.Tools, map[string]config.Rule{"write_file": config.RuleDeny, "move_file": config.RuleDeny}) {
		t.Errorf("filesystem is %+v", fs)
	}
	if v, _ := keys.Get(context.Background(), "brave-search", "BRAVE_API_KEY"); !strings.HasPrefix(v, "BSA") {
		t.Errorf("the keychain holds %q for brave-search", v)
	}
	if len(cfg.Clients) != 0 {
		t.Errorf("the import switched clients on: %+v", cfg.Clients)
	}

	// The {"mcpServers": …} form MCP Router's JSON import takes is read as well.
	other := filepath.Join(w.Env.Home, "mcpservers.json")
	write(t, other, `{"mcpServers": {"memory": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"]}}}`)
	if p, err := PlanManagerImport(opts, "mcprouter", other); err != nil || len(p.Servers) != 1 || p.Servers[0].Name != "memory" {
		t.Errorf("the mcpServers form: %v", err)
	}
	db := filepath.Join(w.Env.Home, "mcprouter.db")
	write(t, db, "SQLite format 3\x00rest of the database")
	if _, err := PlanManagerImport(opts, "mcprouter", db); !errors.Is(err, clients.ErrMCPRouterDatabase) {
		t.Errorf("MCP Router's database: %v", err)
	}
	// With no file given and no export in the Downloads folder, the sentence says how to give
	// one (once PlanManagerImport looks in Downloads it is ErrNoMCPRouterExport).
	if _, err := PlanManagerImport(opts, "mcprouter", ""); !errors.Is(err, clients.ErrMCPRouterDatabase) && !errors.Is(err, clients.ErrNoMCPRouterExport) || err == nil || !strings.Contains(err.Error(), "--file") {
		t.Errorf("no file given: %v", err)
	}
}

// TestImportMCPRouterExport takes over the file MCP Router's Export button saves
// (clients/testdata/mcprouter/mcp-servers-2026-09-20.json, built from exportServersToFile in
// mcp-router/mcp-router apps/electron/src/renderer/components/useServerFiltering.ts at commit
// 75308853da63195c87716ba5807422e5bb64ad75): an inline key goes to the keychain, a key MCP
// Router put into the command line is filled in from the keychain at each start and never
// written, another setting is filled in as MCP Router did, the remote server (written with no
// command and no address) is named with what to do, a name differing only in capitals is
// renamed, and escape sequences in a name do not survive.
func TestImportMCPRouterExport(t *testing.T) {
	w := newClientWorld(t)
	export, err := os.ReadFile(filepath.Join("..", "testdata", "mcprouter", "mcp-servers-2026-09-20.json"))
	if err != nil {
		t.Fatal(err)
	}
	downloads := filepath.Join(w.Env.Home, "Downloads")
	write(t, filepath.Join(downloads, "mcp-servers-2026-09-18.json"), `{"mcpServers": {"old": {"command": "npx", "args": [], "env": {}}}}`)
	write(t, filepath.Join(downloads, "mcp-servers-2026-09-20.json"), string(export))
	write(t, filepath.Join(downloads, "mcp-servers-latest.json"), `{"mcpServers": {"not-router": {"command": "x"}}}`)
	if err := os.MkdirAll(filepath.Join(downloads, "mcp-servers-2026-12-31.json"), 0o700); err != nil {
		t.Fatal(err)
	}
	keys := keychain.NewMemory()
	opts := ImportOptions{Home: w.Home, Env: w.Env, Binary: testBinary, Keys: keys}

	// With no file given, the newest export in the Downloads folder is read.
	plan := &ManagerPlan{ImportPlan: &ImportPlan{opts: opts}}
	if err := plan.planMCPRouter("", map[string]bool{}); err != nil {
		t.Fatal(err)
	}
	var names []string
	notes := map[string]string{}
	for _, s := range plan.Servers {
		names = append(names, s.Name)
		notes[s.Name] = s.Note
		if want := filepath.Join(downloads, "mcp-servers-2026-09-20.json"); s.Path != want {
			t.Errorf("%s comes from %s, want %s", s.Name, s.Path, want)
		}
	}
	if diff := cmp.Diff([]string{"filesystem", "brave-search", "serper", "time", "mysql", "Brave-Search-2", "notes--0-pwned-"}, names); diff != "" {
		t.Errorf("planned (-want +got):\n%s", diff)
	}
	if len(plan.Skipped) != 1 || plan.Skipped[0].Key != "linear" || !strings.Contains(plan.Skipped[0].Reason, "export leaves out its address") || !strings.Contains(plan.Skipped[0].Reason, "mcptray server add NAME --url ADDRESS") {
		t.Errorf("left alone: %+v", plan.Skipped)
	}
	if !strings.Contains(notes["serper"], "MCP Router put SERPER_API_KEY into its command line") {
		t.Errorf("serper's note is %q", notes["serper"])
	}
	if _, err := plan.Execute(context.Background()); err != nil {
		t.Fatal(err)
	}
	cfg, err := w.Home.Load()
	if err != nil {
		t.Fatal(err)
	}
	for name, args := range map[string][]string{
		"serper": {"serper-mcp-server", "--api-key", "${secret:SERPER_API_KEY}"},
		"time":   {"mcp-server-time", "--local-timezone=Europe/Lisbon"},
		"mysql":  {"-y", "mysql-mcp-server", "--host", "localhost", "${secret:MYSQL_PASSWORD}"},
	} {
		if s := cfg.Servers[name]; s == nil || !cmp.Equal(s.Args, args) {
			t.Errorf("%s arrived as %+v, want args %q", name, s, args)
		}
	}
	for server, key := range map[string]string{"brave-search": "BRAVE_API_KEY", "serper": "SERPER_API_KEY", "mysql": "MYSQL_PASSWORD"} {
		if v, _ := keys.Get(context.Background(), server, key); v == "" {
			t.Errorf("the keychain holds no %s for %s", key, server)
		}
		if s := cfg.Servers[server]; s == nil || !cmp.Equal(s.Secrets, []string{key}) || s.Env[key] != "" {
			t.Errorf("%s arrived as %+v", server, s)
		}
	}
	b, err := os.ReadFile(filepath.Join(string(w.Home), "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"BSAx9f8e7d6c5b4a3928171605f4e3d2c1b", "serp-7c1e0a9b3d5f4e2a8b6c0d1e2f3a4b5c", "hunter2-Lisbon"} {
		if strings.Contains(string(b), secret) {
			t.Errorf("config.json holds the credential %s…", secret[:6])
		}
	}
	if strings.Contains(string(b), "\\u001b") || strings.Contains(string(b), "\x1b") {
		t.Error("config.json holds an escape sequence")
	}
	if after, _ := os.ReadFile(filepath.Join(downloads, "mcp-servers-2026-09-20.json")); string(after) != string(export) {
		t.Error("the import changed MCP Router's export")
	}
}

// TestImportMCPRouterRefuses: a name listed twice in the export, MCP Router's data folder,
// and a Downloads folder with no export each get one sentence and plan nothing.
func TestImportMCPRouterRefuses(t *testing.T) {
	w := newClientWorld(t)
	opts := ImportOptions{Home: w.Home, Env: w.Env, Binary: testBinary, Keys: keychain.NewMemory()}
	twice := filepath.Join(w.Env.Home, "twice.json")
	write(t, twice, `{"mcpServers": {"fs": {"command": "npx", "args": ["a"]}, "fs": {"command": "rm", "args": ["-rf", "/"]}}}`)
	if _, err := PlanManagerImport(opts, "mcprouter", twice); err == nil || !strings.Contains(err.Error(), `lists the server "fs" twice`) {
		t.Errorf("a name listed twice: %v", err)
	}
	data := clients.MCPRouterDataDir(w.Env)
	write(t, filepath.Join(data, "mcprouter.db"), "SQLite format 3\x00")
	if _, err := PlanManagerImport(opts, "mcprouter", data); !errors.Is(err, clients.ErrMCPRouterDatabase) {
		t.Errorf("MCP Router's data folder: %v", err)
	}
	write(t, filepath.Join(w.Env.Home, "Downloads", "mcp-servers-latest.json"), `{"mcpServers": {}}`)
	plan := &ManagerPlan{ImportPlan: &ImportPlan{opts: opts}}
	if err := plan.planMCPRouter("", map[string]bool{}); !errors.Is(err, clients.ErrNoMCPRouterExport) || !strings.Contains(err.Error(), "--file") {
		t.Errorf("no export in Downloads: %v", err)
	}
}

// TestImportMCPRouterDatabaseRows takes over the rows of the servers table of MCP Router's
// database as `sqlite3 -json DATABASE "SELECT * FROM servers"` prints them
// (clients/testdata/mcprouter/servers-table.json, printed by sqlite3 3.40.1 from a table made
// with the CREATE TABLE of mcp-router/mcp-router
// apps/electron/src/main/modules/mcp-server-manager/mcp-server-manager.repository.ts, rows as
// its mapEntityToRow writes them): the tools switched off become deny rules, the token goes to
// the keychain, {ROOT} is filled in from the settings, and the remote server (its bearer token
// in the row) and the switched-off one are named with the reason.
func TestImportMCPRouterDatabaseRows(t *testing.T) {
	w := newClientWorld(t)
	rows, err := os.ReadFile(filepath.Join("..", "testdata", "mcprouter", "servers-table.json"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(w.Env.Home, "mcp-router-servers.json")
	write(t, path, string(rows))
	keys := keychain.NewMemory()
	plan, err := PlanManagerImport(ImportOptions{Home: w.Home, Env: w.Env, Binary: testBinary, Keys: keys}, "mcprouter", path)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range plan.Servers {
		names = append(names, s.Name)
	}
	if diff := cmp.Diff([]string{"github", "filesystem"}, names); diff != "" {
		t.Errorf("planned (-want +got):\n%s", diff)
	}
	wantSkipped(t, plan.ImportPlan, map[string]string{"linear": "it is a remote server; add it yourself", "time": "it is switched off in MCP Router"})
	if _, err := plan.Execute(context.Background()); err != nil {
		t.Fatal(err)
	}
	cfg, err := w.Home.Load()
	if err != nil {
		t.Fatal(err)
	}
	gh := cfg.Servers["github"]
	if gh == nil || gh.Policy == nil || !cmp.Equal(gh.Policy.Tools, map[string]config.Rule{"delete_file": config.RuleDeny, "push_files": config.RuleDeny}) || !cmp.Equal(gh.Secrets, []string{"GITHUB_PERSONAL_ACCESS_TOKEN"}) {
		t.Errorf("github arrived as %+v", gh)
	}
	if v, _ := keys.Get(context.Background(), "github", "GITHUB_PERSONAL_ACCESS_TOKEN"); !strings.HasPrefix(v, "ghp_FAKE") {
		t.Errorf("the keychain holds %q for github", v)
	}
	if fs := cfg.Servers["filesystem"]; fs == nil || !cmp.Equal(fs.Args, []string{"-y", "@modelcontextprotocol/server-filesystem", "/Users/ana/Projects"}) {
		t.Errorf("filesystem arrived as %+v", fs)
	}
	b, err := os.ReadFile(filepath.Join(string(w.Home), "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"ghp_FAKEtest", "lin_api_FAKEtest"} {
		if strings.Contains(string(b), secret) {
			t.Errorf("config.json holds the credential %s…", secret)
		}
	}
}
