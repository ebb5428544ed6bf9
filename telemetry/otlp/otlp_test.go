package otlp

import (
	"bytes"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/telemetry/telemetrytest"
)

// Run exports each record with its own ids and times, skips (and says) what it cannot read,
// and sends what it holds when its input ends.
func TestRun(t *testing.T) {
	rcv := telemetrytest.Start(t)
	in := strings.Join([]string{
		`{"endpoint":"` + rcv.HTTP + `","version":"test"}`,
		`not json`,
		`{"trace_id":"zz","span_id":"00f067aa0ba902b7","sampled":true,"server":"s","tool":"t"}`,
		`{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","parent_span_id":"1111111111111111","sampled":true,` +
			`"start":1764900000000000000,"end":1764900000500000000,"server":"s","tool":"t","decision":"allowed","decided_by":"rule","outcome":"failed"}`,
	}, "\n") + "\n"
	var errs bytes.Buffer
	if err := Run(strings.NewReader(in), &errs); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(errs.String(), "skipped"); n != 2 {
		t.Errorf("%d records said skipped, want 2:\n%s", n, errs.String())
	}
	rcv.Wait(t, "the span", func() bool { return len(rcv.Spans()) == 1 })
	s := rcv.Spans()[0]
	if s.TraceID != "4bf92f3577b34da6a3ce929d0e0e4736" || s.SpanID != "00f067aa0ba902b7" || s.ParentSpanID != "1111111111111111" ||
		s.Start.UnixNano() != 1764900000000000000 || s.End.UnixNano() != 1764900000500000000 || !s.StatusError || s.Name != "mcp.tool.invoke" {
		t.Fatalf("span %+v", s)
	}
}

// Settings that cannot work are an error in one sentence.
func TestRunRefusesAnUnknownProtocol(t *testing.T) {
	err := Run(strings.NewReader(`{"protocol":"http/json"}`+"\n"), &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "http/protobuf or grpc") {
		t.Fatalf("Run = %v", err)
	}
	if err := Run(strings.NewReader(""), &bytes.Buffer{}); err == nil {
		t.Fatal("no settings was not an error")
	}
}
