package telemetry

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/telemetry/wire"
)

// queueSize bounds the finished calls waiting for the helper; past it they are dropped and
// counted, so a slow or dead collector never holds a tool call.
const queueSize = 4096

// Telemetry is a running export of tool calls' spans and metrics through the mcptray-otel
// helper. Its methods are safe for concurrent use; a nil *Telemetry sends nothing.
type Telemetry struct {
	q       chan any // *wire.Record, or *wire.AuditLog for an audit export
	dropped atomic.Uint64
	stop    chan struct{} // closed by Shutdown
	done    chan struct{} // closed when the helper has ended for good
	once    sync.Once
	feeder  *feeder
}

// Options says how to run the export. The zero value (but for Log) is the installed layout.
type Options struct {
	Version string       // MCP Tray's version, for service.version
	Log     *slog.Logger // where the helper's trouble is told; nil: slog.Default()
	Helper  string       // the helper program; "": mcptray-otel beside the running executable
	// Backoff is the first wait before starting a helper again after it ended or could not
	// start; it doubles up to a minute. 0: one second.
	Backoff time.Duration
}

// Start returns telemetry exporting as s says, or nil when s is nil or not enabled, or
// OTEL_SDK_DISABLED is true: then no helper runs and nothing is sent. It does not wait for
// the helper: calls are queued from the start, and a helper that is missing or ends is told
// in o.Log and started again with a capped backoff. The error is for settings that cannot
// work (an unknown protocol, in s or in the OTEL_ variables).
func Start(s *config.Telemetry, o Options) (*Telemetry, error) {
	if s == nil || !s.Enabled || strings.EqualFold(os.Getenv("OTEL_SDK_DISABLED"), "true") {
		return nil, nil
	}
	h := wire.Header{Endpoint: s.Endpoint, Protocol: s.Protocol, Version: o.Version}
	if err := wire.CheckProtocol(wire.Protocol(h.Protocol)); err != nil {
		return nil, err
	}
	return start(h, o, callWords), nil
}

// start runs a helper fed with h, then whatever is enqueued.
func start(h wire.Header, o Options, w words) *Telemetry {
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Helper == "" {
		o.Helper = HelperPath()
	}
	if o.Backoff <= 0 {
		o.Backoff = time.Second
	}
	t := &Telemetry{q: make(chan any, queueSize), stop: make(chan struct{}), done: make(chan struct{})}
	t.feeder = &feeder{t: t, header: h, opts: o, words: w}
	go t.feeder.run()
	return t
}

// enqueue hands r to the helper without waiting; when the queue is full r is dropped and
// counted.
func (t *Telemetry) enqueue(r any) {
	select {
	case t.q <- r:
	default:
		t.dropped.Add(1)
	}
}

// Dropped is how many finished calls were dropped since the last time the log said so.
func (t *Telemetry) Dropped() uint64 {
	if t == nil {
		return 0
	}
	return t.dropped.Load()
}

// Shutdown hands what is queued to the helper, lets it send what it holds and waits until
// it has exited; when ctx ends first the helper is killed (and waited for). Calls ended
// afterwards are dropped. It is safe on a nil Telemetry and to call twice.
func (t *Telemetry) Shutdown(ctx context.Context) error {
	if t == nil {
		return nil
	}
	t.once.Do(func() { close(t.stop) })
	select {
	case <-t.done:
		return nil
	case <-ctx.Done():
		t.feeder.kill()
		<-t.done
		return ctx.Err()
	}
}

// Endpoint says where s sends, for a sentence: the URL, or the variable it comes from.
func Endpoint(s *config.Telemetry) string {
	if s != nil && s.Endpoint != "" {
		return config.Collector(s.Endpoint)
	}
	return "the collector named by OTEL_EXPORTER_OTLP_ENDPOINT"
}
