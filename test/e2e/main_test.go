package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/internal/testbin"
)

var (
	fake    string // the fake MCP server
	nodeDir string // test/node, with the pinned npm packages installed
)

func TestMain(m *testing.M) {
	var err error
	if fake, err = testbin.FakeServer(); err == nil {
		_, err = testbin.MCPTray()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	_, file, _, _ := runtime.Caller(0)
	nodeDir = filepath.Join(filepath.Dir(file), "..", "node")
	everythingJS = nodeModule("@modelcontextprotocol/server-everything/dist/index.js")
	filesystemJS = nodeModule("@modelcontextprotocol/server-filesystem/dist/index.js")
	code := m.Run()
	testbin.Cleanup()
	os.Exit(code)
}

// needNode fails the test, saying how to fix it, when the npm packages are not installed.
func needNode(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatal("node is not installed: run `make test`, which installs Node.js and the test packages")
	}
	if _, err := os.Stat(filepath.Join(nodeDir, "node_modules", "@modelcontextprotocol", "sdk")); err != nil {
		t.Fatal("the npm test packages are missing: run `make test` (or: cd test/node && npm ci)")
	}
}

// nodeModule returns the path of a file inside an installed npm package.
func nodeModule(rel string) string { return filepath.Join(nodeDir, "node_modules", rel) }

// The published servers' entry points, set by TestMain.
var everythingJS, filesystemJS string

// tsClient runs test/node/client.mjs: the TypeScript SDK client driving COMMAND.
func tsClient(t testing.TB, env []string, scenario []string, command ...string) map[string]json.RawMessage {
	t.Helper()
	needNode(t)
	args := append([]string{filepath.Join(nodeDir, "client.mjs")}, scenario...)
	args = append(append(args, "--"), command...)
	cmd := exec.Command("node", args...)
	cmd.Env = env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node client %v: %v\n%s", scenario, err, stderr.String())
	}
	var res map[string]json.RawMessage
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("node client printed %q: %v\n%s", out, err, stderr.String())
	}
	if e, ok := res["error"]; ok {
		t.Fatalf("node client %v failed: %s\n%s", scenario, e, stderr.String())
	}
	return res
}
