package install

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/internal/testbin"
	"github.com/mcptray/mcptray/keychain"
)

// clientFile reads the mcpServers of a client's JSON file; a missing file is empty.
func clientFile(t testing.TB, path string) map[string]struct {
	Command string   `json:"command"`
	Args    []string `json:"args"`
} {
	t.Helper()
	var f struct {
		MCPServers map[string]struct {
			Command string   `json:"command"`
			Args    []string `json:"args"`
		} `json:"mcpServers"`
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("%s: %v\n%s", path, err, b)
	}
	return f.MCPServers
}

// recordedTools is what MCP Tray's api.Tools method says the server listed.
func recordedTools(t testing.TB, u *testbin.User, server string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := api.Call(ctx, ctl(u), api.Tools, api.NameParams{Name: server})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tl := range res.Tools {
		names = append(names, tl.Name)
	}
	return names
}

// tsListTools lists a server's tools with the official TypeScript SDK client through
// `mcptray connect`, as an AI app would.
func tsListTools(t testing.TB, u *testbin.User, server string) []string {
	t.Helper()
	testbin.NeedNode(t, "@modelcontextprotocol/sdk")
	out, _ := testbin.NodeClient(t, u.Env, "tools", "--", u.Bin, "connect", server)
	var res struct {
		Tools []struct{ Name string }
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("node client printed %q: %v", out, err)
	}
	var names []string
	for _, tl := range res.Tools {
		names = append(names, tl.Name)
	}
	return names
}

// needKeyring fails the test unless it runs inside the private Secret Service `make test`
// starts.
func needKeyring(t testing.TB) {
	t.Helper()
	if os.Getenv("MCPTRAY_TEST_ISOLATED_KEYRING") != "1" {
		t.Fatal("this test needs the private Secret Service that `make test` starts (keychain/run-with-secret-service.sh go test ./test/install)")
	}
}

func keychainGet(t testing.TB, server, key string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return keychain.System(keychain.Options{}).Get(ctx, server, key)
}

func keychainValue(t testing.TB, server, key string) string {
	t.Helper()
	v, err := keychainGet(t, server, key)
	if err != nil {
		t.Fatalf("reading %s of %s from the keychain: %v", key, server, err)
	}
	return v
}

// filesContaining lists the files under dir whose content contains needle.
func filesContaining(t testing.TB, dir, needle string) []string {
	t.Helper()
	var hits []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Type()&os.ModeSocket != 0 {
			return nil
		}
		if b, err := os.ReadFile(p); err == nil && strings.Contains(string(b), needle) {
			hits = append(hits, p)
		}
		return nil
	})
	return hits
}
