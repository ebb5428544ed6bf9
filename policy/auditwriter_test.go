package policy

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// Every entry written from many goroutines is in the log once Close returns, and the chain
// holds.
func TestAuditWriterWritesEveryEntryBeforeClose(t *testing.T) {
	dir := t.TempDir()
	l, err := OpenAudit(dir, AuditOptions{SyncEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	w := NewAuditWriter(l, func(err error) { t.Errorf("writing: %v", err) })
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 250 {
				w.Write(testEntry(g*1000 + i))
			}
		})
	}
	wg.Wait()
	w.Close()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	rep, err := Verify(dir)
	if err != nil || !rep.OK || rep.Lines != 2000 {
		t.Fatalf("after Close: %+v, %v; want 2000 chained lines", rep, err)
	}
}

// After an idle moment an entry is written at once; entries that keep coming are written
// together, at most once per linger, not one write per call (each write of a busy relay
// wakes the runtime's monitor thread: docs/relay-performance.md).
func TestAuditWriterBatchesWhileCallsKeepComing(t *testing.T) {
	batches := make(chan int, 1000)
	const linger = 500 * time.Millisecond
	dir, w := testAuditWriter(t, linger, func(n int) { batches <- n })
	w.Write(testEntry(0))
	select {
	case n := <-batches:
		if n != 1 {
			t.Fatalf("first batch: %d entries, want 1", n)
		}
	case <-time.After(linger / 2):
		t.Fatal("the first entry after an idle moment waited for the linger")
	}
	// 50 calls, one every 2 ms (a busy relay), well inside the linger.
	for i := range 50 {
		w.Write(testEntry(i + 1))
		time.Sleep(2 * time.Millisecond)
	}
	w.Close()
	close(batches)
	var sizes []int
	total := 0
	for n := range batches {
		sizes = append(sizes, n)
		total += n
	}
	// One batch, or two or three if this machine stalled for a whole linger.
	if total != 50 || len(sizes) > 3 {
		t.Fatalf("batches written after the first: %v (want the 50 entries in at most 3 writes)", sizes)
	}
	rep, err := Verify(dir)
	if err != nil || !rep.OK || rep.Lines != 51 {
		t.Fatalf("after Close: %+v, %v; want 51 chained lines", rep, err)
	}
}

// Flush writes what is queued at once, without waiting out the linger, so that a reader of
// the log (mcptray audit) sees every call that ended before it asked.
func TestAuditWriterFlushWritesWithoutTheLinger(t *testing.T) {
	dir, w := testAuditWriter(t, time.Hour, nil)
	lines := func() int { // in the file now (Verify wants the log sealed, at Close)
		files, _ := filepath.Glob(filepath.Join(dir, "*.jsonl"))
		n := 0
		for _, f := range files {
			b, _ := os.ReadFile(f)
			n += bytes.Count(b, []byte{'\n'})
		}
		return n
	}
	w.Write(testEntry(0)) // written at once: nothing was written for an hour
	for deadline := time.Now().Add(10 * time.Second); lines() != 1 && time.Now().Before(deadline); time.Sleep(time.Millisecond) {
	}
	for i := range 1500 { // lingering now, for an hour; more than a batch
		w.Write(testEntry(i + 1))
	}
	w.Flush()
	if n := lines(); n != 1501 {
		t.Fatalf("after Flush the log has %d lines, want 1501", n)
	}
	w.Flush() // nothing queued: returns
	w.Close()
	w.Flush() // after Close: returns
}

// testAuditWriter opens an audit log in a new folder (sealed at every append) and starts its
// writer with linger and wrote (see newAuditWriter); the log is closed at cleanup.
func testAuditWriter(t *testing.T, linger time.Duration, wrote func(int)) (dir string, w *AuditWriter) {
	t.Helper()
	dir = t.TempDir()
	l, err := OpenAudit(dir, AuditOptions{SyncEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return dir, newAuditWriter(l, func(err error) { t.Errorf("writing: %v", err) }, linger, wrote)
}

// testEntry is an allowed call of tool number i.
func testEntry(i int) AuditEntry {
	return AuditEntry{Call: Call{Server: "fs", Tool: strconv.Itoa(i)}, Decision: Decision{Outcome: Allowed, DecidedBy: ByRule}, Outcome: CallOK}
}
