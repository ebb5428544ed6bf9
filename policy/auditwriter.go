package policy

import (
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
	queue chan AuditEntry
	kick  chan struct{} // one buffered wake-up: an entry found the last write linger or more ago
	flush chan chan struct{}
	done  chan struct{}

	linger time.Duration
	start  time.Time    // the writer's own clock starts here (monotonic)
	last   atomic.Int64 // when the last write began, in ns since start
	alarm  *alarm.Alarm // the tail's and the seal's clock; nil: no alarm could be made (timers then)
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
	w := &AuditWriter{log: l, queue: make(chan AuditEntry, auditQueue), kick: make(chan struct{}, 1),
		flush: make(chan chan struct{}), done: make(chan struct{}), linger: linger, start: time.Now()}
	w.last.Store(-int64(linger)) // nothing written yet: the first entry goes at once
	if a, err := alarm.New(); err == nil {
		w.alarm = a
		l.sealBy(true) // the writer seals the log when its alarm says so
	}
	go w.run(onError, tail, wrote)
	return w
}

// Write queues e, and wakes the writer when the last write was linger or more ago. It blocks
// only while the queue is full; it must not be called after Close.
func (w *AuditWriter) Write(e AuditEntry) {
	w.queue <- e
	if time.Since(w.start)-time.Duration(w.last.Load()) >= w.linger {
		select {
		case w.kick <- struct{}{}:
		default: // a wake-up is pending already
		}
	}
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
	close(w.queue)
	select {
	case w.kick <- struct{}{}:
	default:
	}
	<-w.done
}

// run is the writer's goroutine. It waits for a wake-up from Write, a Flush, or its clock,
// which is set after each write for the tail (and for the seal the log asks for) and ticks
// only when no wake-up came for that long; it never waits on the queue itself, so queuing an
// entry wakes nobody unless Write says so.
func (w *AuditWriter) run(onError func(error), tail time.Duration, wrote func(int)) {
	defer close(w.done)
	tick, set, stop := w.clock()
	defer stop()
	batch := make([]AuditEntry, 0, auditBatch)
	open := true
	// write appends batch to the log; it reports whether it wrote anything.
	write := func() bool {
		if len(batch) == 0 {
			return false
		}
		// Stamped before the write: an entry queued while it runs finds it recent and does
		// not wake the writer again at once.
		w.last.Store(int64(time.Since(w.start)))
		if err := w.log.AppendBatch(batch); err != nil {
			onError(err)
		}
		if wrote != nil {
			wrote(len(batch))
		}
		batch = batch[:0]
		return true
	}
	// drain takes what is queued into batch until it is full; it reports whether the queue
	// may hold more.
	drain := func() bool {
		for len(batch) < cap(batch) {
			select {
			case e, ok := <-w.queue:
				if !ok {
					open = false
					return false
				}
				batch = append(batch, e)
			default:
				return false
			}
		}
		return true
	}
	tailDue := false // entries may be queued that no wake-up will come for
	for open {
		var flushed chan struct{}
		select {
		case <-w.kick:
		case <-tick:
		case flushed = <-w.flush:
		}
		// A full batch leaves entries behind: they go at once, not after another linger. A
		// flush waits for every entry queued before it: at most a full queue, which is
		// auditQueue/auditBatch batches (entries queued after the flush may go too).
		wroteAny := false
		for range auditQueue/auditBatch + 1 {
			more := drain()
			wroteAny = write() || wroteAny
			if !more {
				break
			}
		}
		if flushed != nil {
			close(flushed)
		}
		if !open {
			break
		}
		if w.alarm != nil {
			if err := w.log.sealIfDue(); err != nil {
				onError(err)
			}
		}
		// After a write, entries that queue up within the linger wake nobody: the tail
		// comes for them. A tick with nothing to write ends that wait.
		tailDue = wroteAny || tailDue && len(w.queue) > 0
		next := time.Duration(-1)
		if tailDue {
			next = tail
		}
		if wait, ok := w.log.sealWait(); ok && w.alarm != nil && (next < 0 || wait < next) {
			next = wait
		}
		set(next)
	}
}

// clock is the writer's alarm as a channel, set (d < 0: stopped) and stopped at the end; a
// runtime timer when no alarm could be made.
func (w *AuditWriter) clock() (tick <-chan struct{}, set func(time.Duration), stop func()) {
	if a := w.alarm; a != nil {
		return a.C, func(d time.Duration) {
				if d < 0 {
					a.Stop()
				} else {
					a.Reset(d)
				}
			}, func() {
				a.Close()
				w.log.sealBy(false)
			}
	}
	c := make(chan struct{}, 1)
	t := time.AfterFunc(time.Hour, func() {
		select {
		case c <- struct{}{}:
		default:
		}
	})
	t.Stop()
	return c, func(d time.Duration) {
			if d < 0 {
				t.Stop()
			} else {
				t.Reset(d)
			}
		}, func() {
			t.Stop()
		}
}
