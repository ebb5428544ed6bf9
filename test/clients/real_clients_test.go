package clients

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/internal/testbin"
)

// realClient is an AI client installed from npm in test/node whose own listing command
// connects to every configured server and says whether it connected.
type realClient struct {
	id     string   // MCP Tray's client id
	bin    string   // the program in test/node/node_modules/.bin
	dir    string   // its folder under HOME
	module string   // a file of the npm package, to say what to install when it is missing
	list   []string // the listing command's arguments
	// connected matches the listing's line for MCP Tray's server "echo" when it connected.
	connected *regexp.Regexp
	// trust is set for clients that load no server in a folder the person has not trusted.
	trust bool
}

var realClients = []realClient{
	{id: "gemini-cli", bin: "gemini", dir: ".gemini", module: "@google/gemini-cli/package.json", list: []string{"mcp", "list"}, trust: true,
		connected: regexp.MustCompile(`(?m)^\S*\s*echo: .*mcptray connect echo.* - Connected\s*$`)},
	{id: "qwen-code", bin: "qwen", dir: ".qwen", module: "@qwen-code/qwen-code/package.json", list: []string{"mcp", "list"}, trust: true,
		connected: regexp.MustCompile(`(?m)^\S*\s*echo: .*mcptray connect echo.* - Connected\s*$`)},
	{id: "claude-code", bin: "claude", dir: ".claude", module: "@anthropic-ai/claude-code/package.json", list: []string{"mcp", "list"},
		connected: regexp.MustCompile(`(?m)^echo: .*mcptray connect echo\s+- [✓✔] Connected\s*$`)},
	{id: "opencode", bin: "opencode", dir: filepath.Join(".config", "opencode"), module: "opencode-ai/package.json", list: []string{"mcp", "list"},
		connected: regexp.MustCompile(`(?m)✓ echo\b.*connected`)},
	// Kilo Code's CLI is an opencode fork: the same listing, its own file (kilo.jsonc).
	{id: "kilo-cli", bin: "kilo", dir: filepath.Join(".config", "kilo"), module: "@kilocode/cli/package.json", list: []string{"mcp", "list"},
		connected: regexp.MustCompile(`(?m)✓ echo\b.*connected`)},
}

// TestRealClientsConnectThroughMCPTray: for each client program, with MCP Tray's home in the
// usual place and elsewhere, `client enable` writes the client's file, and the client's own
// `mcp list` (its own parser, its own way of starting servers) reports MCP Tray's server
// connected. Qwen Code rewrites its file as it starts (with "$version" and a .orig copy); MCP
// Tray's entry must still be there afterwards.
func TestRealClientsConnectThroughMCPTray(t *testing.T) {
	for _, rc := range realClients {
		for _, home := range []string{filepath.Join(".config", "mcptray"), "elsewhere"} {
			t.Run(rc.id+"/"+strings.ReplaceAll(home, "/", "_"), func(t *testing.T) {
				testbin.NeedNode(t, rc.module)
				u := codexUser(t, home)
				work := t.TempDir()
				if err := os.MkdirAll(filepath.Join(u.Dir, rc.dir), 0o700); err != nil {
					t.Fatal(err)
				}
				if rc.trust {
					// The folder the client runs in is trusted, else it loads no server at all.
					trusted := fmt.Sprintf(`{%q: "TRUST_FOLDER"}`, work)
					if err := os.WriteFile(filepath.Join(u.Dir, rc.dir, "trustedFolders.json"), []byte(trusted), 0o600); err != nil {
						t.Fatal(err)
					}
				}
				u.OK("server", "add", "echo", "--", fake)
				u.OK("client", "enable", rc.id)
				u.Daemon()

				cmd := exec.Command(testbin.NodeModule(filepath.Join(".bin", rc.bin)), rc.list...)
				cmd.Dir = work
				cmd.Env = append(u.Env, "NO_COLOR=1", "GEMINI_CLI_HOME=", "QWEN_HOME=", "CI=1")
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("%s %s: %v\n%s", rc.bin, strings.Join(rc.list, " "), err, out)
				}
				if !rc.connected.Match(out) {
					t.Errorf("%s %s does not show MCP Tray's echo connected:\n%s", rc.bin, strings.Join(rc.list, " "), out)
				}
				// Whatever the client did to its file, MCP Tray's entry is there and intact.
				var list struct {
					Clients []struct {
						ID   string   `json:"id"`
						Sees []string `json:"sees"`
					} `json:"clients"`
				}
				got := u.OK("client", "list", "--json")
				if err := json.Unmarshal([]byte(got), &list); err != nil {
					t.Fatal(err)
				}
				seen := false
				for _, c := range list.Clients {
					seen = seen || c.ID == rc.id && slices.Equal(c.Sees, []string{"echo"})
				}
				if !seen {
					t.Errorf("after %s ran, client list --json says:\n%s", rc.bin, got)
				}
				if rc.id == "qwen-code" {
					// Qwen rewrote its file 0644 with a 0644 .orig copy; the running MCP Tray
					// sees the rewrite and makes both owner-only again.
					settings := filepath.Join(u.Dir, rc.dir, "settings.json")
					u.Eventually("Qwen's settings and their .orig copy are owner-only again", func() bool {
						for _, p := range []string{settings, settings + ".orig"} {
							if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o600 {
								return false
							}
						}
						return true
					})
				}
				t.Logf("%s", out)
			})
		}
	}
}
