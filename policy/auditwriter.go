package policy

// AuditWriter is an audit log's one writer: entries queued with Write are appended by one
// goroutine in batches (whatever queued up while the last batch was written goes in one
// write), so a relayed call never waits for the disk.
type AuditWriter struct {
	log   *AuditLog
	queue chan AuditEntry
	done  chan struct{}
}

// auditQueue is how many entries may wait for the writer before Write blocks.
const auditQueue = 4096

// auditBatch is the most entries one write takes.
const auditBatch = 64

// NewAuditWriter starts the writer of l; onError hears of each write that failed (the entries
// of that batch are lost, the next batch is tried). Close stops it.
func NewAuditWriter(l *AuditLog, onError func(error)) *AuditWriter {
	w := &AuditWriter{log: l, queue: make(chan AuditEntry, auditQueue), done: make(chan struct{})}
	go w.run(onError)
	return w
}

// Write queues e. It blocks only while the queue is full; it must not be called after Close.
func (w *AuditWriter) Write(e AuditEntry) { w.queue <- e }

// Close writes what is queued, stops the writer and returns once it has. It does not close
// the log.
func (w *AuditWriter) Close() {
	close(w.queue)
	<-w.done
}

func (w *AuditWriter) run(onError func(error)) {
	defer close(w.done)
	batch := make([]AuditEntry, 0, auditBatch)
	for e := range w.queue {
		batch = append(batch[:0], e)
	drain:
		for len(batch) < cap(batch) {
			select {
			case e, ok := <-w.queue:
				if !ok {
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
	}
}
