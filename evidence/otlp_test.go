package evidence

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/telemetry/telemetrytest"
	"github.com/mcptray/mcptray/telemetry/wire"
)

// Records reach a real OTLP receiver as log records, over HTTP and over gRPC: each body is
// the line exactly as written, with its seq, its chain hash and its time.
func TestForwardOTLP(t *testing.T) {
	for _, protocol := range []string{"", "grpc"} {
		t.Run("protocol="+protocol, func(t *testing.T) {
			r := telemetrytest.Start(t)
			cfg := &config.AuditForward{OTLP: r.HTTP, OTLPProtocol: protocol}
			if protocol == "grpc" {
				cfg.OTLP = r.GRPC
			}
			f := New(Options{Log: slog.New(slog.DiscardHandler), Helper: helper, Config: func() *config.AuditForward { return cfg }})
			when := time.Date(2026, 12, 5, 3, 4, 5, 6, time.UTC)
			first := fmt.Sprintf(`{"seq":1,"time":%q,"tool":"a","prev":"0000"}`, when.Format(time.RFC3339Nano))
			lines := []string{first, `{"seq":2,"tool":"b \u003c\"x\"","prev":"` + hashOf(first) + `"}`}
			for _, l := range lines {
				f.Send([]byte(l), hashOf(l))
			}
			f.Close() // sends what the helper holds
			got := r.Logs()
			if len(got) != len(lines) {
				t.Fatalf("the receiver got %d log records, want %d: %+v", len(got), len(lines), got)
			}
			for i, l := range got {
				if l.EventName != wire.AuditEvent || l.Body != lines[i] || l.Attributes[wire.AttrAuditHash] != hashOf(lines[i]) ||
					l.Attributes[wire.AttrAuditSeq] != strconv.Itoa(i+1) {
					t.Errorf("log record %d: %+v\nwant the body %s with the hash %s", i+1, l, lines[i], hashOf(lines[i]))
				}
			}
			if !got[0].Time.Equal(when) {
				t.Errorf("the first record's time is %v, want %v", got[0].Time, when)
			}
		})
	}
}

// Nothing reaches the collector while OTLP forwarding is off.
func TestForwardOTLPOff(t *testing.T) {
	r := telemetrytest.Start(t)
	for _, cfg := range []*config.AuditForward{nil, {}, {File: filepath.Join(t.TempDir(), "audit.jsonl")}} {
		f := New(Options{Log: slog.New(slog.DiscardHandler), Helper: helper, Config: func() *config.AuditForward { return cfg }})
		for i := 1; i <= 3; i++ {
			f.Send([]byte(`{"seq":`+strconv.Itoa(i)+`}`), "h")
		}
		f.Close()
	}
	if n := r.Requests(); n != 0 {
		t.Fatalf("the receiver got %d requests with OTLP forwarding off: %+v", n, r.Logs())
	}
}
