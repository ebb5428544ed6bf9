// Package telemetrytest is a real OTLP receiver on 127.0.0.1 for tests: the OpenTelemetry
// Collector's own otlpreceiver, taking spans, metrics and logs over OTLP/HTTP (/v1/traces,
// /v1/metrics and /v1/logs) and OTLP/gRPC. It runs as a program of its own, otlpsink (a
// nested Go module, so that the collector's dependencies stay out of MCP Tray's build), which
// Start builds once per test binary and starts for each receiver.
package telemetrytest

import (
	"sync"
	"testing"
	"time"
)

// Span is a span as received.
type Span struct {
	Name            string
	TraceID, SpanID string // hex
	ParentSpanID    string // hex, "" for a root span
	// Attributes holds each attribute's value as a string: a number in decimal, a bool as
	// true or false, a list or map as JSON.
	Attributes    map[string]string
	Start, End    time.Time
	StatusError   bool   // the span's status code is Error
	StatusMessage string // the status's description
}

// Receiver collects what it is sent. Its methods are safe for concurrent use. Spans, Metrics,
// Logs and Requests answer with everything the receiver had taken when they were called: an
// export whose response the exporter has seen is in their answer.
type Receiver struct {
	// HTTP is the base URL of the OTLP/HTTP endpoint; GRPC the URL of the gRPC one.
	HTTP, GRPC string

	sink *sink

	mu       sync.Mutex
	spans    []Span
	metrics  []string // metric names, in the order received
	logs     []Log
	requests int           // every request of any kind, empty exports included
	changed  chan struct{} // closed and replaced when something arrives, and at the sink's end
}

// Start starts a receiver on 127.0.0.1 (HTTP and gRPC, each on a port of its own) and stops it
// at the end of t, failing t if the receiver failed. The first Start in a test binary builds
// the receiver, which takes up to a minute on a cold build cache.
func Start(t testing.TB) *Receiver {
	t.Helper()
	r := &Receiver{changed: make(chan struct{})}
	s, err := startSink(r.add)
	if err != nil {
		t.Fatalf("starting the OTLP receiver: %v", err)
	}
	r.sink = s
	r.HTTP, r.GRPC = s.http, s.grpc
	t.Cleanup(func() {
		if err := s.stop(); err != nil {
			t.Errorf("the OTLP receiver: %v", err)
		}
	})
	return r
}

// add keeps one line's item (nil at the sink's end) and, when wake, wakes Wait.
func (r *Receiver) add(item any, wake bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch x := item.(type) {
	case Span:
		r.spans = append(r.spans, x)
	case metricName:
		r.metrics = append(r.metrics, string(x))
	case Log:
		r.logs = append(r.logs, x)
	case request:
		r.requests++
	}
	if wake {
		close(r.changed)
		r.changed = make(chan struct{})
	}
}

// Spans returns the spans received so far.
func (r *Receiver) Spans() []Span {
	r.sink.sync()
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Span(nil), r.spans...)
}

// Metrics returns the names of the metrics received so far, once each.
func (r *Receiver) Metrics() []string {
	r.sink.sync()
	r.mu.Lock()
	defer r.mu.Unlock()
	seen := map[string]bool{}
	var out []string
	for _, m := range r.metrics {
		if !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	return out
}

// Requests counts the requests received, of spans, metrics or logs, over HTTP or gRPC, those
// that carried nothing included.
func (r *Receiver) Requests() int {
	r.sink.sync()
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requests
}

// Wait blocks until ok holds for what was received, failing t after 30 s.
func (r *Receiver) Wait(t testing.TB, what string, ok func() bool) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		r.mu.Lock()
		ch := r.changed
		r.mu.Unlock()
		if ok() {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("the OTLP receiver never got %s", what)
		}
	}
}
