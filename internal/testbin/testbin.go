// Package testbin builds the programs that tests spawn for real — the fake MCP server and the
// mcptray binary itself — once per test process, into a temporary folder.
package testbin

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
)

var (
	mu    sync.Mutex
	built = map[string]string{}
	dir   string
)

// FakeServer returns the path of the fake MCP server (internal/fakeserver), building it on
// first use.
func FakeServer() (string, error) { return build("fakeserver", "./internal/fakeserver") }

// MCPTray returns the path of the mcptray binary built with the ci tag (Fyne's software
// driver, so no cgo or GL headers are needed), building it on first use.
func MCPTray() (string, error) { return build("mcptray", "./cmd/mcptray", "-tags", "ci") }

// MCPTrayFloor returns the path of an mcptray binary built with the relayfloor tag, whose
// relay forwards lines with no reading, gate or record (gateway/floor_on.go): the relay
// benchmarks' measure of MCP Tray's wiring alone. MCPTRAY_FLOOR_BIN names another such
// binary (for runs that compare builds); otherwise it is built on first use.
func MCPTrayFloor() (string, error) {
	if p := os.Getenv("MCPTRAY_FLOOR_BIN"); p != "" {
		return p, nil
	}
	return build("mcptray-floor", "./cmd/mcptray", "-tags", "ci,relayfloor")
}

// Cleanup removes the built programs; call it from TestMain after m.Run.
func Cleanup() {
	mu.Lock()
	defer mu.Unlock()
	if dir != "" {
		os.RemoveAll(dir)
	}
}

func build(name, pkg string, flags ...string) (string, error) {
	mu.Lock()
	defer mu.Unlock()
	if p, ok := built[name]; ok {
		return p, nil
	}
	if dir == "" {
		d, err := os.MkdirTemp("", "mcptray-testbin-")
		if err != nil {
			return "", err
		}
		dir = d
	}
	out := filepath.Join(dir, name)
	if runtime.GOOS == "windows" {
		out += ".exe"
	}
	args := append([]string{"build", "-o", out}, flags...)
	cmd := exec.Command("go", append(args, pkg)...)
	cmd.Dir = moduleRoot()
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building %s: %v\n%s", pkg, err, b)
	}
	built[name] = out
	return out, nil
}

// moduleRoot is the repository root, found from this file's location at build time.
func moduleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}
