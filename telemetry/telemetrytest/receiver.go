// Package telemetrytest is a real OTLP receiver on 127.0.0.1 for tests: it takes spans,
// metrics and logs over HTTP (protobuf, /v1/traces, /v1/metrics and /v1/logs) and over gRPC
// (the collector's TraceService, MetricsService and LogsService), decoded with the OTLP protocol's own Go types.
package telemetrytest

import (
	"context"
	"encoding/hex"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	colmetricpb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
)

// Span is a span as received.
type Span struct {
	Name            string
	TraceID, SpanID string // hex
	ParentSpanID    string // hex, "" for a root span
	Attributes      map[string]string
	Start, End      time.Time
	StatusError     bool
}

// Receiver collects what it is sent. Its methods are safe for concurrent use.
type Receiver struct {
	// HTTP is the base URL of the OTLP/HTTP endpoint; GRPC the URL of the gRPC one.
	HTTP, GRPC string

	mu       sync.Mutex
	spans    []Span
	metrics  []string // metric names, in the order received
	logs     []Log
	requests int // every export request of any kind
	changed  chan struct{}
}

// Start starts a receiver on 127.0.0.1 (HTTP and gRPC, each on a port of its own) and stops it
// at the end of t.
func Start(t testing.TB) *Receiver {
	t.Helper()
	r := &Receiver{changed: make(chan struct{})}
	hl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.HTTP, r.GRPC = "http://"+hl.Addr().String(), "http://"+gl.Addr().String()
	mux := http.NewServeMux()
	handle(mux, "/v1/traces", r.addSpans, &coltracepb.ExportTraceServiceResponse{})
	handle(mux, "/v1/metrics", r.addMetrics, &colmetricpb.ExportMetricsServiceResponse{})
	handle(mux, "/v1/logs", r.addLogs, &collogspb.ExportLogsServiceResponse{})
	hs := &http.Server{Handler: mux}
	go hs.Serve(hl)
	gs := grpc.NewServer()
	coltracepb.RegisterTraceServiceServer(gs, traceService{r: r})
	colmetricpb.RegisterMetricsServiceServer(gs, metricsService{r: r})
	collogspb.RegisterLogsServiceServer(gs, logsService{r: r})
	go gs.Serve(gl)
	t.Cleanup(func() { hs.Close(); gs.Stop() })
	return r
}

// handle answers OTLP/HTTP requests to path: the body, a protobuf Req, goes to add, and resp
// is the answer.
func handle[Req any, P interface {
	*Req
	proto.Message
}](mux *http.ServeMux, path string, add func(P), resp proto.Message) {
	mux.HandleFunc("POST "+path, func(w http.ResponseWriter, req *http.Request) {
		m := P(new(Req))
		b, err := io.ReadAll(req.Body)
		if err == nil {
			err = proto.Unmarshal(b, m)
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		add(m)
		b, _ = proto.Marshal(resp)
		w.Header().Set("Content-Type", "application/x-protobuf")
		w.Write(b)
	})
}

type traceService struct {
	coltracepb.UnimplementedTraceServiceServer
	r *Receiver
}

func (s traceService) Export(_ context.Context, m *coltracepb.ExportTraceServiceRequest) (*coltracepb.ExportTraceServiceResponse, error) {
	s.r.addSpans(m)
	return &coltracepb.ExportTraceServiceResponse{}, nil
}

type metricsService struct {
	colmetricpb.UnimplementedMetricsServiceServer
	r *Receiver
}

func (s metricsService) Export(_ context.Context, m *colmetricpb.ExportMetricsServiceRequest) (*colmetricpb.ExportMetricsServiceResponse, error) {
	s.r.addMetrics(m)
	return &colmetricpb.ExportMetricsServiceResponse{}, nil
}

func (r *Receiver) addSpans(m *coltracepb.ExportTraceServiceRequest) {
	r.received(func() {
		for _, rs := range m.ResourceSpans {
			for _, ss := range rs.ScopeSpans {
				for _, s := range ss.Spans {
					r.spans = append(r.spans, convert(s))
				}
			}
		}
	})
}

func (r *Receiver) addMetrics(m *colmetricpb.ExportMetricsServiceRequest) {
	r.received(func() {
		for _, rm := range m.ResourceMetrics {
			for _, sm := range rm.ScopeMetrics {
				for _, x := range sm.Metrics {
					r.metrics = append(r.metrics, x.Name)
				}
			}
		}
	})
}

// received counts one export request, runs add (which keeps what it carried) under the lock,
// and wakes Wait.
func (r *Receiver) received(add func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests++
	add()
	close(r.changed)
	r.changed = make(chan struct{})
}

func convert(s *tracepb.Span) Span {
	out := Span{Name: s.Name, TraceID: hex.EncodeToString(s.TraceId), SpanID: hex.EncodeToString(s.SpanId),
		ParentSpanID: hex.EncodeToString(s.ParentSpanId), Attributes: map[string]string{},
		Start: time.Unix(0, int64(s.StartTimeUnixNano)), End: time.Unix(0, int64(s.EndTimeUnixNano)),
		StatusError: s.Status != nil && s.Status.Code == tracepb.Status_STATUS_CODE_ERROR}
	for _, kv := range s.Attributes {
		out.Attributes[kv.Key] = value(kv.Value)
	}
	return out
}

func value(v *commonpb.AnyValue) string {
	switch x := v.GetValue().(type) {
	case *commonpb.AnyValue_StringValue:
		return x.StringValue
	case *commonpb.AnyValue_IntValue:
		return strconv.FormatInt(x.IntValue, 10)
	default:
		b, _ := proto.Marshal(v)
		return string(b) // compared only for presence
	}
}

// Spans returns the spans received so far.
func (r *Receiver) Spans() []Span {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Span(nil), r.spans...)
}

// Metrics returns the names of the metrics received so far, once each.
func (r *Receiver) Metrics() []string {
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

// Requests counts the export requests received, of spans, metrics or logs, over HTTP or gRPC.
func (r *Receiver) Requests() int {
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
