//go:build !windows

package clients

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestNamedPipeIsNotRead: another program puts a named pipe where Cursor's file goes. Reading
// it would wait for a writer forever and stop every AI client's upkeep; it is refused at once
// with a sentence, and Apply writes nothing in its place.
func TestNamedPipeIsNotRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mcp.json")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	c := mustClient(t, "cursor")
	if _, err := Read(c, path); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("Read of a named pipe: %v", err)
	}
	if _, err := Apply(c, path, nil, ApplyOptions{}); err == nil {
		t.Fatal("Apply replaced a named pipe")
	}
}
