package clients

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pelletier/go-toml/v2"

	"github.com/mcptray/mcptray/internal/testbin"
)

// codexUser is a user whose client files live under their temporary HOME only, with MCP
// Tray's home at home (relative to HOME).
func codexUser(t *testing.T, home string) *testbin.User {
	u := testbin.NewUser(t)
	u.Home = filepath.Join(u.Dir, home)
	u.Env = append(u.Env, "MCPTRAY_HOME="+u.Home, "XDG_CONFIG_HOME="+filepath.Join(u.Dir, ".config"), "CODEX_HOME=",
		"CLAUDE_CONFIG_DIR=", "GEMINI_CLI_HOME=", "QWEN_HOME=", "COPILOT_HOME=")
	if err := os.MkdirAll(filepath.Join(u.Dir, ".codex"), 0o700); err != nil {
		t.Fatal(err)
	}
	return u
}

// codexEnv is the environment Codex gives the servers it starts: a handful of variables,
// never MCPTRAY_HOME or XDG_CONFIG_HOME (codex-rs DEFAULT_ENV_VARS).
func codexEnv(u *testbin.User) []string {
	return []string{"HOME=" + u.Dir, "PATH=" + os.Getenv("PATH"), "USER=" + os.Getenv("USER"), "LANG=C.UTF-8", "TMPDIR=" + os.TempDir()}
}

// codexEntry reads MCP Tray's entry for server from Codex's config.toml.
func codexEntry(t *testing.T, u *testbin.User, server string) (string, []string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(u.Dir, ".codex", "config.toml"))
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		MCPServers map[string]struct {
			Command string   `toml:"command"`
			Args    []string `toml:"args"`
		} `toml:"mcp_servers"`
	}
	if err := toml.Unmarshal(b, &f); err != nil {
		t.Fatalf("Codex's file does not parse: %v\n%s", err, b)
	}
	e, ok := f.MCPServers[server]
	if !ok {
		t.Fatalf("Codex's file has no entry %q:\n%s", server, b)
	}
	return e.Command, e.Args
}

// TestCodexReachesANonDefaultHome: with MCP Tray's home elsewhere than where a bare HOME
// leads, Codex's entry names it (--home), and the entry started with Codex's reduced
// environment lists the server's tools. Before the fix the bridge looked in the default home,
// said there was no such server, and left an empty daemon running there.
func TestCodexReachesANonDefaultHome(t *testing.T) {
	u := codexUser(t, "elsewhere")
	u.OK("server", "add", "echo", "--", fake)
	u.OK("client", "enable", "codex")
	command, args := codexEntry(t, u, "echo")
	if want := []string{"connect", "echo", "--home", u.Home}; !cmp.Equal(args, want) {
		t.Fatalf("Codex's entry has args %q, want %q", args, want)
	}
	u.Daemon()
	tools := listTools(t, command, args, codexEnv(u))
	if !strings.Contains(tools, `"echo"`) {
		t.Errorf("tools through Codex's entry: %s", tools)
	}
	if _, err := os.Stat(filepath.Join(u.Dir, ".config", "mcptray")); err == nil {
		t.Errorf("the bridge made a home in the default place as well")
	}
}

// TestCodexDefaultHomeNeedsNoFlag: when MCP Tray's home is where a bare HOME leads, the entry
// stays `connect NAME`, and it works with Codex's environment.
func TestCodexDefaultHomeNeedsNoFlag(t *testing.T) {
	u := codexUser(t, filepath.Join(".config", "mcptray"))
	u.OK("server", "add", "echo", "--", fake)
	u.OK("client", "enable", "codex")
	command, args := codexEntry(t, u, "echo")
	if want := []string{"connect", "echo"}; !cmp.Equal(args, want) {
		t.Fatalf("Codex's entry has args %q, want %q", args, want)
	}
	u.Daemon()
	if tools := listTools(t, command, args, codexEnv(u)); !strings.Contains(tools, `"echo"`) {
		t.Errorf("tools through Codex's entry: %s", tools)
	}
}

// TestConnectStartsNoDaemonForAnEmptyHome: a bridge whose home has no configuration answers
// the client with one sentence and starts nothing (no daemon, no home folder made).
func TestConnectStartsNoDaemonForAnEmptyHome(t *testing.T) {
	u := testbin.NewUser(t)
	env := codexEnv(u)
	cmd := exec.Command(u.Bin, "connect", "echo")
	cmd.Env = env
	cmd.Stdin = strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"codex","version":"1"}}}` + "\n")
	out, err := cmd.Output()
	if err == nil {
		t.Fatalf("connect succeeded with no MCP Tray settings:\n%s", out)
	}
	var res struct {
		Error struct{ Message string } `json:"error"`
	}
	if jerr := json.Unmarshal(out, &res); jerr != nil || !strings.Contains(res.Error.Message, "has no settings in "+filepath.Join(u.Dir, ".config", "mcptray")) {
		t.Errorf("connect answered %q (%v); want an error naming the home without settings", out, jerr)
	}
	if _, err := os.Stat(filepath.Join(u.Dir, ".config", "mcptray")); err == nil {
		t.Errorf("connect made a home (and started MCP Tray) where there were no settings")
	}
}

// listTools starts command with args and exactly env, as an AI client would, and returns the
// raw tools/list result after the handshake.
func listTools(t *testing.T, command string, args, env []string) string {
	t.Helper()
	cmd := exec.Command(command, args...)
	cmd.Env = env
	stdin, lines, stderr := startStdio(t, cmd)
	ask := func(id int, method, params string) string {
		fmt.Fprintf(stdin, `{"jsonrpc":"2.0","id":%d,"method":%q,"params":%s}`+"\n", id, method, params)
		for {
			select {
			case line, ok := <-lines:
				if !ok {
					t.Fatalf("the bridge ended before answering %s; it said:\n%s", method, stderr())
				}
				var m struct {
					ID    *int            `json:"id"`
					Error json.RawMessage `json:"error"`
				}
				if json.Unmarshal([]byte(line), &m) == nil && m.ID != nil && *m.ID == id {
					if m.Error != nil {
						t.Fatalf("%s: %s\n%s", method, m.Error, stderr())
					}
					return line
				}
			case <-time.After(30 * time.Second):
				t.Fatalf("no answer to %s; the bridge said:\n%s", method, stderr())
			}
		}
	}
	ask(1, "initialize", `{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"codex","version":"1"}}`)
	io.WriteString(stdin, `{"jsonrpc":"2.0","method":"notifications/initialized"}`+"\n")
	return ask(2, "tools/list", `{}`)
}
