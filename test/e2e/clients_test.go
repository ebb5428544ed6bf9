package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/mcptray/mcptray/internal/testbin"
	"github.com/mcptray/mcptray/keychain"
)

// clientUser is a user whose AI client files live under their temporary HOME only: the
// variables that move client files elsewhere (some set by the test harness) are pointed
// there or emptied.
func clientUser(t *testing.T) *testbin.User {
	u := testbin.NewUser(t)
	u.Env = append(u.Env, "XDG_CONFIG_HOME="+filepath.Join(u.Dir, ".config"), "CLAUDE_CONFIG_DIR=", "CODEX_HOME=",
		"GEMINI_CLI_HOME=", "CLINE_DIR=", "CLINE_DATA_DIR=", "CLINE_MCP_SETTINGS_PATH=", "OPENCODE_CONFIG=", "CONTINUE_GLOBAL_DIR=")
	return u
}

// entry is a stdio entry of a client file.
type entry struct {
	Command string            `json:"command"`
	Args    []string          `json:"args"`
	Env     map[string]string `json:"env,omitempty"`
	URL     string            `json:"url,omitempty"`
}

// entries reads the mcpServers of a Claude Desktop or Cursor file.
func entries(t *testing.T, path string) map[string]entry {
	t.Helper()
	var f struct {
		MCPServers map[string]entry `json:"mcpServers"`
	}
	b, err := os.ReadFile(path)
	if err == nil {
		err = json.Unmarshal(b, &f)
	}
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	return f.MCPServers
}

// bin is the absolute, resolved path of the mcptray binary under test.
func bin(t *testing.T, u *testbin.User) string {
	p, err := filepath.EvalSymlinks(u.Bin)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	// Atomically, as the clients themselves save.
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestClientEnableThenConnectListsTools: `client enable cursor` writes an entry that starts
// the absolute mcptray path with connect NAME; a real MCP client spawning exactly that lists
// the server's tools.
func TestClientEnableThenConnectListsTools(t *testing.T) {
	u := clientUser(t)
	u.OK("server", "add", "echo", "--", fake)
	out := u.OK("client", "enable", "cursor") // MCP Tray is not running: the command writes the file itself
	path := filepath.Join(u.Dir, ".cursor", "mcp.json")
	for _, want := range []string{"Cursor now sees every MCP Tray server: echo.", "Updated " + path + ": added echo.", "Restart Cursor"} {
		if !strings.Contains(out, want) {
			t.Errorf("client enable printed:\n%s\nwant it to say %q", out, want)
		}
	}
	e := entries(t, path)["echo"]
	if want := (entry{Command: bin(t, u), Args: []string{"connect", "echo"}}); !cmp.Equal(e, want) || !filepath.IsAbs(e.Command) {
		t.Fatalf("Cursor's entry is %+v, want %+v", e, want)
	}

	u.Daemon()
	c, err := client.NewStdioMCPClient(e.Command, u.Env, e.Args...)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	initialize(t, c, "2025-06-18")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tools, err := c.ListTools(ctx, mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range tools.Tools {
		names = append(names, tool.Name)
	}
	if !slices.Contains(names, "echo") || !slices.Contains(names, "get_env") {
		t.Errorf("tools through Cursor's entry: %v", names)
	}

	out = u.OK("client", "disable", "cursor")
	if _, ok := entries(t, path)["echo"]; ok || !strings.Contains(out, "removed echo") {
		t.Errorf("after client disable the entry is still there, or was not reported:\n%s", out)
	}
}

// TestClientSelfHealingClaudeDesktop: with MCP Tray running, Claude Desktop rewrites its file
// without MCP Tray's entry (as it does on update); the entry comes back within seconds and
// the client's own content stays.
func TestClientSelfHealingClaudeDesktop(t *testing.T) {
	u := clientUser(t)
	path := filepath.Join(u.Dir, ".config", "Claude", "claude_desktop_config.json")
	writeFile(t, path, `{"mcpServers": {"theirs": {"command": "their-server", "args": ["--x"]}}, "globalShortcut": "Alt+Space"}`)
	u.OK("server", "add", "echo", "--", fake)
	u.Daemon()
	u.OK("client", "enable", "claude-desktop")
	want := entry{Command: bin(t, u), Args: []string{"connect", "echo"}}
	if got := entries(t, path)["echo"]; !cmp.Equal(got, want) {
		t.Fatalf("after client enable the entry is %+v, want %+v", got, want)
	}

	// Twice: the first time may be caught by the pass that follows the config.json change of
	// client enable; the second is the file watch's alone.
	for round := 1; round <= 2; round++ {
		dropped := "{\n  \"globalShortcut\": \"Alt+Space\",\n  \"preferences\": {\"menuBarEnabled\": true},\n  \"mcpServers\": {\n    \"theirs\": {\"command\": \"their-server\", \"args\": [\"--x\"]}\n  }\n}\n"
		start := time.Now()
		writeFile(t, path, dropped)
		u.Eventually("MCP Tray's entry is back", func() bool { return cmp.Equal(entries(t, path)["echo"], want) })
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("round %d: the entry came back after %v, want within seconds", round, took)
		}
		var before, after map[string]any
		json.Unmarshal([]byte(dropped), &before)
		json.Unmarshal([]byte(readFile(t, path)), &after)
		delete(after["mcpServers"].(map[string]any), "echo")
		if diff := cmp.Diff(before, after); diff != "" {
			t.Errorf("round %d: Claude Desktop's own content changed (-its +now):\n%s", round, diff)
		}
	}

	var list struct {
		Running bool `json:"running"`
		Clients []struct {
			ID           string   `json:"id"`
			Sees         []string `json:"sees"`
			NeedsRestart bool     `json:"needsRestart"`
		} `json:"clients"`
		Events []struct{ Kind, Message string } `json:"events"`
	}
	if err := json.Unmarshal([]byte(u.OK("client", "list", "--json")), &list); err != nil {
		t.Fatal(err)
	}
	healed := slices.ContainsFunc(list.Events, func(e struct{ Kind, Message string }) bool {
		return e.Kind == "healed" && strings.Contains(e.Message, "Claude Desktop dropped MCP Tray's server echo from its settings; MCP Tray put it back.")
	})
	if !list.Running || !healed || len(list.Clients) != 1 || !cmp.Equal(list.Clients[0].Sees, []string{"echo"}) || !list.Clients[0].NeedsRestart {
		t.Errorf("client list --json after the heal: %+v", list)
	}
}

// TestClientImportMovesTokenToKeychain: a Cursor server whose env holds a token is taken over;
// the token ends in the real keychain and nowhere on disk, and restore undoes it all.
func TestClientImportMovesTokenToKeychain(t *testing.T) {
	if os.Getenv("MCPTRAY_TEST_ISOLATED_KEYRING") != "1" {
		t.Fatal("this test needs a private Secret Service: run it as keychain/run-with-secret-service.sh go test ... (make test does; needs dbus and gnome-keyring)")
	}
	u := clientUser(t)
	token := "ghp_" + randomAlnum(t, 36)
	path := filepath.Join(u.Dir, ".cursor", "mcp.json")
	original := `{
  "mcpServers": {
    "github": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-github"],
      "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "` + token + `", "LOG_LEVEL": "debug"}
    },
    "files": {"command": "` + fake + `", "args": ["-hello", "hi"]},
    "remote": {"url": "https://example.com/mcp"}
  }
}
`
	writeFile(t, path, original)
	u.OK("server", "add", "files", "--", fake)
	keys := keychain.System(keychain.Options{})
	ctx := context.Background()
	keys.Delete(ctx, "github", "GITHUB_PERSONAL_ACCESS_TOKEN") // a leftover would pass for the import's
	t.Cleanup(func() { keys.Delete(ctx, "github", "GITHUB_PERSONAL_ACCESS_TOKEN") })

	plan := u.OK("client", "import", "cursor", "--dry-run")
	for _, want := range []string{"MCP Tray will take over 2 servers from Cursor", "credentials moved to the system keychain: GITHUB_PERSONAL_ACCESS_TOKEN",
		`named "files-2" because MCP Tray already has a server called "files"`, "remote: it is a remote server", "Nothing was changed (--dry-run)."} {
		if !strings.Contains(plan, want) {
			t.Errorf("the plan says:\n%s\nwant it to say %q", plan, want)
		}
	}
	if strings.Contains(plan, token) {
		t.Error("the plan printed the token")
	}
	if readFile(t, path) != original {
		t.Fatal("--dry-run changed Cursor's file")
	}
	if _, err := keys.Get(ctx, "github", "GITHUB_PERSONAL_ACCESS_TOKEN"); !errors.Is(err, keychain.ErrNotFound) {
		t.Fatalf("--dry-run touched the keychain: %v", err)
	}

	out := u.OK("client", "import", "cursor", "--yes")
	if strings.Contains(out, token) {
		t.Error("the import printed the token")
	}
	if v, err := keys.Get(ctx, "github", "GITHUB_PERSONAL_ACCESS_TOKEN"); err != nil || v != token {
		t.Fatalf("the keychain holds %q, %v; want the token", v, err)
	}
	got := entries(t, path)
	want := map[string]entry{
		"github": {Command: bin(t, u), Args: []string{"connect", "github"}},
		"files":  {Command: bin(t, u), Args: []string{"connect", "files-2"}},
		"remote": {URL: "https://example.com/mcp"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Cursor's file after the import (-want +got):\n%s", diff)
	}
	for _, root := range []string{u.Dir, u.Home} { // u.Home is inside u.Dir; named for clarity
		filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() && p == filepath.Join(u.Dir, ".local", "share", "keyrings") {
				return filepath.SkipDir
			}
			if b, err := os.ReadFile(p); err == nil && d.Type().IsRegular() && bytes.Contains(b, []byte(token)) {
				t.Errorf("the token is on disk in %s", p)
			}
			return nil
		})
	}
	var cfg struct {
		Servers map[string]struct {
			Env     map[string]string `json:"env"`
			Secrets []string          `json:"secrets"`
		} `json:"servers"`
	}
	json.Unmarshal([]byte(readFile(t, filepath.Join(u.Home, "config.json"))), &cfg)
	gh := cfg.Servers["github"]
	if !cmp.Equal(gh.Secrets, []string{"GITHUB_PERSONAL_ACCESS_TOKEN"}) || !cmp.Equal(gh.Env, map[string]string{"LOG_LEVEL": "debug"}) {
		t.Errorf("config.json's github server: %+v", gh)
	}

	out = u.OK("client", "restore", "cursor")
	if got := readFile(t, path); got != original {
		t.Errorf("after client restore Cursor's file is:\n%s\nwant the original:\n%s", got, original)
	}
	if !strings.Contains(out, "mcptray client enable cursor") {
		t.Errorf("client restore did not say how to connect Cursor again:\n%s", out)
	}
}

func randomAlnum(t *testing.T, n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	for i := range b {
		k, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			t.Fatal(err)
		}
		b[i] = alphabet[k.Int64()]
	}
	return string(b)
}

// TestClientEnableLeavesCorruptFileAlone: a client file that does not parse stays byte for
// byte as it was, and the error names the file and the line.
func TestClientEnableLeavesCorruptFileAlone(t *testing.T) {
	u := clientUser(t)
	path := filepath.Join(u.Dir, ".cursor", "mcp.json")
	broken := "{\n  \"mcpServers\": {\n    \"mine\": {\"command\": }\n  }\n}\n"
	writeFile(t, path, broken)
	u.OK("server", "add", "echo", "--", fake)
	_, stderr, code := u.Run("client", "enable", "cursor")
	if code != 1 || !strings.Contains(stderr, path) || !strings.Contains(stderr, "line 3") || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
		t.Errorf("client enable on a corrupt file: exit %d, stderr %q; want exit 1 and one line naming the file and line 3", code, stderr)
	}
	if got := readFile(t, path); got != broken {
		t.Errorf("the corrupt file was changed:\n%s", got)
	}
	_, stderr, code = u.Run("client", "enable", "cursr")
	if code != 2 || !strings.Contains(stderr, "claude-desktop, cursor, vscode") {
		t.Errorf("an unknown client: exit %d, stderr %q; want exit 2 and the valid names", code, stderr)
	}
	_, stderr, code = u.Run("client", "enable", "cursor", "--server", "nope")
	if code != 1 || !strings.Contains(stderr, `There is no server named "nope"`) {
		t.Errorf("an unknown server: exit %d, stderr %q", code, stderr)
	}
}
