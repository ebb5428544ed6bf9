package policy

import "time"

// AuditWriter is an audit log's one writer: entries queued with Write are appended by one
// goroutine in batches, so a relayed call never waits for the disk.
//
// After an idle moment the first entry is written at once. While calls keep coming, the
// writer writes at most once per auditLinger, everything that queued up in between in one
// write: an entry is in the file at most auditLinger after it was queued (as long as the disk
// keeps up), and at once after Flush. A busy relay then pays for a write, and for waking the
// writer, once per batch instead of once per call: each ordinary system call after an idle
// moment also wakes the Go runtime's monitor thread, which on a two-CPU machine competes with
// the AI app and the server for a CPU (docs/relay-performance.md).
type AuditWriter struct {
	log   *AuditLog
	queue chan AuditEntry
	flush chan chan struct{}
	done  chan struct{}
}

// auditQueue is how many entries may wait for the writer before Write blocks.
const auditQueue = 4096

// auditBatch is the most entries one write takes.
const auditBatch = 512

// auditLinger is the shortest time between two writes while calls keep coming.
const auditLinger = 20 * time.Millisecond

// NewAuditWriter starts the writer of l; onError hears of each write that failed (the entries
// of that batch are lost, the next batch is tried). Close stops it.
func NewAuditWriter(l *AuditLog, onError func(error)) *AuditWriter {
	return newAuditWriter(l, onError, auditLinger, nil)
}

// newAuditWriter is NewAuditWriter with the linger given and, when wrote is set, told the
// size of every batch written (for tests).
func newAuditWriter(l *AuditLog, onError func(error), linger time.Duration, wrote func(int)) *AuditWriter {
	w := &AuditWriter{log: l, queue: make(chan AuditEntry, auditQueue), flush: make(chan chan struct{}),
		done: make(chan struct{})}
	go w.run(onError, linger, wrote)
	return w
}

// Write queues e. It blocks only while the queue is full; it must not be called after Close.
func (w *AuditWriter) Write(e AuditEntry) { w.queue <- e }

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
	<-w.done
}

// run is the writer's goroutine. While it waits out the linger it does not wait on the queue,
// so queuing an entry then wakes nobody; a Flush ends the wait.
func (w *AuditWriter) run(onError func(error), linger time.Duration, wrote func(int)) {
	defer close(w.done)
	batch := make([]AuditEntry, 0, auditBatch)
	var last time.Time // when the last batch was written
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	open := true
	write := func() {
		if len(batch) == 0 {
			return
		}
		if err := w.log.AppendBatch(batch); err != nil {
			onError(err)
		}
		if wrote != nil {
			wrote(len(batch))
		}
		last = time.Now()
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
	for open {
		var flushed chan struct{}
		select {
		case e, ok := <-w.queue:
			if !ok {
				return
			}
			batch = append(batch[:0], e)
			if wait := linger - time.Since(last); wait > 0 {
				timer.Reset(wait)
				select {
				case <-timer.C:
				case flushed = <-w.flush:
					timer.Stop()
				}
			}
		case flushed = <-w.flush:
			batch = batch[:0]
		}
		for more := drain(); ; more = drain() {
			// A full batch leaves entries behind: they go at once, not after another linger.
			write()
			batch = batch[:0]
			if !more {
				break
			}
		}
		if flushed != nil {
			// A flush waits for every entry queued before it: at most a full queue, which is
			// auditQueue/auditBatch batches (entries queued after the flush may go too).
			for range auditQueue / auditBatch {
				if !open || len(w.queue) == 0 {
					break
				}
				drain()
				write()
				batch = batch[:0]
			}
			close(flushed)
		}
	}
}
