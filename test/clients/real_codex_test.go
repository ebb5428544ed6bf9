package clients

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcptray/mcptray/internal/testbin"
)

// TestRealCodexConnectsThroughMCPTray runs Codex itself (`codex app-server`, its
// mcpServerStatus/list, no model needed) against the config.toml MCP Tray wrote, with MCP
// Tray's home in the usual place and elsewhere. Codex starts servers with a reduced
// environment (no MCPTRAY_HOME), so before entries named their home the second case found
// no server.
func TestRealCodexConnectsThroughMCPTray(t *testing.T) {
	for _, home := range []string{filepath.Join(".config", "mcptray"), "elsewhere"} {
		t.Run(strings.ReplaceAll(home, "/", "_"), func(t *testing.T) {
			testbin.NeedNode(t, "@openai/codex/package.json")
			u := codexUser(t, home)
			u.OK("server", "add", "echo", "--", fake)
			u.OK("client", "enable", "codex")
			u.Daemon()
			status := codexServerStatus(t, u, "echo")
			if status.ToolsError != "" || status.Tools["echo"] == nil {
				t.Errorf("Codex reports MCP Tray's echo with tools %v and error %q", keys(status.Tools), status.ToolsError)
			}
		})
	}
}

type codexStatus struct {
	Name       string                     `json:"name"`
	Tools      map[string]json.RawMessage `json:"tools"`
	ToolsError string                     `json:"toolsError"`
}

// codexServerStatus asks `codex app-server` for the status of its MCP server name.
func codexServerStatus(t *testing.T, u *testbin.User, name string) codexStatus {
	t.Helper()
	cmd := exec.Command(testbin.NodeModule(filepath.Join(".bin", "codex")), "app-server")
	cmd.Dir = t.TempDir()
	cmd.Env = append(u.Env, "CODEX_HOME=")
	stdin, lines, stderr := startStdio(t, cmd)
	fmt.Fprintln(stdin, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"clientInfo":{"name":"mcptray-test","version":"1"}}}`)
	fmt.Fprintln(stdin, `{"jsonrpc":"2.0","method":"initialized"}`)
	fmt.Fprintln(stdin, `{"jsonrpc":"2.0","id":2,"method":"mcpServerStatus/list","params":{}}`)
	deadline := time.After(90 * time.Second)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("codex app-server ended without answering mcpServerStatus/list:\n%s", stderr())
			}
			var res struct {
				ID     *int `json:"id"`
				Result struct {
					Data []codexStatus `json:"data"`
				} `json:"result"`
			}
			if json.Unmarshal([]byte(line), &res) != nil || res.ID == nil || *res.ID != 2 {
				continue
			}
			for _, s := range res.Result.Data {
				if s.Name == name {
					return s
				}
			}
			t.Fatalf("Codex lists no server %q: %s", name, line)
		case <-deadline:
			t.Fatalf("codex app-server did not answer mcpServerStatus/list:\n%s", stderr())
		}
	}
}

func keys(m map[string]json.RawMessage) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestRealCopilotReadsTheEntry: GitHub Copilot CLI's own parser reads the entry MCP Tray
// wrote into ~/.copilot/mcp-config.json as an enabled local server running mcptray connect.
func TestRealCopilotReadsTheEntry(t *testing.T) {
	testbin.NeedNode(t, "@github/copilot/package.json")
	u := codexUser(t, "elsewhere")
	u.OK("server", "add", "echo", "--", fake)
	u.OK("client", "enable", "copilot-cli")
	cmd := exec.Command(testbin.NodeModule(filepath.Join(".bin", "copilot")), "mcp", "get", "echo")
	cmd.Dir = t.TempDir()
	cmd.Env = append(u.Env, "COPILOT_HOME=", "NO_COLOR=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("copilot mcp get echo: %v\n%s", err, out)
	}
	for _, want := range []string{"Status: Enabled", "Type: local", "connect echo", "Source: User"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("copilot mcp get echo says:\n%s\nwant %q", out, want)
		}
	}
}
