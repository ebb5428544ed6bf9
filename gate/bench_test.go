package gate

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/gateway"
	"github.com/mcptray/mcptray/keychain"
	"github.com/mcptray/mcptray/policy"
)

// benchGuard is a gate whose server "fs" is trusted (every call allowed); with rails on, fs
// has a timeout, a rate and a cap that the benchmark never reaches, the default data-loss
// checks, and the daemon knows five secrets of two other servers.
func benchGuard(b *testing.B, rails bool, otlp string) *Gate {
	engine := policy.NewEngine(policy.EngineOptions{})
	engine.SetRules(map[string]policy.ServerRules{"fs": {Trust: true}})
	record := make(chan policy.AuditEntry, 1024) // as the daemon's audit writer takes them
	go func() {
		for range record {
		}
	}()
	b.Cleanup(func() { close(record) })
	o := Options{Engine: engine, Record: func(e policy.AuditEntry) { record <- e }}
	if rails {
		cfg := &config.Config{Servers: map[string]*config.Server{"fs": {Command: "x",
			Limits: []config.Limit{{Timeout: "30s"}, {Tool: "read_text_file", Rate: "1000000/s", Concurrent: 1000}}}}}
		book := keychain.NewHanded()
		book.Remember("github", nil, map[string]string{"GITHUB_TOKEN": "ghp_0123456789abcdefghij0123456789abcdef", "GITHUB_ORG": "example-org-name"})
		book.Remember("mail", nil, map[string]string{"SMTP_PASSWORD": "correct-horse-battery", "SMTP_USER": "ann@example.com", "API_KEY": "k-12345678901234567890"})
		if otlp != "" {
			cfg.Settings.Telemetry = &config.Telemetry{Enabled: true, Endpoint: otlp}
		}
		o.Rails = NewRails(func() *config.Config { return cfg }, book, slog.New(slog.DiscardHandler), "bench")
		b.Cleanup(o.Rails.Close)
	}
	return New(o)
}

// BenchmarkGateCallAllowed measures an allowed call through the daemon's gate, from the
// decision to its Finished, with the guardrails off and on (target: under 10 µs added), and
// with OpenTelemetry export on as well (target: under 20 µs added), over OTLP/HTTP to a
// collector on 127.0.0.1 that takes each export and discards it, so that only MCP Tray's own
// work (spans, metrics, batching, encoding, sending) shares the machine with the loop.
func BenchmarkGateCallAllowed(b *testing.B) {
	args := json.RawMessage(`{"path":"/home/ann/Documents/notes/2026-12-04 meeting.md","head":40,"encoding":"utf-8"}`)
	for _, mode := range []string{"off", "guardrails", "guardrails+otel"} {
		b.Run(mode, func(b *testing.B) {
			rails := mode != "off"
			otlp := ""
			if mode == "guardrails+otel" {
				collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					io.Copy(io.Discard, r.Body)
					w.Header().Set("Content-Type", "application/x-protobuf")
				}))
				b.Cleanup(collector.Close)
				otlp = collector.URL
			}
			g := benchGuard(b, rails, otlp)
			s := &gateway.Session{ID: "s1", Server: "fs", Client: "Claude Desktop"}
			if v := g.Call(s, "read_text_file", args); !v.Allow || (rails && v.Timeout == 0) {
				b.Fatalf("the benchmark's call: %+v", v)
			}
			b.ReportAllocs()
			for b.Loop() {
				v := g.Call(s, "read_text_file", args)
				v.Finished(gateway.CallOK, 0)
			}
		})
	}
}
