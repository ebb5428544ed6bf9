// Package bundle tests installing Claude extension bundles (.mcpb) through the real mcptray
// binary: bundles made by the real `mcpb` tool from npm (pack, sign), hostile ones made by
// hand, a real daemon, a real Secret Service (keychain/run-with-secret-service.sh).
package bundle

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/internal/testbin"
	"github.com/mcptray/mcptray/keychain"
)

func TestMain(m *testing.M) { testbin.Main(m, nil) }

// mcpbCLI is the real bundle tool, @anthropic-ai/mcpb from npm, as test/node installs it
// (MCPTRAY_TEST_MCPB overrides where it is).
func mcpbCLI(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("MCPTRAY_TEST_MCPB"); p != "" {
		return p
	}
	return testbin.NeedNode(t, filepath.Join(".bin", "mcpb"))
}

func runMCPB(t testing.TB, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command(mcpbCLI(t), args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("mcpb %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// helloManifest is a binary bundle whose server is the fake MCP server: it greets with the
// folder setting, and reads its key from API_KEY, a secret setting.
const helloManifest = `{
  "manifest_version": "0.3",
  "name": "hello-bundle",
  "display_name": "Hello Bundle",
  "version": "1.0.0",
  "description": "A bundle made for MCP Tray's tests",
  "author": {"name": "MCP Tray tests"},
  "server": {"type": "binary", "entry_point": "server/fake",
    "mcp_config": {"command": "${__dirname}/server/fake",
      "args": ["--hello", "root is ${user_config.root}"],
      "env": {"API_KEY": "${user_config.api_key}", "ROOT": "${user_config.root}"}}},
  "user_config": {
    "api_key": {"type": "string", "title": "API key", "description": "Your key", "sensitive": true, "required": true},
    "root": {"type": "directory", "title": "Folder", "description": "Which folder it works in", "default": "${HOME}/Documents"}
  },
  "compatibility": {"platforms": ["linux", "darwin", "win32"]}
}`

// packBundle packs the fake server with manifest into a .mcpb with `mcpb pack`.
func packBundle(t testing.TB, manifest string) string {
	t.Helper()
	fake, err := testbin.FakeServer()
	if err != nil {
		t.Fatal(err)
	}
	src := t.TempDir()
	os.MkdirAll(filepath.Join(src, "server"), 0o755)
	b, err := os.ReadFile(fake)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "server", "fake"), b, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "manifest.json"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "hello.mcpb")
	runMCPB(t, src, "pack", src, out)
	return out
}

// handBundle writes a zip made by hand, as an attacker would, with any names and modes.
func handBundle(t testing.TB, files ...[2]string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.Create(f[0])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(f[1]))
	}
	zw.Close()
	p := filepath.Join(t.TempDir(), "hostile.mcpb")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func needKeyring(t testing.TB) {
	t.Helper()
	if os.Getenv("MCPTRAY_TEST_ISOLATED_KEYRING") != "1" {
		t.Fatal("this test needs the private Secret Service that `make test` starts (keychain/run-with-secret-service.sh go test ./test/bundle)")
	}
}

func keychainValue(t testing.TB, server, key string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	v, err := keychain.System(keychain.Options{}).Get(ctx, server, key)
	if err != nil {
		t.Fatalf("reading %s/%s from the keychain: %v", server, key, err)
	}
	return v
}

// newUser is a person with a fresh HOME and no registry; MCP Tray is stopped at cleanup.
func newUser(t testing.TB) *testbin.User {
	t.Helper()
	u := testbin.NewUser(t)
	u.Env = append(u.Env, "XDG_CONFIG_HOME="+filepath.Join(u.Dir, ".config"))
	os.MkdirAll(u.Home, 0o700)
	os.MkdirAll(filepath.Join(u.Dir, "Documents"), 0o700)
	if err := os.WriteFile(filepath.Join(u.Home, "config.json"), []byte(`{"servers": {}, "settings": {"registryURL": "off"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stopDaemon(t, u) })
	return u
}

// stopDaemon stops the MCP Tray a command started in the background and waits until it and
// its servers are gone.
func stopDaemon(t testing.TB, u *testbin.User) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	ping, err := api.Call(ctx, &control.Client{Path: config.Home(u.Home).SocketPath()}, api.Ping, api.None{})
	if err != nil || ping.Pid <= 0 {
		return
	}
	kids := testbin.Descendants(ping.Pid)
	syscall.Kill(ping.Pid, syscall.SIGTERM)
	testbin.WaitExit(t, "MCP Tray", append(kids, ping.Pid)...)
}
