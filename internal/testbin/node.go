package testbin

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// NodeDir is test/node: the TypeScript SDK client scripts and the pinned npm packages
// (installed by `make test`, or `cd test/node && npm ci`).
func NodeDir() string { return filepath.Join(moduleRoot(), "test", "node") }

// NodeModule returns the path of rel inside test/node's node_modules (such as
// "@modelcontextprotocol/server-everything/dist/index.js"); it does not check that it is there.
func NodeModule(rel string) string { return filepath.Join(NodeDir(), "node_modules", rel) }

// NeedNode fails t, saying what to install, unless node is on PATH and rel (a path inside
// test/node's node_modules) is installed; it returns rel's full path.
func NeedNode(t testing.TB, rel string) string {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatal("node is not installed: run `make test`, which installs Node.js and the test packages")
	}
	p := NodeModule(rel)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("the npm test packages are missing (no node_modules/%s): run `make test` (or: cd test/node && npm ci)", rel)
	}
	return p
}

// NeedNpx fails t, saying what to install, when npx is not on PATH.
func NeedNpx(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("npx"); err != nil {
		t.Fatal("npx is not installed: install Node.js 20 or newer (it brings npx); `make test` does")
	}
}

// NpmCache is one npm cache for every test that installs from npm, kept between runs like a
// person's own ~/.npm: the first install of a package downloads it, later ones find it. (Each
// test has its own HOME, which would otherwise give each a cold cache.) Measure the cold case
// in a benchmark with a cache of its own.
func NpmCache() string { return filepath.Join(os.TempDir(), "mcptray-test-npm-cache") }

// NodeClient runs test/node/client.mjs, the official TypeScript SDK client, with args (a
// scenario, "--" and the server command) and env (nil: this process's), and returns what it
// printed on stdout and stderr. It fails t, with the client's stderr, when the client does not
// exit 0. It blocks until the client exits.
func NodeClient(t testing.TB, env []string, args ...string) (out []byte, stderr string) {
	t.Helper()
	return NodeScript(t, env, "client.mjs", args...)
}

// NodeScript is NodeClient for another of test/node's scripts (script is its file name).
func NodeScript(t testing.TB, env []string, script string, args ...string) (out []byte, stderr string) {
	t.Helper()
	cmd := exec.Command("node", append([]string{filepath.Join(NodeDir(), script)}, args...)...)
	cmd.Env = env
	var errb strings.Builder
	cmd.Stderr = &errb
	// A server the client started through npx leaves a grandchild that inherited the client's
	// standard error and can outlive it by a minute: once the client has exited, its output
	// is complete, so the wait for that pipe is cut short.
	cmd.WaitDelay = 2 * time.Second
	out, err := cmd.Output()
	if errors.Is(err, exec.ErrWaitDelay) {
		err = nil
	}
	if err != nil {
		t.Fatalf("node %s %s: %v\n%s", script, strings.Join(args, " "), err, errb.String())
	}
	return out, errb.String()
}
