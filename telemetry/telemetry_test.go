package telemetry

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/internal/testbin"
	"github.com/mcptray/mcptray/telemetry/telemetrytest"
)

const clientTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
const clientParent = "00f067aa0ba902b7"

// A call's span reaches a real OTLP receiver through the helper over HTTP and over gRPC,
// continuing the AI app's trace, with the span id the server was given, the call's own times,
// the attributes the issue names and no arguments; the metrics come too.
func TestSpansReachTheReceiver(t *testing.T) {
	for _, protocol := range []string{"http/protobuf", "grpc"} {
		t.Run(protocol, func(t *testing.T) {
			rcv := telemetrytest.Start(t)
			endpoint := rcv.HTTP
			if protocol == "grpc" {
				endpoint = rcv.GRPC
			}
			tel := startTel(t, &config.Telemetry{Enabled: true, Endpoint: endpoint, Protocol: protocol}, nil)
			arrived := time.Now().Add(-time.Second).Truncate(time.Microsecond)
			call := tel.StartCall(arrived, "00-"+clientTrace+"-"+clientParent+"-01", CallInfo{App: "/usr/bin/claude", Client: "Claude Code", Server: "github", Tool: "create_issue"})
			tp := call.Traceparent()
			if !strings.HasPrefix(tp, "00-"+clientTrace+"-") || !strings.HasSuffix(tp, "-01") || strings.Contains(tp, clientParent) {
				t.Fatalf("the server would get traceparent %q", tp)
			}
			call.End("allowed", "person", "timed_out", 1500*time.Millisecond, 20*time.Millisecond)
			fresh := tel.StartCall(time.Now(), "", CallInfo{Server: "github", Tool: "list_issues"})
			freshTP := fresh.Traceparent()
			fresh.End("allowed", "rule", "ok", 0, time.Millisecond)
			if err := tel.Shutdown(context.Background()); err != nil {
				t.Fatal(err)
			}
			rcv.Wait(t, "the spans", func() bool { return len(rcv.Spans()) == 2 })
			spans := rcv.Spans()
			slices.SortFunc(spans, func(a, b telemetrytest.Span) int { return a.Start.Compare(b.Start) })
			s := spans[0]
			if s.Name != "mcp.tool.invoke" || s.TraceID != clientTrace || s.ParentSpanID != clientParent || tp != "00-"+clientTrace+"-"+s.SpanID+"-01" ||
				!s.Start.Equal(arrived) || !s.End.After(arrived) || !s.StatusError {
				t.Fatalf("span %+v (traceparent %s, arrived %v)", s, tp, arrived)
			}
			want := map[string]string{AttrApp: "/usr/bin/claude", AttrClient: "Claude Code", AttrServer: "github", AttrTool: "create_issue",
				AttrDecision: "allowed", AttrDecidedBy: "person", AttrOutcome: "timed_out", AttrMethod: "tools/call"}
			for k, v := range want {
				if s.Attributes[k] != v {
					t.Errorf("attribute %s = %q, want %q", k, s.Attributes[k], v)
				}
			}
			for _, k := range []string{AttrWaitMS, AttrRunMS} {
				if _, ok := s.Attributes[k]; !ok {
					t.Errorf("no attribute %s", k)
				}
			}
			if f := spans[1]; f.ParentSpanID != "" || freshTP != "00-"+f.TraceID+"-"+f.SpanID+"-01" || f.StatusError {
				t.Errorf("a call without a traceparent: span %+v, the server got %s", f, freshTP)
			}
			rcv.Wait(t, "the metrics", func() bool {
				m := rcv.Metrics()
				return slices.Contains(m, "mcptray.tool.calls") && slices.Contains(m, "mcptray.approval.wait") && slices.Contains(m, "mcptray.tool.errors")
			})
		})
	}
}

// A trace the AI app did not sample is continued unsampled: the server is told so and no span
// is sent, but the call is still counted.
func TestUnsampledParent(t *testing.T) {
	rcv := telemetrytest.Start(t)
	tel := startTel(t, &config.Telemetry{Enabled: true, Endpoint: rcv.HTTP}, nil)
	call := tel.StartCall(time.Now(), "00-"+clientTrace+"-"+clientParent+"-00", CallInfo{Server: "github", Tool: "create_issue"})
	if tp := call.Traceparent(); !strings.HasPrefix(tp, "00-"+clientTrace+"-") || !strings.HasSuffix(tp, "-00") {
		t.Fatalf("traceparent %q", tp)
	}
	call.End("allowed", "rule", "ok", 0, 0)
	tel.Shutdown(context.Background())
	rcv.Wait(t, "the metrics", func() bool { return slices.Contains(rcv.Metrics(), "mcptray.tool.calls") })
	if n := len(rcv.Spans()); n != 0 {
		t.Fatalf("%d spans of an unsampled trace", n)
	}
}

// Off means nil, no helper and nothing sent; a nil Telemetry does nothing.
func TestOff(t *testing.T) {
	for _, s := range []*config.Telemetry{nil, {Endpoint: "http://127.0.0.1:1"}} {
		tel, err := Start(s, Options{Helper: helper})
		if tel != nil || err != nil {
			t.Fatalf("Start(%+v) = %v, %v", s, tel, err)
		}
		c := tel.StartCall(time.Now(), "", CallInfo{})
		c.End("allowed", "rule", "ok", 0, 0)
		if c.Traceparent() != "" || tel.Shutdown(context.Background()) != nil || tel.Dropped() != 0 {
			t.Fatal("a nil Telemetry did something")
		}
	}
	t.Setenv("OTEL_SDK_DISABLED", "true")
	if tel, _ := Start(&config.Telemetry{Enabled: true}, Options{Helper: helper}); tel != nil {
		t.Fatal("OTEL_SDK_DISABLED=true did not turn telemetry off")
	}
	if n := len(testbin.Descendants(os.Getpid())); n != 0 {
		t.Fatalf("%d processes started with telemetry off", n)
	}
}

// An unknown protocol, set or from the OTEL_ variables, is refused in one sentence before
// anything starts.
func TestUnknownProtocol(t *testing.T) {
	tel, err := Start(&config.Telemetry{Enabled: true, Protocol: "http/json"}, Options{Helper: helper})
	if tel != nil || err == nil || !strings.Contains(err.Error(), "http/protobuf or grpc") {
		t.Fatalf("Start = %v, %v", tel, err)
	}
	t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")
	if tel, err := Start(&config.Telemetry{Enabled: true}, Options{Helper: helper}); tel != nil || err == nil {
		t.Fatalf("with OTEL_EXPORTER_OTLP_PROTOCOL=http/json, Start = %v, %v", tel, err)
	}
}

// A missing helper is one plain sentence in the log, however many calls end; calls never
// wait for it and Shutdown returns.
func TestHelperMissing(t *testing.T) {
	log := &logBuf{}
	missing := filepath.Join(t.TempDir(), HelperName)
	tel := startTel(t, &config.Telemetry{Enabled: true, Endpoint: "http://127.0.0.1:1"}, &Options{Helper: missing, Log: log.logger(), Backoff: time.Millisecond})
	for range 3 {
		tel.StartCall(time.Now(), "", CallInfo{Server: "s", Tool: "t"}).End("allowed", "rule", "ok", 0, 0)
	}
	waitFor(t, "the log's sentence", func() bool { return strings.Contains(log.String(), "is missing from") })
	waitFor(t, "more tries", func() bool { return tel.feeder.tries.Load() >= 4 })
	if err := tel.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(log.String(), "is missing from"); n != 1 {
		t.Fatalf("the log says the helper is missing %d times:\n%s", n, log)
	}
	if !strings.Contains(log.String(), filepath.Dir(missing)) {
		t.Fatalf("the log does not say where:\n%s", log)
	}
}

// A helper that dies is started again, and the calls after it are exported.
func TestHelperRestarts(t *testing.T) {
	rcv := telemetrytest.Start(t)
	log := &logBuf{}
	t.Setenv("OTEL_BSP_SCHEDULE_DELAY", "10")
	tel := startTel(t, &config.Telemetry{Enabled: true, Endpoint: rcv.HTTP}, &Options{Helper: helper, Log: log.logger(), Backoff: time.Millisecond})
	var first int
	waitFor(t, "the helper", func() bool { first = tel.feeder.pid(); return first != 0 })
	p, err := os.FindProcess(first)
	if err != nil {
		t.Fatal(err)
	}
	p.Kill()
	waitFor(t, "the log to say it stopped", func() bool { return strings.Contains(log.String(), "stopped; MCP Tray starts it again") })
	waitFor(t, "another helper", func() bool { pid := tel.feeder.pid(); return pid != 0 && pid != first })
	last := tel.feeder.pid()
	tel.StartCall(time.Now(), "", CallInfo{Server: "s", Tool: "after"}).End("allowed", "rule", "ok", 0, 0)
	rcv.Wait(t, "the span after the restart", func() bool { return len(rcv.Spans()) == 1 })
	if err := tel.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if testbin.Alive(last) || tel.feeder.pid() != 0 {
		t.Fatal("a helper is left after Shutdown")
	}
}

// startTel starts telemetry with the built helper (unless o names another) and shuts it down at
// the end of the test.
func startTel(t *testing.T, s *config.Telemetry, o *Options) *Telemetry {
	t.Helper()
	opts := Options{Helper: helper, Version: "test"}
	if o != nil {
		opts = *o
	}
	tel, err := Start(s, opts)
	if err != nil || tel == nil {
		t.Fatalf("Start: %v, %v", tel, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		tel.Shutdown(ctx)
	})
	return tel
}

// waitFor waits until cond holds, for at most ten seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// logBuf is a log a test can read while it is written.
type logBuf struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *logBuf) logger() *slog.Logger { return slog.New(slog.NewTextHandler(l, nil)) }
