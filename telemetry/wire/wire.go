// Package wire is what the daemon tells the mcptray-otel helper: a Header, then one Record per
// finished tool call, each a JSON line; and the names of the spans, attributes and protocols
// both sides share. It imports nothing of MCP Tray, so the helper stays small.
package wire

import "os"

// Header is the first line the daemon writes to the mcptray-otel helper: where and how to
// export. The OTEL_EXPORTER_OTLP_* variables (headers, certificates, timeouts) reach the
// helper through its environment, as they reached the daemon.
type Header struct {
	Endpoint string `json:"endpoint,omitempty"` // a URL; "" for OTEL_EXPORTER_OTLP_ENDPOINT or the default
	Protocol string `json:"protocol,omitempty"` // http/protobuf or grpc; "" for the OTEL_ variables' choice
	Version  string `json:"version,omitempty"`  // MCP Tray's version, for service.version
	// Signal is what the lines after the Header are: "" for tool calls (Record: spans and
	// metrics), SignalAudit for audit records (AuditLog: OTLP logs).
	Signal string `json:"signal,omitempty"`
}

// Record is one finished tool call, one JSON line on the helper's input after the Header.
// Its ids are the ones the daemon chose, so the traceparent the server received names the
// exported span. It carries names and outcomes only: never arguments, results or secrets.
type Record struct {
	TraceID      string `json:"trace_id"`                 // 32 lowercase hex digits
	SpanID       string `json:"span_id"`                  // 16 lowercase hex digits
	ParentSpanID string `json:"parent_span_id,omitempty"` // the AI app's span, when it sent a traceparent
	Sampled      bool   `json:"sampled"`                  // false: counted in the metrics, no span exported
	Start        int64  `json:"start"`                    // when the call arrived, Unix nanoseconds
	End          int64  `json:"end"`                      // when it ended, Unix nanoseconds

	App       string  `json:"app,omitempty"`
	Client    string  `json:"client,omitempty"`
	Server    string  `json:"server"`
	Tool      string  `json:"tool"`
	Decision  string  `json:"decision"`
	DecidedBy string  `json:"decided_by"`
	Outcome   string  `json:"outcome"`
	WaitMS    float64 `json:"wait_ms"`
	RunMS     float64 `json:"run_ms"`
}

// Failed reports whether the call's outcome is an error: the span's status and the error
// count follow it.
func (r *Record) Failed() bool {
	return r.Outcome == "failed" || r.Outcome == "tool_error" || r.Outcome == "timed_out"
}

// The attributes of a tool call's span (and, where they fit, its metrics).
const (
	AttrApp       = "mcptray.app"        // the AI app's executable, as the operating system reports it
	AttrClient    = "mcp.client.name"    // the name the AI app gives itself
	AttrServer    = "mcp.server.name"    // the server's name in MCP Tray
	AttrTool      = "gen_ai.tool.name"   // the tool called
	AttrMethod    = "mcp.method.name"    // always tools/call
	AttrDecision  = "mcptray.decision"   // allowed or denied
	AttrDecidedBy = "mcptray.decided_by" // rule, person, ...
	AttrWaitMS    = "mcptray.wait_ms"    // how long the call was held for the person
	AttrRunMS     = "mcptray.run_ms"     // how long the server took
	AttrOutcome   = "mcptray.outcome"    // ok, tool_error, failed, not_run, timed_out
)

// SpanName is the name of every tool call's span.
const SpanName = "mcp.tool.invoke"

// Protocol is the OTLP protocol to use: the setting's, or else the one the standard
// OTEL_EXPORTER_OTLP_TRACES_PROTOCOL or OTEL_EXPORTER_OTLP_PROTOCOL variable names ("" for
// the default, http/protobuf).
func Protocol(setting string) string {
	for _, p := range []string{setting, os.Getenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"), os.Getenv("OTEL_EXPORTER_OTLP_PROTOCOL")} {
		if p != "" {
			return p
		}
	}
	return ""
}

// CheckProtocol returns an error for an OTLP protocol MCP Tray does not speak ("" is the
// default, http/protobuf).
func CheckProtocol(p string) error {
	switch p {
	case "", "http/protobuf", "grpc":
		return nil
	}
	return &protocolError{p}
}

type protocolError struct{ p string }

func (e *protocolError) Error() string {
	return "the OTLP protocol \"" + e.p + "\" is not one MCP Tray speaks: use http/protobuf or grpc"
}
