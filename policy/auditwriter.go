package policy

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mcptray/mcptray/internal/alarm"
)

// AuditWriter is an audit log's one writer: entries queued with Write are appended by one
// goroutine in batches, so a relayed call never waits for the disk.
//
// After an idle moment the first entry is written at once. While calls keep coming, the
// writer writes at most once per auditLinger, everything that queued up in between in one
// write: it is woken for that by the call whose entry finds the last write auditLinger or
// more ago. The entries of a burst's end, which no later call wakes it for, are written
// auditTail after the last write, and the log is sealed (fsync and head mark, SyncEvery)
// by the writer too. Both wait on an alarm (internal/alarm), never on a runtime timer: a
// timer pending while calls kept coming woke the runtime's monitor thread, which moved the
// daemon's one P between threads, and cost every relayed call ~10 µs at the median
// (docs/relay-performance.md). A busy relay pays for a write, and for waking the writer,
// once per batch instead of once per call.
type AuditWriter struct {
	log   *AuditLog
	kick  chan struct{} // one buffered wake-up: an entry found the last write linger or more ago
	flush chan chan struct{}
	done  chan struct{}

	mu     sync.Mutex
	queued []AuditEntry // what Write queued, in order; the writer takes it all at once
	spare  []AuditEntry // the memory of the writer's last batch, for queued to reuse (it is warm)
	room   sync.Cond    // broadcast when the writer takes the queue: Write waits while it is full
	closed bool

	linger time.Duration
	start  time.Time    // the writer's own clock starts here (monotonic)
	last   atomic.Int64 // when the last write began, in ns since start
	alarm  *alarm.Alarm // the tail's and the seal's clock
}

// auditQueue is how many entries may wait for the writer before Write blocks.
const auditQueue = 4096

// auditBatch is the most entries one write takes.
const auditBatch = 512

// auditLinger is the shortest time between two writes while calls keep coming.
const auditLinger = 20 * time.Millisecond

// auditTail is the longest an entry waits for its write when no call after it wakes the
// writer: the tail of a burst of calls.
const auditTail = 250 * time.Millisecond

// NewAuditWriter starts the writer of l; onError hears of each write that failed (the entries
// of that batch are lost, the next batch is tried). Close stops it.
func NewAuditWriter(l *AuditLog, onError func(error)) *AuditWriter {
	return newAuditWriter(l, onError, auditLinger, auditTail, nil)
}

// newAuditWriter is NewAuditWriter with the linger and tail given and, when wrote is set,
// told the size of every batch written (for tests).
func newAuditWriter(l *AuditLog, onError func(error), linger, tail time.Duration, wrote func(int)) *AuditWriter {
	w := &AuditWriter{log: l, kick: make(chan struct{}, 1), flush: make(chan chan struct{}), done: make(chan struct{}),
		linger: linger, start: time.Now()}
	w.room.L = &w.mu
	w.last.Store(-int64(linger)) // nothing written yet: the first entry goes at once
	w.alarm = alarm.New()
	l.sealBy(true) // the writer seals the log when its alarm says so
	go w.run(onError, tail, wrote)
	return w
}

// Write queues e, and wakes the writer when the last write was linger or more ago. It blocks
// only while auditQueue entries wait already; it must not be called after Close. The queue is
// a slice the writer hands back once it has written it, not a channel: each entry is then
// copied into memory the writer has just read, where a channel's ring of 4,096 entries put
// every call's entry into memory touched one ring ago (~3 µs a call at the median with
// server-everything, docs/relay-performance.md).
func (w *AuditWriter) Write(e AuditEntry) {
	w.mu.Lock()
	for len(w.queued) >= auditQueue && !w.closed {
		w.wake()
		w.room.Wait()
	}
	if w.closed {
		w.mu.Unlock()
		panic("policy: AuditWriter.Write after Close")
	}
	w.queued = append(w.queued, e)
	w.mu.Unlock()
	if time.Since(w.start)-time.Duration(w.last.Load()) >= w.linger {
		w.wake()
	}
}

// wake sends the writer a wake-up unless one is waiting already.
func (w *AuditWriter) wake() {
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// take hands the writer everything queued, and says whether the writer was closed.
func (w *AuditWriter) take() (batch []AuditEntry, closed bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	batch, w.queued, w.spare = w.queued, w.spare[:0], nil
	w.room.Broadcast()
	return batch, w.closed
}

// giveBack returns a written batch's memory for the next entries.
func (w *AuditWriter) giveBack(batch []AuditEntry) {
	clear(batch) // the entries' arguments and strings are garbage now
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.spare == nil && cap(batch) <= 2*auditQueue {
		w.spare = batch[:0]
	}
}

// waiting reports whether entries are queued.
func (w *AuditWriter) waiting() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.queued) > 0
}

// Flush returns once every entry queued before it was called is in the file (or its write
// failed), without waiting out the linger: a reader of the log then sees every call that
// ended before it asked. After Close it returns at once.
func (w *AuditWriter) Flush() {
	done := make(chan struct{})
	select {
	case w.flush <- done:
		<-done
	case <-w.done:
	}
}

// Close writes what is queued, stops the writer and returns once it has. It does not close
// the log.
func (w *AuditWriter) Close() {
	w.mu.Lock()
	w.closed = true
	w.room.Broadcast()
	w.mu.Unlock()
	w.wake()
	<-w.done
}

// run is the writer's goroutine. It waits for a wake-up from Write, a Flush, or its clock,
// which is set after each write for the tail (and for the seal the log asks for) and ticks
// only when no wake-up came for that long; it never waits on the queue itself, so queuing an
// entry wakes nobody unless Write says so.
func (w *AuditWriter) run(onError func(error), tail time.Duration, wroteHook func(int)) {
	defer close(w.done)
	defer func() {
		w.alarm.Close()
		w.log.sealBy(false)
	}()
	// write appends what is queued to the log, auditBatch entries a write; it reports
	// whether it wrote anything, and whether the writer was closed.
	write := func() (wrote bool, closed bool) {
		queued, closed := w.take()
		if len(queued) == 0 {
			w.giveBack(queued)
			return false, closed
		}
		// Stamped before the write: an entry queued while it runs finds it recent and does
		// not wake the writer again at once.
		w.last.Store(int64(time.Since(w.start)))
		for batch := range slices.Chunk(queued, auditBatch) {
			if err := w.log.AppendBatch(batch); err != nil {
				onError(err)
			}
			if wroteHook != nil {
				wroteHook(len(batch))
			}
		}
		w.giveBack(queued)
		return true, closed
	}
	tailDue := false // entries may be queued that no wake-up will come for
	for {
		var flushed chan struct{}
		select {
		case <-w.kick:
		case <-w.alarm.C:
		case flushed = <-w.flush:
		}
		// Everything queued goes at once, a flush's entries with it.
		wroteAny, closed := write()
		if flushed != nil {
			close(flushed)
		}
		if closed {
			return
		}
		if err := w.log.sealIfDue(); err != nil {
			onError(err)
		}
		// After a write, entries that queue up within the linger wake nobody: the tail
		// comes for them. A tick with nothing to write ends that wait.
		tailDue = wroteAny || tailDue && w.waiting()
		next, set := tail, tailDue
		if wait, ok := w.log.sealWait(); ok && (!set || wait < next) {
			next, set = wait, true
		}
		if set {
			w.alarm.Reset(next)
		} else {
			w.alarm.Stop()
		}
	}
}
