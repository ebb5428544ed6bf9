package main

import (
	"context"
	"encoding/json"
	"io"
	"sync"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// The lines otlpsink prints. Times are Unix nanoseconds; ids are hex ("" when absent);
// attribute values are strings (pcommon.Value.AsString: a number in decimal, a list or map
// as JSON).
type (
	ready struct {
		Kind string `json:"kind"` // "ready"
		HTTP string `json:"http"` // the base URL of the OTLP/HTTP endpoint
		GRPC string `json:"grpc"` // the URL of the OTLP/gRPC one
	}
	synced struct {
		Kind string `json:"kind"` // "sync"
		Seq  int64  `json:"seq"`
	}
	request struct {
		Kind     string `json:"kind"`     // "request"
		Protocol string `json:"protocol"` // "http" or "grpc"
		Path     string `json:"path"`     // the URL path or the gRPC method
	}
	span struct {
		Kind          string            `json:"kind"` // "span"
		Name          string            `json:"name"`
		TraceID       string            `json:"traceId"`
		SpanID        string            `json:"spanId"`
		ParentSpanID  string            `json:"parentSpanId"`
		Attributes    map[string]string `json:"attributes"`
		Start         int64             `json:"start"`
		End           int64             `json:"end"`
		StatusCode    string            `json:"statusCode"` // "Unset", "Ok" or "Error"
		StatusMessage string            `json:"statusMessage"`
	}
	metric struct {
		Kind string `json:"kind"` // "metric"
		Name string `json:"name"`
	}
	logRecord struct {
		Kind           string            `json:"kind"` // "log"
		EventName      string            `json:"eventName"`
		Body           string            `json:"body"`
		Attributes     map[string]string `json:"attributes"`
		SeverityText   string            `json:"severityText"`
		SeverityNumber int32             `json:"severityNumber"`
		Time           int64             `json:"time"`
		TraceID        string            `json:"traceId"`
		SpanID         string            `json:"spanId"`
	}
)

// output prints lines; it is safe for concurrent use, and a line is out before write returns.
type output struct {
	mu  sync.Mutex
	enc *json.Encoder
}

func newOutput(w io.Writer) *output { return &output{enc: json.NewEncoder(w)} }

func (o *output) write(v any) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.enc.Encode(v)
}

func (o *output) traces(_ context.Context, td ptrace.Traces) error {
	for _, rs := range td.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, s := range ss.Spans().All() {
				o.write(span{Kind: "span", Name: s.Name(), TraceID: s.TraceID().String(), SpanID: s.SpanID().String(),
					ParentSpanID: s.ParentSpanID().String(), Attributes: attributes(s.Attributes()),
					Start: int64(s.StartTimestamp()), End: int64(s.EndTimestamp()),
					StatusCode: s.Status().Code().String(), StatusMessage: s.Status().Message()})
			}
		}
	}
	return nil
}

func (o *output) metrics(_ context.Context, md pmetric.Metrics) error {
	for _, rm := range md.ResourceMetrics().All() {
		for _, sm := range rm.ScopeMetrics().All() {
			for _, m := range sm.Metrics().All() {
				o.write(metric{Kind: "metric", Name: m.Name()})
			}
		}
	}
	return nil
}

func (o *output) logs(_ context.Context, ld plog.Logs) error {
	for _, rl := range ld.ResourceLogs().All() {
		for _, sl := range rl.ScopeLogs().All() {
			for _, l := range sl.LogRecords().All() {
				o.write(logRecord{Kind: "log", EventName: l.EventName(), Body: l.Body().AsString(),
					Attributes: attributes(l.Attributes()), SeverityText: l.SeverityText(),
					SeverityNumber: int32(l.SeverityNumber()), Time: int64(l.Timestamp()),
					TraceID: l.TraceID().String(), SpanID: l.SpanID().String()})
			}
		}
	}
	return nil
}

func attributes(m pcommon.Map) map[string]string {
	out := make(map[string]string, m.Len())
	for k, v := range m.All() {
		out[k] = v.AsString()
	}
	return out
}
