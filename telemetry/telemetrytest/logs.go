package telemetrytest

import "time"

// Log is a log record as received.
type Log struct {
	EventName string
	// Body is a string body as it is, any other as a string (see Span.Attributes); "" when
	// there is none.
	Body           string
	Attributes     map[string]string // as in Span
	SeverityText   string
	SeverityNumber int // 1-24 as OTLP numbers them, 0 when unset
	Time           time.Time
}

// Logs returns the log records received so far.
func (r *Receiver) Logs() []Log {
	r.sink.sync()
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Log(nil), r.logs...)
}
