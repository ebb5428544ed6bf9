package telemetry

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/telemetry/telemetrytest"
)

// BenchmarkCallSpan is what telemetry adds to one call in the daemon: its span's ids
// (continuing the app's trace, with the traceparent for the server) and the record handed to
// the mcptray-otel helper, which exports to a real OTLP receiver on 127.0.0.1.
func BenchmarkCallSpan(b *testing.B) {
	rcv := telemetrytest.Start(b)
	tel, err := Start(&config.Telemetry{Enabled: true, Endpoint: rcv.HTTP}, Options{Helper: helper, Version: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { tel.Shutdown(context.Background()) })
	info := CallInfo{App: "/usr/bin/claude", Client: "Claude Code", Server: "github", Tool: "create_issue"}
	b.ReportAllocs()
	for b.Loop() {
		c := tel.StartCall(time.Now(), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", info)
		_ = c.Traceparent()
		c.End("allowed", "rule", "ok", 0, time.Millisecond)
	}
	b.ReportMetric(float64(tel.Dropped()), "dropped")
}

// BenchmarkHelperExport is the mcptray-otel helper's own cost per call, in its own process:
// every call is handed over (the loop waits for room in the queue instead of dropping), and
// the benchmark ends when the receiver holds every span.
func BenchmarkHelperExport(b *testing.B) {
	rcv := telemetrytest.Start(b)
	tel, err := Start(&config.Telemetry{Enabled: true, Endpoint: rcv.HTTP}, Options{Helper: helper, Version: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	info := CallInfo{App: "/usr/bin/claude", Client: "Claude Code", Server: "github", Tool: "create_issue"}
	b.ResetTimer()
	for range b.N {
		for len(tel.q) == cap(tel.q) {
			runtime.Gosched()
		}
		tel.StartCall(time.Now(), "", info).End("allowed", "rule", "ok", 0, time.Millisecond)
	}
	tel.Shutdown(context.Background()) // returns once the helper has sent everything and exited
	rcv.Wait(b, "every span", func() bool { return len(rcv.Spans()) >= b.N })
	if d := tel.Dropped(); d != 0 {
		b.Fatalf("%d calls dropped", d)
	}
}
