package shared

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

	"github.com/mcptray/mcptray/internal/testbin"
)

var (
	fake    string              // the fake MCP server (mcp-go), built by TestMain
	nodeDir = testbin.NodeDir() // test/node, with the pinned npm packages installed
	// everythingJS is @modelcontextprotocol/server-everything's entry point.
	everythingJS = testbin.NodeModule(everythingRel)
)

const everythingRel = "@modelcontextprotocol/server-everything/dist/index.js"

func TestMain(m *testing.M) { testbin.Main(m, &fake) }

// needNode fails the test, saying how to fix it, when the npm packages are not installed.
func needNode(t testing.TB) {
	t.Helper()
	testbin.NeedNode(t, everythingRel)
}

// everythingUser is a user with server-everything added in MODE (its tools trusted: relay
// mechanics, not approvals, are under test) and the daemon running; it returns the daemon.
func everythingUser(t testing.TB, mode string) (*testbin.User, *exec.Cmd) {
	t.Helper()
	needNode(t)
	u := testbin.NewUser(t)
	u.OK("server", "add", "everything", "--mode", mode, "--", "node", everythingJS, "stdio")
	u.OK("policy", "trust", "everything")
	d := u.Daemon()
	u.WaitRunning("everything")
	return u, d
}

// result is what test/node/shared.mjs prints.
type result map[string]json.RawMessage

func (r result) get(key string, v any) {
	json.Unmarshal(r[key], v)
}

// threeClients runs test/node/shared.mjs: three TypeScript SDK clients, each through its
// own `mcptray connect NAME`. It fails the test on any problem the script reports.
func threeClients(t testing.TB, u *testbin.User, server string, scenario ...string) result {
	t.Helper()
	cmd := sharedScript(u, server, scenario...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	return parseResult(t, scenario, out, err, stderr.String())
}

func sharedScript(u *testbin.User, server string, scenario ...string) *exec.Cmd {
	args := append([]string{filepath.Join(nodeDir, "shared.mjs")}, scenario...)
	args = append(args, "--", u.Bin, "connect", server)
	cmd := exec.Command("node", args...)
	cmd.Env = u.Env
	return cmd
}

func parseResult(t testing.TB, scenario []string, out []byte, err error, stderr string) result {
	t.Helper()
	if err != nil {
		t.Fatalf("node shared.mjs %v: %v\n%s", scenario, err, stderr)
	}
	var res result
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("node shared.mjs %v printed %q: %v\n%s", scenario, out, err, stderr)
	}
	var problems []string
	res.get("problems", &problems)
	if len(problems) > 0 {
		t.Fatalf("node shared.mjs %v:\n%s\n(stderr: %s)", scenario, strings.Join(problems, "\n"), tail(stderr, 2000))
	}
	return res
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// serverProcesses returns the pids of the daemon's descendants whose command line contains
// marker.
func serverProcesses(daemonPid int, marker string) []int {
	var out []int
	for _, pid := range testbin.Descendants(daemonPid) {
		cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if strings.Contains(string(cmdline), marker) {
			out = append(out, pid)
		}
	}
	return out
}

// waitFile waits until path exists.
func waitFile(t testing.TB, path string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		if _, err := os.Stat(path); err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not appear within %s", path, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// rawBridge is `mcptray connect NAME` spoken to by hand.
type rawBridge struct {
	cmd   *exec.Cmd
	in    io.WriteCloser
	lines <-chan string
}

func startRaw(t testing.TB, u *testbin.User, name string) *rawBridge {
	t.Helper()
	cmd, in, lines := u.Connect(t, name)
	return &rawBridge{cmd: cmd, in: in, lines: lines}
}

func (b *rawBridge) send(t testing.TB, line string) {
	t.Helper()
	if _, err := b.in.Write([]byte(line + "\n")); err != nil {
		t.Fatal(err)
	}
}

// answer waits for the response with the given id (a JSON number), skipping notifications.
func (b *rawBridge) answer(t testing.TB, id float64) map[string]any {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case l, ok := <-b.lines:
			if !ok {
				t.Fatalf("the bridge ended while waiting for the answer to %v", id)
			}
			var m map[string]any
			json.Unmarshal([]byte(l), &m)
			if m["id"] == id && m["method"] == nil {
				return m
			}
		case <-deadline:
			t.Fatalf("no answer to %v within 30 s", id)
		}
	}
}

// request waits for the server-to-client request with the given method and returns it with
// its id as raw JSON text.
func (b *rawBridge) request(t testing.TB, method string) map[string]string {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case l, ok := <-b.lines:
			if !ok {
				t.Fatalf("the bridge ended while waiting for a %s request", method)
			}
			var m map[string]json.RawMessage
			json.Unmarshal([]byte(l), &m)
			if string(m["method"]) == `"`+method+`"` && m["id"] != nil {
				return map[string]string{"id": string(m["id"]), "line": l}
			}
		case <-deadline:
			t.Fatalf("no %s request within 30 s", method)
		}
	}
}
