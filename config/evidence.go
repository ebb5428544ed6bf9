package config

import (
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strings"
)

// Telemetry is settings.telemetry: OpenTelemetry spans and metrics of tool calls, sent over
// OTLP. Off unless Enabled: nothing is sent anywhere until the person turns it on. Where it is
// sent follows the standard OTEL_EXPORTER_OTLP_* variables of MCP Tray's environment for
// whatever is left empty here (endpoint, protocol, headers, certificates).
type Telemetry struct {
	Enabled bool `json:"enabled,omitempty"`
	// Endpoint is the collector's base URL, such as "http://127.0.0.1:4318" (OTLP over HTTP)
	// or "http://127.0.0.1:4317" (gRPC); http:// sends without TLS.
	Endpoint string `json:"endpoint,omitempty"`
	// Protocol is "http/protobuf" (the default) or "grpc".
	Protocol string `json:"protocol,omitempty"`
}

// AuditForward is settings.auditForward: where each audit record goes as it is written, with
// its chain hash, for a SIEM. Nothing is forwarded unless a destination is set.
type AuditForward struct {
	// Syslog is "host:port" of a syslog receiver taking RFC 5424 messages over TCP (octet
	// counted, RFC 6587).
	Syslog string `json:"syslog,omitempty"`
	// TLS sends to Syslog over TLS (RFC 5425), checking the receiver's certificate.
	TLS bool `json:"tls,omitempty"`
	// File is the absolute path of a JSON-lines file, one record a line, that another agent
	// ships.
	File string `json:"file,omitempty"`
	// OTLP is the base URL of an OpenTelemetry collector that takes each record as an OTLP
	// log record, such as "http://127.0.0.1:4318" (OTLP over HTTP) or "http://127.0.0.1:4317"
	// (gRPC); http:// sends without TLS. Headers and certificates follow the standard
	// OTEL_EXPORTER_OTLP_* variables of MCP Tray's environment.
	OTLP string `json:"otlp,omitempty"`
	// OTLPProtocol is "http/protobuf" (the default) or "grpc", for OTLP.
	OTLPProtocol string `json:"otlpProtocol,omitempty"`
}

// invalid names the field of t that is wrong and says why; "" when t is nil or fine.
func (t *Telemetry) invalid() (field, msg string) {
	if t == nil {
		return "", ""
	}
	if msg := invalidProtocol(t.Protocol); msg != "" {
		return "protocol", msg
	}
	if msg := invalidCollector(t.Endpoint); msg != "" {
		return "endpoint", msg
	}
	return "", ""
}

// invalidProtocol says why p is not an OTLP protocol MCP Tray speaks; "" when it is one or
// empty (the default).
func invalidProtocol(p string) string {
	switch p {
	case "", "http/protobuf", "grpc":
		return ""
	}
	return fmt.Sprintf("is %q: it must be \"http/protobuf\" or \"grpc\"", p)
}

// invalidCollector says why endpoint is not a collector's base URL; "" when it is one or
// empty.
func invalidCollector(endpoint string) string {
	if endpoint == "" {
		return ""
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Sprintf("is %q: write the collector's address as a URL, for example http://127.0.0.1:4318", endpoint)
	}
	return ""
}

// Collector says where an OTLP endpoint URL sends, for a sentence or a log line: the URL
// without a password it may hold.
func Collector(endpoint string) string {
	if u, err := url.Parse(endpoint); err == nil {
		return u.Redacted()
	}
	return endpoint
}

func (f *AuditForward) invalid() (field, msg string) {
	if f == nil {
		return "", ""
	}
	if f.Syslog != "" {
		if _, _, err := net.SplitHostPort(f.Syslog); err != nil {
			return "syslog", fmt.Sprintf("is %q: write the receiver's address as host:port, for example logs.example.com:6514", f.Syslog)
		}
	}
	if f.TLS && f.Syslog == "" {
		return "tls", "is set without a syslog receiver to send to"
	}
	if f.File != "" && !filepath.IsAbs(f.File) {
		return "file", fmt.Sprintf("is %q: it must be an absolute path", f.File)
	}
	if msg := invalidCollector(f.OTLP); msg != "" {
		return "otlp", msg
	}
	if msg := invalidProtocol(f.OTLPProtocol); msg != "" {
		return "otlpProtocol", msg
	}
	if f.OTLPProtocol != "" && f.OTLP == "" {
		return "otlpProtocol", "is set without a collector to send to"
	}
	return "", ""
}

// validateEvidence checks settings.telemetry and settings.auditForward; Validate calls it.
func validateEvidence(s *Settings) error {
	if f, msg := s.Telemetry.invalid(); msg != "" {
		return &ValidationError{Field: "settings.telemetry." + f, Msg: msg}
	}
	if f, msg := s.AuditForward.invalid(); msg != "" {
		return &ValidationError{Field: "settings.auditForward." + f, Msg: msg}
	}
	return nil
}

// evidence holds back a change that would send spans or audit records somewhere new: the
// person turns that on, not a program editing config.json.
func (r *reviewer) evidence(a, p *Settings) {
	var at, pt Telemetry
	if a.Telemetry != nil {
		at = *a.Telemetry
	}
	if p.Telemetry != nil {
		pt = *p.Telemetry
	}
	if pt.Enabled && (!at.Enabled || pt != at) {
		to := "the collector named by OTEL_EXPORTER_OTLP_ENDPOINT"
		if pt.Endpoint != "" {
			to = q(Collector(pt.Endpoint))
		}
		r.say("MCP Tray would send traces and metrics of tool calls to %s.", to)
		p.Telemetry = a.Telemetry
	}
	var af, pf AuditForward
	if a.AuditForward != nil {
		af = *a.AuditForward
	}
	if p.AuditForward != nil {
		pf = *p.AuditForward
	}
	var to []string // destinations new to the audit log
	if pf.Syslog != "" && (pf.Syslog != af.Syslog || (af.TLS && !pf.TLS)) {
		to = append(to, q(pf.Syslog))
	}
	if pf.File != "" && pf.File != af.File {
		to = append(to, q(pf.File))
	}
	if pf.OTLP != "" && pf.OTLP != af.OTLP {
		to = append(to, q(Collector(pf.OTLP)))
	}
	if len(to) > 0 {
		r.say("MCP Tray would send its audit log to %s.", strings.Join(to, " and "))
		p.AuditForward = a.AuditForward
	}
}
