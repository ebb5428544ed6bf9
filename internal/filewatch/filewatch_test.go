package filewatch

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mcptray/mcptray/internal/atomicfile"
)

func watch(t *testing.T, path string) <-chan string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ch := make(chan string, 16)
	w, err := New(ctx, 20*time.Millisecond, func(p string) { ch <- p })
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Add(path); err != nil {
		t.Fatal(err)
	}
	return ch
}

func expect(t *testing.T, ch <-chan string, want string) {
	t.Helper()
	select {
	case got := <-ch:
		if got != want {
			t.Fatalf("change reported for %s, want %s", got, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("no change reported for %s within 5s", want)
	}
}

func TestAtomicReplaceKeepsWatching(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "config.json")
	os.WriteFile(p, []byte("1"), 0o600)
	ch := watch(t, p)
	for i := range 3 {
		if err := atomicfile.WriteFile(p, []byte{byte('a' + i)}, 0o600); err != nil {
			t.Fatal(err)
		}
		expect(t, ch, p)
	}
}

func TestOtherFilesIgnoredAndBurstDebounced(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "config.json")
	ch := watch(t, p)
	os.WriteFile(filepath.Join(dir, "other.json"), []byte("x"), 0o600)
	for range 5 {
		os.WriteFile(p, []byte("x"), 0o600)
	}
	expect(t, ch, p)
	select {
	case got := <-ch:
		t.Fatalf("a burst of writes was reported twice (second: %s)", got)
	case <-time.After(200 * time.Millisecond):
	}
}

// TestMissingParentsAreWaitedFor: a client's folder made after MCP Tray started, several
// levels at once, one of them hidden (".cursor"), is watched as it appears.
func TestMissingParentsAreWaitedFor(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a", ".b", "c", "mcp.json")
	ch := watch(t, p)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	// The new folders are picked up asynchronously; keep writing until the change is seen.
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		os.WriteFile(p, []byte("{}"), 0o600)
		select {
		case got := <-ch:
			if got != p {
				t.Fatalf("change reported for %s, want %s", got, p)
			}
			return
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatal("a file created under new folders was never reported")
}

func TestDeletionIsReported(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "config.json")
	os.WriteFile(p, []byte("1"), 0o600)
	ch := watch(t, p)
	os.Remove(p)
	expect(t, ch, p)
}

// Once the context ends no change is acted on: Done waits for a call in progress, and a
// change still being debounced is dropped (a late reload restarted servers the daemon had
// just stopped, and wrote into its home after it returned).
func TestNoChangeIsActedOnAfterDone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.json")
	ctx, cancel := context.WithCancel(context.Background())
	entered, release := make(chan struct{}), make(chan struct{})
	var first sync.Once
	var calls atomic.Int32
	w, err := New(ctx, 20*time.Millisecond, func(p string) {
		calls.Add(1)
		first.Do(func() {
			close(entered)
			<-release
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Add(path); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, []byte("1"), 0o600)
	<-entered
	cancel()
	select {
	case <-w.Done():
		t.Fatal("Done closed while a change was still being acted on")
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	select {
	case <-w.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("Done not closed after the last call returned")
	}
	n := calls.Load()
	os.WriteFile(path, []byte("2"), 0o600) // after the end: never acted on
	time.Sleep(100 * time.Millisecond)     // past the debounce
	if got := calls.Load(); got != n {
		t.Errorf("%d changes acted on after Done", got-n)
	}
}
