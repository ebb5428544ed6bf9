package store

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBuildNpmRealRegistry installs the catalog's everything server from the npm registry
// this machine uses, then checks that its tree verifies, and that a changed file is named.
func TestBuildNpmRealRegistry(t *testing.T) {
	s := &Store{Root: t.TempDir()}
	var lines []string
	f, argv, err := s.Build(context.Background(), "everything", Package{Registry: "npm",
		Name: "@modelcontextprotocol/server-everything", Version: "2026.8.31"}, func(m string) { lines = append(lines, m) })
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("progress: %q", lines)
	t.Logf("frozen: %+v argv: %q", f, argv)
	if len(argv) != 2 || filepath.Base(argv[0]) != "node" || !strings.HasPrefix(argv[1], f.Dir+string(filepath.Separator)) {
		t.Fatalf("argv = %q", argv)
	}
	start := time.Now()
	if err := Verify(f); err != nil {
		t.Fatal(err)
	}
	t.Logf("verify took %s", time.Since(start))
	if _, _, err := s.Build(context.Background(), "everything", Package{Registry: "npm",
		Name: "@modelcontextprotocol/server-everything", Version: "2026.8.31"}, nil); err != ErrExists {
		t.Fatalf("second build: %v, want ErrExists", err)
	}
	victim := filepath.Join(f.Dir, "node_modules", "@modelcontextprotocol", "server-everything", "package.json")
	if err := os.WriteFile(victim, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	err = Verify(f)
	if err == nil || !strings.Contains(err.Error(), filepath.Join("node_modules", "@modelcontextprotocol", "server-everything", "package.json")) {
		t.Fatalf("Verify after a change = %v", err)
	}
	t.Log(err)
}
