package reconcile

import (
	"context"
	"errors"
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
	for name, want := range map[string]string{
		"filesystem":      "the tools you switched off in MCP Router stay off: MCP Tray denies move_file, write_file",
		"brave-search":    "its description is not kept",
		"Brave-Search-2":  `differs from "brave-search" only in capitals`,
		"notes--0-pwned-": "cannot be a server name",
	} {
		if !strings.Contains(notes[name], want) {
			t.Errorf("%s's note is %q, want it to say %q", name, notes[name], want)
		}
	}
	skipped := map[string]string{}
	for _, s := range plan.Skipped {
		skipped[s.Key] = s.Reason
	}
	if !strings.HasPrefix(skipped["linear"], "it is a remote server") || !strings.HasPrefix(skipped["time"], "it is switched off in MCP Router") || len(skipped) != 2 {
		t.Errorf("left alone: %q", skipped)
	}
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
	if _, err := PlanManagerImport(opts, "mcprouter", ""); !errors.Is(err, clients.ErrMCPRouterDatabase) || !strings.Contains(err.Error(), "--file") {
		t.Errorf("no file given: %v", err)
	}
}
