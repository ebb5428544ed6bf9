package guardrails

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/mcptray/mcptray/internal/testbin"
	"github.com/mcptray/mcptray/telemetry/telemetrytest"
)

const appTrace = "4bf92f3577b34da6a3ce929d0e0e4736"

// With telemetry on, the daemon starts the mcptray-otel helper beside itself and a tool
// call's span reaches a real OTLP receiver (over HTTP and over gRPC) with its name,
// attributes and the trace id the AI app sent, without the call's arguments; the traceparent
// the server received names that very span.
func TestSpansReachACollector(t *testing.T) {
	for _, protocol := range []string{"http/protobuf", "grpc"} {
		t.Run(protocol, func(t *testing.T) {
			rcv := telemetrytest.Start(t)
			endpoint := rcv.HTTP
			if protocol == "grpc" {
				endpoint = rcv.GRPC
			}
			u := testbin.NewUser(t)
			u.Env = append(u.Env, "OTEL_BSP_SCHEDULE_DELAY=50")
			writeSettings(t, u, map[string]any{"telemetry": map[string]any{"enabled": true, "endpoint": endpoint, "protocol": protocol}})
			u.OK("server", "add", "meta", "--", os.Args[0], metaServerArg)
			u.OK("policy", "trust", "meta")
			d := u.Daemon()
			u.WaitRunning("meta")
			b := connect(t, u, "meta")
			b.send(t, `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"meta","arguments":{"text":"argument-never-in-a-span"},"_meta":{"traceparent":"00-`+appTrace+`-00f067aa0ba902b7-01"}}}`)
			m := b.answer(t, 1)
			got := text(m)
			if toolError(m) != "" || !strings.HasPrefix(got, "00-"+appTrace+"-") || strings.Contains(got, "00f067aa0ba902b7") {
				t.Fatalf("the server received traceparent %q (answer %v)", got, m)
			}
			rcv.Wait(t, "the call's span", func() bool { return len(rcv.Spans()) > 0 })
			s := rcv.Spans()[0]
			if s.Name != "mcp.tool.invoke" || s.TraceID != appTrace || s.ParentSpanID != "00f067aa0ba902b7" || got != "00-"+appTrace+"-"+s.SpanID+"-01" {
				t.Fatalf("span %+v; the server received %s", s, got)
			}
			for k, v := range map[string]string{"mcp.server.name": "meta", "gen_ai.tool.name": "meta", "mcp.client.name": "raw",
				"mcptray.decision": "allowed", "mcptray.decided_by": "rule", "mcptray.outcome": "ok"} {
				if s.Attributes[k] != v {
					t.Errorf("attribute %s = %q, want %q", k, s.Attributes[k], v)
				}
			}
			for k, v := range s.Attributes {
				if strings.Contains(v, "argument-never-in-a-span") {
					t.Errorf("attribute %s holds the arguments", k)
				}
			}
			if len(helpers(t)) != 1 {
				t.Errorf("%d mcptray-otel processes run, want the daemon's one", len(helpers(t)))
			}
			d.Process.Signal(syscall.SIGTERM)
			d.Wait()
			if n := helpers(t); len(n) != 0 {
				t.Errorf("mcptray-otel still runs after the daemon ended: %v", n)
			}
		})
	}
}

// With telemetry and OTLP forwarding of the audit log off (the defaults), no helper is
// started and nothing (no span, metric or audit record) reaches a collector, even with
// OTEL_EXPORTER_OTLP_ENDPOINT naming one, up to and after the daemon's end (when it would
// send what it held).
func TestNothingSentWhenOff(t *testing.T) {
	rcv := telemetrytest.Start(t)
	u := testbin.NewUser(t)
	u.Env = append(u.Env, "OTEL_EXPORTER_OTLP_ENDPOINT="+rcv.HTTP, "OTEL_BSP_SCHEDULE_DELAY=50", "OTEL_METRIC_EXPORT_INTERVAL=50")
	u.OK("server", "add", "fake", "--", fake)
	u.OK("policy", "trust", "fake")
	d := u.Daemon()
	u.WaitRunning("fake")
	b := connect(t, u, "fake")
	for i := 1; i <= 3; i++ {
		b.call(t, i, "echo", `{"text":"hi"}`)
		b.answer(t, i)
	}
	if n := helpers(t); len(n) != 0 {
		t.Fatalf("mcptray-otel runs with telemetry off: %v", n)
	}
	d.Process.Signal(syscall.SIGTERM)
	d.Wait()
	if n := rcv.Requests(); n != 0 {
		t.Fatalf("the collector got %d requests with telemetry off", n)
	}
}

// helpers returns the pids of the mcptray-otel processes started from this test's build
// (Linux /proc: the executable each process runs).
func helpers(t *testing.T) []int {
	t.Helper()
	path, err := testbin.OTelHelper()
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || !testbin.Alive(pid) {
			continue
		}
		if exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe")); err == nil && exe == path {
			out = append(out, pid)
		}
	}
	return out
}

// text returns the first text of a result, "" for anything else.
func text(m map[string]any) string {
	r, _ := m["result"].(map[string]any)
	c, _ := r["content"].([]any)
	if len(c) == 0 {
		return ""
	}
	first, _ := c[0].(map[string]any)
	s, _ := first["text"].(string)
	return s
}

// writeSettings writes settings into a fresh home's config.json before anything else does,
// as a person setting up MCP Tray would.
func writeSettings(t *testing.T, u *testbin.User, settings map[string]any) {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"servers": map[string]any{}, "settings": settings})
	if err := os.MkdirAll(u.Home, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(u.Home, "config.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// A server can name a tool after the secret it was given (red team, 6 December 2026): the
// call's span names the tool as the audit log does, with the secret taken out, whether the
// call is denied (the tool list was read) or not.
func TestSpanNamesNoSecret(t *testing.T) {
	rcv := telemetrytest.Start(t)
	u := testbin.NewUser(t)
	u.Env = append(u.Env, "OTEL_BSP_SCHEDULE_DELAY=50")
	writeSettings(t, u, map[string]any{"telemetry": map[string]any{"enabled": true, "endpoint": rcv.HTTP, "protocol": "http/protobuf"}})
	const secret = "sk-spantest-Q7v9X2mK4pL8nR3tW6yZ"
	tools := filepath.Join(t.TempDir(), "tools.json")
	if err := os.WriteFile(tools, []byte(`[{"name":"peek_`+secret+`","description":"Peek.","inputSchema":{"type":"object"}}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	u.OK("server", "add", "leak", "--secret", "LEAK_TOKEN", "--", fake, "-tools", tools)
	u.SetSecret("leak", "LEAK_TOKEN", secret)
	u.OK("policy", "trust", "leak")
	u.Daemon()
	u.WaitRunning("leak")
	b := connect(t, u, "leak")
	b.send(t, `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`)
	b.answer(t, 1)
	b.send(t, `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"peek_`+secret+`","arguments":{}}}`)
	if m := b.answer(t, 2); toolError(m) == "" {
		t.Errorf("a call to the tool named with the secret was not refused: %v", m)
	}
	rcv.Wait(t, "the call's span", func() bool { return len(rcv.Spans()) > 0 })
	s := rcv.Spans()[0]
	for k, v := range s.Attributes {
		if strings.Contains(v, secret) {
			t.Errorf("attribute %s holds the secret: %q", k, v)
		}
	}
	if !strings.HasPrefix(s.Attributes["gen_ai.tool.name"], "peek_") {
		t.Errorf("the span names the tool %q", s.Attributes["gen_ai.tool.name"])
	}
}
