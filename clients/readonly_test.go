package clients

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadOnlyFileIsLeftAlone: a file the person made read-only is neither edited nor
// replaced through its folder (which a rename would do), and the error is one sentence.
func TestReadOnlyFileIsLeftAlone(t *testing.T) {
	home := t.TempDir()
	path := filepath.Join(home, "claude_desktop_config.json")
	content := []byte(`{"mcpServers": {"mine": {"command": "node", "args": ["s.js"]}}}` + "\n")
	writeFile(t, path, content)
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	c := mustClient(t, "claude-desktop")
	_, err = Apply(c, path, goldenWant("x"), ApplyOptions{Backups: backupsOf(home)})
	if !errors.Is(err, ErrReadOnly) {
		t.Fatalf("Apply on a read-only file = %v, want ErrReadOnly", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "is read-only") || strings.Count(msg, ". ") > 0 {
		t.Errorf("the error is %q, want one sentence saying the file is read-only", msg)
	}
	after, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(before, after) || after.Mode() != before.Mode() || string(mustRead(t, path)) != string(content) {
		t.Errorf("the read-only file was replaced or changed (mode %v → %v)", before.Mode(), after.Mode())
	}
}

// TestQwenFileStaysPrivate: Qwen Code rewrites its settings with mode 0644 and a .orig copy;
// the next time MCP Tray looks at the file (even with nothing to change) both are owner-only
// again, and a file MCP Tray writes is too.
func TestQwenFileStaysPrivate(t *testing.T) {
	home := t.TempDir()
	path := filepath.Join(home, ".qwen", "settings.json")
	c := mustClient(t, "qwen-code")
	opts := ApplyOptions{Backups: backupsOf(home)}
	if _, err := Apply(c, path, goldenWant("x"), opts); err != nil {
		t.Fatal(err)
	}
	// What Qwen does when it starts.
	writeFile(t, path+".orig", mustRead(t, path))
	for _, p := range []string{path, path + ".orig"} {
		if err := os.Chmod(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if res, err := Apply(c, path, goldenWant("x"), opts); err != nil || res.Changed {
		t.Fatalf("Apply with nothing to change = %+v, %v", res, err)
	}
	for _, p := range []string{path, path + ".orig"} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v after MCP Tray looked at it, want 0600", p, fi.Mode().Perm())
		}
	}
}
