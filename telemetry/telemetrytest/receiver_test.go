package telemetrytest_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploggrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetricgrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/mcptray/mcptray/telemetry/telemetrytest"
)

var (
	traceID = trace.TraceID{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36}
	spanID  = trace.SpanID{0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7}
	parent  = trace.SpanID{0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11}
	start   = time.Unix(0, 1764900000000000123)
)

// Spans, metrics and logs sent by the OpenTelemetry SDK's own exporters, over either
// protocol, come back from the receiver field for field, and are there as soon as the export
// returns (no waiting).
func TestReceiverTakesWhatTheSDKSends(t *testing.T) {
	for _, protocol := range []string{"http", "grpc"} {
		t.Run(protocol, func(t *testing.T) {
			ctx := context.Background()
			rcv := telemetrytest.Start(t)
			spans, metrics, logs := exporters(t, rcv, protocol)

			sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: traceID, SpanID: spanID, TraceFlags: trace.FlagsSampled})
			stub := tracetest.SpanStub{Name: "mcp.tool.invoke", SpanContext: sc,
				Parent:    trace.NewSpanContext(trace.SpanContextConfig{TraceID: traceID, SpanID: parent, Remote: true}),
				StartTime: start, EndTime: start.Add(1500 * time.Millisecond),
				Attributes: []attribute.KeyValue{attribute.String("mcp.tool.name", "echo"), attribute.Int64("mcptray.wait_ms", 42),
					attribute.Bool("mcptray.asked", true), attribute.StringSlice("mcptray.grants", []string{"a", "b"})},
				Status: sdktrace.Status{Code: codes.Error, Description: "the tool failed"}}
			if err := spans.ExportSpans(ctx, []sdktrace.ReadOnlySpan{stub.Snapshot()}); err != nil {
				t.Fatal(err)
			}
			want := []telemetrytest.Span{{Name: "mcp.tool.invoke", TraceID: "4bf92f3577b34da6a3ce929d0e0e4736", SpanID: "00f067aa0ba902b7",
				ParentSpanID: "1111111111111111", Start: start, End: start.Add(1500 * time.Millisecond),
				Attributes: map[string]string{"mcp.tool.name": "echo", "mcptray.wait_ms": "42", "mcptray.asked": "true",
					"mcptray.grants": `["a","b"]`},
				StatusError: true, StatusMessage: "the tool failed"}}
			if diff := cmp.Diff(want, rcv.Spans(), cmpopts.EquateComparable(time.Time{})); diff != "" {
				t.Errorf("spans (-want +got):\n%s", diff)
			}

			rm := &metricdata.ResourceMetrics{Resource: resource.Empty(), ScopeMetrics: []metricdata.ScopeMetrics{{Metrics: []metricdata.Metrics{
				{Name: "mcptray.tool.calls", Data: metricdata.Sum[int64]{Temporality: metricdata.CumulativeTemporality, IsMonotonic: true,
					DataPoints: []metricdata.DataPoint[int64]{{StartTime: start, Time: start.Add(time.Second), Value: 3}}}},
				{Name: "mcptray.tool.calls", Data: metricdata.Sum[int64]{Temporality: metricdata.CumulativeTemporality, IsMonotonic: true,
					DataPoints: []metricdata.DataPoint[int64]{{StartTime: start, Time: start.Add(2 * time.Second), Value: 4}}}},
				{Name: "mcptray.approval.wait", Data: metricdata.Gauge[float64]{
					DataPoints: []metricdata.DataPoint[float64]{{Time: start, Value: 0.5}}}},
			}}}}
			if err := metrics.Export(ctx, rm); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"mcptray.tool.calls", "mcptray.approval.wait"}, rcv.Metrics()); diff != "" {
				t.Errorf("metric names (-want +got):\n%s", diff)
			}

			// Through a logger provider, as the product sends them: a bare Record keeps no attribute's value.
			lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(sdklog.NewSimpleProcessor(logs)))
			var r log.Record
			r.SetEventName("mcptray.audit")
			r.SetBody(log.StringValue(`{"seq":1}`))
			r.SetSeverity(log.SeverityInfo)
			r.SetSeverityText("INFO")
			r.SetTimestamp(start)
			r.AddAttributes(log.String("mcptray.audit.hash", "abc"), log.Int("mcptray.audit.seq", 1))
			lp.Logger("test").Emit(ctx, r) // the simple processor exports before Emit returns
			wantLogs := []telemetrytest.Log{{EventName: "mcptray.audit", Body: `{"seq":1}`, SeverityText: "INFO",
				SeverityNumber: int(log.SeverityInfo), Time: start,
				Attributes: map[string]string{"mcptray.audit.hash": "abc", "mcptray.audit.seq": "1"}}}
			if diff := cmp.Diff(wantLogs, rcv.Logs(), cmpopts.EquateComparable(time.Time{})); diff != "" {
				t.Errorf("logs (-want +got):\n%s", diff)
			}
			if n := rcv.Requests(); n != 3 {
				t.Errorf("the receiver counted %d requests, want 3", n)
			}
		})
	}
}

// exporters returns the SDK's span, metric and log exporters for protocol, sending to rcv.
func exporters(t *testing.T, rcv *telemetrytest.Receiver, protocol string) (sdktrace.SpanExporter, interface {
	Export(context.Context, *metricdata.ResourceMetrics) error
}, sdklog.Exporter) {
	t.Helper()
	ctx := context.Background()
	var (
		spans   sdktrace.SpanExporter
		metrics interface {
			Export(context.Context, *metricdata.ResourceMetrics) error
			Shutdown(context.Context) error
		}
		logs sdklog.Exporter
		errs [3]error
	)
	if protocol == "grpc" {
		spans, errs[0] = otlptracegrpc.New(ctx, otlptracegrpc.WithEndpointURL(rcv.GRPC))
		metrics, errs[1] = otlpmetricgrpc.New(ctx, otlpmetricgrpc.WithEndpointURL(rcv.GRPC))
		logs, errs[2] = otlploggrpc.New(ctx, otlploggrpc.WithEndpointURL(rcv.GRPC))
	} else {
		spans, errs[0] = otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(rcv.HTTP+"/v1/traces"))
		metrics, errs[1] = otlpmetrichttp.New(ctx, otlpmetrichttp.WithEndpointURL(rcv.HTTP+"/v1/metrics"))
		logs, errs[2] = otlploghttp.New(ctx, otlploghttp.WithEndpointURL(rcv.HTTP+"/v1/logs"))
	}
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		spans.Shutdown(ctx)
		metrics.Shutdown(ctx)
		logs.Shutdown(ctx)
	})
	return spans, metrics, logs
}

// An export that carries nothing still counts as a request: the collector's receiver hands
// its consumers none of it, and "nothing was sent" must see it all the same.
func TestRequestsCountsEmptyExports(t *testing.T) {
	rcv := telemetrytest.Start(t)
	if n := rcv.Requests(); n != 0 {
		t.Fatalf("a new receiver counts %d requests", n)
	}
	// A zero-length body is an empty ExportTraceServiceRequest in protobuf.
	resp, err := http.Post(rcv.HTTP+"/v1/traces", "application/x-protobuf", bytes.NewReader(nil))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("an empty export got %s", resp.Status)
	}
	if n, s := rcv.Requests(), rcv.Spans(); n != 1 || len(s) != 0 {
		t.Errorf("after one empty export: %d requests, spans %v; want 1 request and no span", n, s)
	}
}

// Wait returns once what it waits for has arrived, from a goroutine's export that happens
// after Wait began.
func TestWaitWakesOnArrival(t *testing.T) {
	rcv := telemetrytest.Start(t)
	spans, _, _ := exporters(t, rcv, "http")
	go func() {
		time.Sleep(50 * time.Millisecond) // so that Wait is already waiting, most of the time
		sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: traceID, SpanID: spanID})
		spans.ExportSpans(context.Background(), []sdktrace.ReadOnlySpan{tracetest.SpanStub{Name: "late", SpanContext: sc, StartTime: start, EndTime: start}.Snapshot()})
	}()
	rcv.Wait(t, "the late span", func() bool { return len(rcv.Spans()) == 1 })
	if s := rcv.Spans(); s[0].Name != "late" || s[0].ParentSpanID != "" {
		t.Errorf("got %+v", s[0])
	}
}
