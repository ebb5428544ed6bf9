package otlp

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/mcptray/mcptray/telemetry/wire"
)

const scopeName = "github.com/mcptray/mcptray"

// export turns records into spans (batched as the OTEL_BSP_ variables say) and metrics
// (sent every OTEL_METRIC_EXPORT_INTERVAL, 60 s by default).
type export struct {
	spans  sdktrace.SpanProcessor
	mp     *sdkmetric.MeterProvider
	res    *resource.Resource
	calls  metric.Int64Counter
	denied metric.Int64Counter
	errs   metric.Int64Counter
	wait   metric.Float64Histogram
	sets   map[metricKey]*metricAttrs
}

func newExportTo(spans sdktrace.SpanExporter, metrics sdkmetric.Exporter, res *resource.Resource) *export {
	e := &export{
		// Blocking: a batch queue that is full holds the input back instead of losing spans
		// here, so the daemon's queue is the one place calls are dropped, and counted.
		spans: sdktrace.NewBatchSpanProcessor(spans, sdktrace.WithBlocking()),
		mp:    sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewPeriodicReader(metrics)), sdkmetric.WithResource(res)),
		res:   res,
		sets:  map[metricKey]*metricAttrs{},
	}
	m := e.mp.Meter(scopeName)
	e.calls, _ = m.Int64Counter("mcptray.tool.calls", metric.WithDescription("Tool calls, by server, tool, decision and outcome."))
	e.denied, _ = m.Int64Counter("mcptray.tool.denials", metric.WithDescription("Tool calls denied, by server and tool."))
	e.errs, _ = m.Int64Counter("mcptray.tool.errors", metric.WithDescription("Tool calls that failed, ended in a tool error or timed out, by server."))
	e.wait, _ = m.Float64Histogram("mcptray.approval.wait", metric.WithUnit("s"), metric.WithDescription("How long calls waited for the person's answer, by server."))
	return e
}

// add exports r's span (when sampled) and counts it.
func (e *export) add(r *wire.Record) error {
	if r.Sampled {
		s, err := e.span(r)
		if err != nil {
			return err
		}
		e.spans.OnEnd(s.Snapshot())
	}
	ctx := context.Background()
	a := e.attrs(r.Server, r.Tool, r.Decision, r.Outcome)
	e.calls.Add(ctx, 1, a.call)
	if r.Decision == "denied" {
		e.denied.Add(ctx, 1, a.tool)
	}
	if r.Failed() {
		e.errs.Add(ctx, 1, a.server)
	}
	if r.WaitMS > 0 {
		e.wait.Record(ctx, r.WaitMS/1e3, a.server)
	}
	return nil
}

// span is r as the SDK's finished span, with r's ids and times exactly.
func (e *export) span(r *wire.Record) (tracetest.SpanStub, error) {
	var tid trace.TraceID
	var sid, pid trace.SpanID
	if err := unhex(r.TraceID, tid[:]); err != nil {
		return tracetest.SpanStub{}, fmt.Errorf("its trace id: %w", err)
	}
	if err := unhex(r.SpanID, sid[:]); err != nil {
		return tracetest.SpanStub{}, fmt.Errorf("its span id: %w", err)
	}
	s := tracetest.SpanStub{
		Name:        wire.SpanName,
		SpanKind:    trace.SpanKindServer,
		StartTime:   time.Unix(0, r.Start),
		EndTime:     time.Unix(0, r.End),
		SpanContext: trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled}),
		Attributes: []attribute.KeyValue{
			attribute.String(wire.AttrApp, r.App), attribute.String(wire.AttrClient, r.Client),
			attribute.String(wire.AttrServer, r.Server), attribute.String(wire.AttrTool, r.Tool),
			attribute.String(wire.AttrMethod, "tools/call"),
			attribute.String(wire.AttrDecision, r.Decision), attribute.String(wire.AttrDecidedBy, r.DecidedBy),
			attribute.Float64(wire.AttrWaitMS, r.WaitMS), attribute.Float64(wire.AttrRunMS, r.RunMS),
			attribute.String(wire.AttrOutcome, r.Outcome),
		},
		Resource:             e.res,
		InstrumentationScope: instrumentation.Scope{Name: scopeName},
	}
	if r.ParentSpanID != "" {
		if err := unhex(r.ParentSpanID, pid[:]); err != nil {
			return tracetest.SpanStub{}, fmt.Errorf("its parent span id: %w", err)
		}
		s.Parent = trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: pid, TraceFlags: trace.FlagsSampled, Remote: true})
	}
	if r.Failed() {
		s.Status = sdktrace.Status{Code: codes.Error, Description: r.Outcome}
	}
	if !s.SpanContext.IsValid() {
		return tracetest.SpanStub{}, errors.New("its ids are zero")
	}
	return s, nil
}

func unhex(s string, dst []byte) error {
	if hex.DecodedLen(len(s)) != len(dst) {
		return fmt.Errorf("%q is not %d hex digits", s, 2*len(dst))
	}
	_, err := hex.Decode(dst, []byte(s))
	return err
}

// shutdown sends what is held and stops, bounded by ctx.
func (e *export) shutdown(ctx context.Context) error {
	return errors.Join(e.spans.Shutdown(ctx), e.mp.Shutdown(ctx))
}

// metricAttrs are the attribute sets of one kind of call's metrics, made once: building a set
// sorts and copies, and the kinds are few (servers × tools × decisions × outcomes).
type metricAttrs struct {
	call, tool, server metric.MeasurementOption
}

type metricKey struct{ server, tool, decision, outcome string }

func (e *export) attrs(server, tool, decision, outcome string) *metricAttrs {
	k := metricKey{server, tool, decision, outcome}
	if a, ok := e.sets[k]; ok {
		return a
	}
	s, tl := attribute.String(wire.AttrServer, server), attribute.String(wire.AttrTool, tool)
	a := &metricAttrs{
		call:   metric.WithAttributeSet(attribute.NewSet(s, tl, attribute.String(wire.AttrDecision, decision), attribute.String(wire.AttrOutcome, outcome))),
		tool:   metric.WithAttributeSet(attribute.NewSet(s, tl)),
		server: metric.WithAttributeSet(attribute.NewSet(s)),
	}
	e.sets[k] = a
	return a
}
