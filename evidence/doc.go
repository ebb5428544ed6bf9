// Package evidence forwards the audit log to a SIEM as it is written: each record exactly as
// the audit file holds it, with its chain hash, to a syslog receiver (RFC 5424 over TCP, TLS
// optional, octet-counted framing of RFC 6587), to a JSON-lines file another agent ships, and to
// an OpenTelemetry collector as OTLP log records (through the mcptray-otel helper, package
// telemetry).
// Nothing is forwarded unless the person names a destination (config.AuditForward).
package evidence
