package config

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateEvidence(t *testing.T) {
	for _, tc := range []struct {
		s    Settings
		want string
	}{
		{Settings{Telemetry: &Telemetry{Protocol: "thrift"}}, `settings.telemetry.protocol is "thrift"`},
		{Settings{Telemetry: &Telemetry{Endpoint: "127.0.0.1:4318"}}, "settings.telemetry.endpoint"},
		{Settings{AuditForward: &AuditForward{Syslog: "logs.example.com"}}, "settings.auditForward.syslog"},
		{Settings{AuditForward: &AuditForward{TLS: true}}, "settings.auditForward.tls"},
		{Settings{AuditForward: &AuditForward{File: "audit.jsonl"}}, "settings.auditForward.file"},
		{Settings{AuditForward: &AuditForward{OTLP: "127.0.0.1:4318"}}, "settings.auditForward.otlp"},
		{Settings{AuditForward: &AuditForward{OTLP: "http://127.0.0.1:4317", OTLPProtocol: "thrift"}}, `settings.auditForward.otlpProtocol is "thrift"`},
		{Settings{AuditForward: &AuditForward{OTLPProtocol: "grpc"}}, "settings.auditForward.otlpProtocol is set without a collector"},
	} {
		err := (&Config{Settings: tc.s}).Validate()
		if !errors.Is(err, ErrInvalid) || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("Validate(%+v) = %v, want %q…", tc.s, err, tc.want)
		}
	}
	ok := Settings{Telemetry: &Telemetry{Enabled: true, Endpoint: "https://otel.example.com:4318", Protocol: "grpc"},
		AuditForward: &AuditForward{Syslog: "logs.example.com:6514", TLS: true, File: "/var/log/mcptray.jsonl",
			OTLP: "https://otel.example.com:4317", OTLPProtocol: "grpc"}}
	if err := (&Config{Settings: ok}).Validate(); err != nil {
		t.Fatal(err)
	}
}

// Sending spans or audit records somewhere new waits for the person; turning them off does not.
func TestReviewEvidence(t *testing.T) {
	on := &Telemetry{Enabled: true, Endpoint: "http://127.0.0.1:4318"}
	fwd := &AuditForward{Syslog: "siem:6514", TLS: true}
	for _, tc := range []struct {
		name     string
		acc, pro Settings
		loosens  int
	}{
		{"telemetry turned on", Settings{}, Settings{Telemetry: on}, 1},
		{"telemetry elsewhere", Settings{Telemetry: on}, Settings{Telemetry: &Telemetry{Enabled: true, Endpoint: "http://evil:4318"}}, 1},
		{"telemetry off", Settings{Telemetry: on}, Settings{}, 0},
		{"forwarding on", Settings{}, Settings{AuditForward: fwd}, 1},
		{"forwarding without TLS", Settings{AuditForward: fwd}, Settings{AuditForward: &AuditForward{Syslog: "siem:6514"}}, 1},
		{"forwarding to a file", Settings{}, Settings{AuditForward: &AuditForward{File: "/tmp/x"}}, 1},
		{"forwarding off", Settings{AuditForward: fwd}, Settings{}, 0},
		{"forwarding over OTLP", Settings{}, Settings{AuditForward: &AuditForward{OTLP: "http://127.0.0.1:4318"}}, 1},
		{"forwarding over OTLP elsewhere", Settings{AuditForward: &AuditForward{OTLP: "http://127.0.0.1:4318"}}, Settings{AuditForward: &AuditForward{OTLP: "http://evil:4318"}}, 1},
		{"OTLP forwarding off", Settings{AuditForward: &AuditForward{OTLP: "http://127.0.0.1:4318"}}, Settings{AuditForward: &AuditForward{File: ""}}, 0},
	} {
		acc := &Config{Servers: map[string]*Server{}, Settings: tc.acc}
		pro := &Config{Servers: map[string]*Server{}, Settings: tc.pro}
		eff, changes := Review(acc, pro, ReviewOptions{})
		if len(changes) != tc.loosens {
			t.Errorf("%s: changes %q", tc.name, changes)
		}
		if tc.loosens > 0 && (!sameJSON(eff.Settings.Telemetry, tc.acc.Telemetry) || !sameJSON(eff.Settings.AuditForward, tc.acc.AuditForward)) {
			t.Errorf("%s: in effect %+v", tc.name, eff.Settings)
		}
	}
}

// The sentence names every new destination, and no password a collector's URL holds.
func TestReviewEvidenceSays(t *testing.T) {
	acc := &Config{Servers: map[string]*Server{}}
	pro := &Config{Servers: map[string]*Server{}, Settings: Settings{AuditForward: &AuditForward{File: "/tmp/x", OTLP: "https://me:hunter2@otel.example.com:4318"}}}
	_, changes := Review(acc, pro, ReviewOptions{})
	want := `MCP Tray would send its audit log to "/tmp/x" and "https://me:xxxxx@otel.example.com:4318".`
	if len(changes) != 1 || changes[0] != want {
		t.Fatalf("changes %q, want %q", changes, want)
	}
}
