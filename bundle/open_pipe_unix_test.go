//go:build !windows

package bundle

import (
	"errors"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// A named pipe given as a bundle is refused at once with one sentence, not opened: opening a
// pipe waits for a writer, which would hang `mcptray install some-pipe.mcpb`.
func TestOpenRefusesANamedPipe(t *testing.T) {
	p := filepath.Join(t.TempDir(), "pipe.mcpb")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := Open(p); done <- err }()
	select {
	case err := <-done:
		if !errors.Is(err, ErrRefused) {
			t.Errorf("Open of a named pipe: %v; want a refusal", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Open of a named pipe is still waiting after 5 s")
	}
}
