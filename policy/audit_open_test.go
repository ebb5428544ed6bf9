package policy

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// OpenAudit reads a big day's file as a stream: opening a 64 MB audit file allocates a small
// fraction of it (before, the whole file), and the chain goes on from its last line, so the
// next record verifies.
func TestOpenAuditDoesNotReadTheFileWhole(t *testing.T) {
	dir := t.TempDir()
	clock := &fakeClock{time.Date(2026, 11, 20, 10, 0, 0, 0, time.Local)}
	l, err := OpenAudit(dir, AuditOptions{Now: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	batch := make([]AuditEntry, 1000)
	for i := range batch {
		batch[i] = AuditEntry{Call: Call{Server: "fs", Tool: "read_file", Client: "claude-code"}}
	}
	for st, _ := os.Stat(filepath.Join(dir, "2026-11-20.jsonl")); st == nil || st.Size() < 64<<20; st, _ = os.Stat(filepath.Join(dir, "2026-11-20.jsonl")) {
		if err := l.AppendBatch(batch); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	l, err = OpenAudit(dir, AuditOptions{Now: clock.now})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 4<<20 {
		t.Errorf("opening a 64 MB audit log allocated %d MB", got>>20)
	}
	if err := l.Append(AuditEntry{Call: Call{Server: "fs", Tool: "write_file"}}); err != nil {
		t.Fatal(err)
	}
	l.Close()
	if rep := mustVerify(t, dir); !rep.OK {
		t.Errorf("after reopening: %+v", rep)
	}
}
