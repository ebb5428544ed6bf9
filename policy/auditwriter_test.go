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

// While calls keep coming, the call whose entry finds the last write a linger or more ago
// wakes the writer: the writes keep pace with the calls with no clock behind them (here the
// tail timer is an hour away), so a busy daemon is not woken between messages.
func TestAuditWriterWritesWhileCallsKeepComingWithoutAClock(t *testing.T) {
	var mu sync.Mutex
	var at []time.Time
	const linger = 40 * time.Millisecond
	dir := t.TempDir()
	l, err := OpenAudit(dir, AuditOptions{SyncEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	w := newAuditWriter(l, func(err error) { t.Errorf("writing: %v", err) }, linger, time.Hour, func(int) {
		mu.Lock()
		at = append(at, time.Now())
		mu.Unlock()
	})
	start := time.Now()
	for i := 0; time.Since(start) < 10*linger; i++ { // a busy relay: a call every 2 ms
		w.Write(testEntry(i))
		time.Sleep(2 * time.Millisecond)
	}
	mu.Lock()
	writes := append([]time.Time(nil), at...)
	mu.Unlock()
	// One write per linger, give or take the first and an entry queued as a write began.
	if len(writes) < 4 || len(writes) > 13 {
		t.Fatalf("%d writes during %v of calls with a linger of %v: want about one per linger (fewer: the entries waited for a clock; more: they were not batched)", len(writes), 10*linger, linger)
	}
	w.Close()
}

// An entry queued within the linger of the last write waits for the next call's wake-up (or
// the tail), not for a clock: nothing wakes the daemon between messages to write it.
func TestAuditWriterWaitsForTheNextCallNotForAClock(t *testing.T) {
	batches := make(chan int, 10)
	const linger = 40 * time.Millisecond
	_, w := testAuditWriterTail(t, linger, time.Hour, func(n int) { batches <- n })
	w.Write(testEntry(0))
	if n := <-batches; n != 1 {
		t.Fatalf("first batch: %d entries, want 1", n)
	}
	w.Write(testEntry(1))
	time.Sleep(3 * linger)
	select {
	case n := <-batches:
		t.Fatalf("a batch of %d was written with no call after it: a clock woke the writer", n)
	default:
	}
	w.Write(testEntry(2)) // the last write is a linger ago: this call wakes the writer
	select {
	case n := <-batches:
		if n != 2 {
			t.Fatalf("the next call's batch: %d entries, want 2", n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the next call did not wake the writer")
	}
	w.Close()
}

// The entries of a burst's end, which no later call wakes the writer for, are written by the
// tail timer.
func TestAuditWriterWritesABurstsTail(t *testing.T) {
	batches := make(chan int, 10)
	_, w := testAuditWriterTail(t, time.Hour, 50*time.Millisecond, func(n int) { batches <- n })
	w.Write(testEntry(0)) // at once: nothing written before
	w.Write(testEntry(1)) // within the linger of that write: it waits for the tail
	w.Write(testEntry(2))
	got := 0
	for got < 3 {
		select {
		case n := <-batches:
			got += n
		case <-time.After(10 * time.Second):
			t.Fatalf("%d of 3 entries written: the tail was never written", got)
		}
	}
	w.Close()
}

// Through a writer, the log sets no timer of its own: the writer seals it (fsync and head
// mark) within SyncEvery of the lines it wrote, on its alarm, with no call after them.
func TestAuditWriterSealsTheLogOnTime(t *testing.T) {
	dir := t.TempDir()
	l, err := OpenAudit(dir, AuditOptions{SyncEvery: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	w := newAuditWriter(l, func(err error) { t.Errorf("writing: %v", err) }, time.Hour, time.Hour, nil)
	defer w.Close()
	w.Write(testEntry(0))
	w.Flush() // the first line: sealed at once, nothing was sealed before
	w.Write(testEntry(1))
	w.Write(testEntry(2))
	w.Flush()
	if rep := mustVerify(t, dir); !rep.OK || rep.Lines != 3 || rep.Unsealed != 2 {
		t.Fatalf("right after the writes: %+v, want 3 lines, the last 2 waiting for their seal", rep)
	}
	if l.timer != nil {
		t.Error("the log set a timer of its own while a writer seals it")
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		rep := mustVerify(t, dir)
		if rep.OK && rep.Lines == 3 && rep.Unsealed == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("10 s after the lines were written: %+v, want 3 lines, none unsealed", rep)
		}
	}
}

// A full queue wakes the writer, whatever the linger: Write waits only until the writer has
// taken the queue, and every entry is written.
func TestAuditWriterFullQueueWakesTheWriter(t *testing.T) {
	dir, w := testAuditWriter(t, time.Hour, nil)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 3*auditQueue + 5 { // the first at once, then the queue fills three times
			w.Write(testEntry(i))
		}
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("Write stayed blocked on a full queue: the writer was not woken")
	}
	w.Close()
	if rep := mustVerify(t, dir); !rep.OK || rep.Lines != 3*auditQueue+5 {
		t.Fatalf("after Close: %+v, want %d chained lines", rep, 3*auditQueue+5)
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
	return testAuditWriterTail(t, linger, time.Hour, wrote)
}

// testAuditWriterTail is testAuditWriter with the tail timer's wait given.
func testAuditWriterTail(t *testing.T, linger, tail time.Duration, wrote func(int)) (dir string, w *AuditWriter) {
	t.Helper()
	dir = t.TempDir()
	l, err := OpenAudit(dir, AuditOptions{SyncEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return dir, newAuditWriter(l, func(err error) { t.Errorf("writing: %v", err) }, linger, tail, wrote)
}

// testEntry is an allowed call of tool number i.
func testEntry(i int) AuditEntry {
	return AuditEntry{Call: Call{Server: "fs", Tool: strconv.Itoa(i)}, Decision: Decision{Outcome: Allowed, DecidedBy: ByRule}, Outcome: CallOK}
}
