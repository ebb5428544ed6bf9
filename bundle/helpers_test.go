package bundle

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/internal/testbin"
)

// mcpbCLI is the real bundle tool, @anthropic-ai/mcpb from npm, as test/node installs it
// (MCPTRAY_TEST_MCPB overrides where it is).
func mcpbCLI(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("MCPTRAY_TEST_MCPB"); p != "" {
		return p
	}
	return testbin.NeedNode(t, filepath.Join(".bin", "mcpb"))
}

// runMCPB runs the mcpb CLI in dir and fails t when it fails.
func runMCPB(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command(mcpbCLI(t), args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("mcpb %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

const helloManifest = `{
  "manifest_version": "0.3",
  "name": "hello-bundle",
  "display_name": "Hello Bundle",
  "version": "1.0.0",
  "description": "A test bundle",
  "author": {"name": "Test"},
  "server": {"type": "binary", "entry_point": "server/hello",
    "mcp_config": {"command": "${__dirname}/server/hello", "args": ["--root", "${user_config.root}"],
      "env": {"API_KEY": "${user_config.api_key}", "MODE": "fast"}}},
  "user_config": {
    "api_key": {"type": "string", "title": "API key", "description": "Your key", "sensitive": true, "required": true},
    "root": {"type": "directory", "title": "Folder", "description": "Where", "default": "${HOME}/Documents"}
  },
  "compatibility": {"platforms": ["linux", "darwin", "win32"]}
}`

// packed makes a real bundle with `mcpb pack` from manifest and files, and returns its path.
func packed(t testing.TB, manifest string, files map[string]string) string {
	t.Helper()
	src := t.TempDir()
	files["manifest.json"] = manifest
	for name, body := range files {
		p := filepath.Join(src, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		mode := os.FileMode(0o644)
		if strings.HasPrefix(name, "server/") {
			mode = 0o755
		}
		if err := os.WriteFile(p, []byte(body), mode); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "hello.mcpb")
	runMCPB(t, src, "pack", src, out)
	return out
}

// entry is one file of a hand-made zip.
type entry struct {
	name string
	body string
	mode os.FileMode // 0: a regular file 0644
}

// handZip makes a zip the way an attacker would, with any names and modes.
func handZip(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		mode := e.mode
		if mode == 0 {
			mode = 0o644
		}
		h.SetMode(mode)
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(e.body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func mustRefuse(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted; want a refusal saying %q", want)
	}
	if !errors.Is(err, ErrRefused) {
		t.Fatalf("error %q does not wrap ErrRefused", err)
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("refusal %q does not say %q", err, want)
	}
	if strings.Count(strings.TrimSuffix(err.Error(), "."), ". ") > 0 {
		t.Errorf("refusal %q is more than one sentence", err)
	}
}
