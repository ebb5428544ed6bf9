package e2e

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/mcptray/mcptray/internal/testbin"
)

var (
	fake    string              // the fake MCP server, built by TestMain
	nodeDir = testbin.NodeDir() // test/node, with the pinned npm packages installed
)

func TestMain(m *testing.M) { testbin.Main(m, &fake) }

// needNode fails the test, saying how to fix it, when the npm packages are not installed.
func needNode(t testing.TB) {
	t.Helper()
	testbin.NeedNode(t, "@modelcontextprotocol/sdk")
}

// The published servers' entry points.
var (
	everythingJS = testbin.NodeModule("@modelcontextprotocol/server-everything/dist/index.js")
	filesystemJS = testbin.NodeModule("@modelcontextprotocol/server-filesystem/dist/index.js")
)

// tsClient runs test/node/client.mjs: the TypeScript SDK client driving COMMAND.
func tsClient(t testing.TB, env []string, scenario []string, command ...string) map[string]json.RawMessage {
	t.Helper()
	needNode(t)
	out, stderr := testbin.NodeClient(t, env, append(append(slices.Clone(scenario), "--"), command...)...)
	var res map[string]json.RawMessage
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("node client printed %q: %v\n%s", out, err, stderr)
	}
	if e, ok := res["error"]; ok {
		t.Fatalf("node client %v failed: %s\n%s", scenario, e, stderr)
	}
	return res
}
