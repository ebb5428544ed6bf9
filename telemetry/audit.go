package telemetry

import "github.com/mcptray/mcptray/telemetry/wire"

var auditWords = words{
	what:    "Forwarding the audit log over OTLP",
	none:    "no audit records are sent over OTLP",
	dropped: " audit records were left out of OTLP forwarding: the helper could not keep up or was not running (they are still in the audit log).",
}

// StartAudit runs an mcptray-otel helper of its own that exports audit records as OTLP log
// records to endpoint (a collector's base URL; "" for OTEL_EXPORTER_OTLP_ENDPOINT) over
// protocol ("http/protobuf", "grpc", or "" for the OTEL_ variables' choice). Like Start it
// never waits for the helper: records queue, and past the queue they are dropped and counted.
// Shutdown stops it. The error is for a protocol MCP Tray does not speak.
func StartAudit(endpoint, protocol string, o Options) (*Telemetry, error) {
	h := wire.Header{Endpoint: endpoint, Protocol: protocol, Version: o.Version, Signal: wire.SignalAudit}
	if err := wire.CheckProtocol(wire.LogsProtocol(protocol)); err != nil {
		return nil, err
	}
	return start(h, o, auditWords), nil
}

// Audit hands one audit record to the helper without waiting. Safe on a nil Telemetry; only
// for a Telemetry from StartAudit.
func (t *Telemetry) Audit(l *wire.AuditLog) {
	if t != nil {
		t.enqueue(l)
	}
}
