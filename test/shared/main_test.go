package shared

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mcptray/mcptray/internal/testbin"
)

var (
	fake         string // the fake MCP server (mcp-go)
	nodeDir      string // test/node, with the pinned npm packages installed
	everythingJS string // @modelcontextprotocol/server-everything's entry point
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
	everythingJS = filepath.Join(nodeDir, "node_modules", "@modelcontextprotocol", "server-everything", "dist", "index.js")
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
	if _, err := os.Stat(everythingJS); err != nil {
		t.Fatal("the npm test packages are missing: run `make test` (or: cd test/node && npm ci)")
	}
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
	cmd *exec.Cmd
	in  interface {
		Write([]byte) (int, error)
		Close() error
	}
	lines chan map[string]any
}

func startRaw(t testing.TB, u *testbin.User, name string) *rawBridge {
	t.Helper()
	cmd := u.Command("connect", name)
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	b := &rawBridge{cmd: cmd, in: in, lines: make(chan map[string]any, 64)}
	go func() {
		defer close(b.lines)
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		for sc.Scan() {
			var m map[string]any
			json.Unmarshal(sc.Bytes(), &m)
			b.lines <- m
		}
	}()
	t.Cleanup(func() { in.Close(); cmd.Process.Kill(); cmd.Wait() })
	return b
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
		case m, ok := <-b.lines:
			if !ok {
				t.Fatalf("the bridge ended while waiting for the answer to %v", id)
			}
			if m["id"] == id && m["method"] == nil {
				return m
			}
		case <-deadline:
			t.Fatalf("no answer to %v within 30 s", id)
		}
	}
}
