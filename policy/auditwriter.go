package policy

import "time"

// AuditWriter is an audit log's one writer: entries queued with Write are appended by one
// goroutine in batches, so a relayed call never waits for the disk.
//
// After an idle moment the first entry is written at once. While calls keep coming, the
// writer writes at most once per auditLinger, everything that queued up in between in one
// write: an entry is in the file at most auditLinger after it was queued (as long as the disk
// keeps up). A busy relay then pays for a write, and for waking the writer, once per batch
// instead of once per call: each ordinary system call after an idle moment also wakes the Go
// runtime's monitor thread, which on a two-CPU machine competes with the AI app and the
// server for a CPU (docs/relay-performance.md).
type AuditWriter struct {
	log   *AuditLog
	queue chan AuditEntry
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
	w := &AuditWriter{log: l, queue: make(chan AuditEntry, auditQueue), done: make(chan struct{})}
	go w.run(onError, linger, wrote)
	return w
}

// Write queues e. It blocks only while the queue is full; it must not be called after Close.
func (w *AuditWriter) Write(e AuditEntry) { w.queue <- e }

// Close writes what is queued, stops the writer and returns once it has (at most auditLinger
// later than the queue alone would take). It does not close the log.
func (w *AuditWriter) Close() {
	close(w.queue)
	<-w.done
}

// run is the writer's goroutine. While it waits out the linger it does not wait on the queue,
// so queuing an entry then wakes nobody.
func (w *AuditWriter) run(onError func(error), linger time.Duration, wrote func(int)) {
	defer close(w.done)
	batch := make([]AuditEntry, 0, auditBatch)
	var last time.Time // when the last batch was written
	full := false      // the last batch left entries behind: no linger before the next
	open := true
	for open {
		e, ok := <-w.queue
		if !ok {
			return
		}
		batch = append(batch[:0], e)
		if wait := linger - time.Since(last); wait > 0 && !full {
			time.Sleep(wait)
		}
	drain:
		for len(batch) < cap(batch) {
			select {
			case e, ok := <-w.queue:
				if !ok {
					open = false
					break drain
				}
				batch = append(batch, e)
			default:
				break drain
			}
		}
		if err := w.log.AppendBatch(batch); err != nil {
			onError(err)
		}
		if wrote != nil {
			wrote(len(batch))
		}
		last, full = time.Now(), len(batch) == cap(batch)
	}
}
