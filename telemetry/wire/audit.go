package wire

import (
	"encoding/json"
	"os"
)

// SignalAudit is Header.Signal for a helper that exports audit records as OTLP logs: after
// the Header, each line is one AuditLog instead of one Record.
const SignalAudit = "audit"

// AuditLog is one audit record as the audit file holds it, with its chain hash, for the
// helper to export as one OTLP log record. It carries nothing the audit file does not.
type AuditLog struct {
	Seq    uint64          `json:"seq"`
	Hash   string          `json:"hash"`   // SHA-256 of Record, which the next record carries as prev
	Time   int64           `json:"time"`   // the record's time, Unix nanoseconds; 0 when it has none
	Record json.RawMessage `json:"record"` // the line exactly as written
}

// The attributes and event name of an audit record exported as an OTLP log record; the
// log record's body is the audit line exactly as written.
const (
	AuditEvent    = "mcptray.audit"
	AttrAuditSeq  = "mcptray.audit.seq"
	AttrAuditHash = "mcptray.audit.hash"
)

// LogsProtocol is the OTLP protocol for audit records: the setting's, or else the one the
// standard OTEL_EXPORTER_OTLP_LOGS_PROTOCOL or OTEL_EXPORTER_OTLP_PROTOCOL variable names
// ("" for the default, http/protobuf).
func LogsProtocol(setting string) string {
	for _, p := range []string{setting, os.Getenv("OTEL_EXPORTER_OTLP_LOGS_PROTOCOL"), os.Getenv("OTEL_EXPORTER_OTLP_PROTOCOL")} {
		if p != "" {
			return p
		}
	}
	return ""
}
