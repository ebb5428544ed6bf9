package daemon

import (
	"strings"
	"testing"
)

func TestEnvRedactorTakesOutMCPTraysOwnCredentials(t *testing.T) {
	environ := []string{
		"AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		"OTEL_EXPORTER_OTLP_HEADERS=authorization=Bearer otel_S3cr3t_Hdr_998877",
		"MY_SERVICE_API_KEY=k-12345678901234567890",
		"SOME_VALUE=ghp_0123456789abcdefghij0123456789abcdef", // known by its shape
		"HOME=/home/ann", "LANG=en_US.UTF-8", "PATH=/usr/local/bin:/usr/bin:/bin",
		"GITHUB_TOKEN=${GITHUB_TOKEN_REAL}", // a reference, not a value
		"SHORT_TOKEN=abc12",                 // too short to take out of text
	}
	redact := envRedactor(environ)
	if redact == nil {
		t.Fatal("no credential found in the environment")
	}
	line := "env: AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY OTEL_EXPORTER_OTLP_HEADERS=authorization=Bearer otel_S3cr3t_Hdr_998877 " +
		"key k-12345678901234567890 gh ghp_0123456789abcdefghij0123456789abcdef HOME=/home/ann PATH=/usr/local/bin:/usr/bin:/bin SHORT_TOKEN=abc12"
	got := redact(line)
	for _, secret := range []string{"wJalrXUtnFEMI", "otel_S3cr3t_Hdr_998877", "k-12345678901234567890", "ghp_0123456789"} {
		if strings.Contains(got, secret) {
			t.Errorf("%q left in %q", secret, got)
		}
	}
	for _, kept := range []string{"HOME=/home/ann", "PATH=/usr/local/bin:/usr/bin:/bin", "SHORT_TOKEN=abc12", "[redacted: AWS_SECRET_ACCESS_KEY of MCP Tray's environment]"} {
		if !strings.Contains(got, kept) {
			t.Errorf("%q missing from %q", kept, got)
		}
	}
	if envRedactor([]string{"HOME=/home/ann", "LANG=C.UTF-8"}) != nil {
		t.Error("an environment without credentials gave a redaction")
	}
}

// envRedactor runs on every relayed message's traffic record (seven short texts).
func BenchmarkEnvRedactorOnATrafficRecord(b *testing.B) {
	redact := envRedactor([]string{"AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "OTEL_EXPORTER_OTLP_HEADERS=authorization=Bearer otel_S3cr3t_Hdr_998877"})
	texts := []string{"client→server", "request", "tools/call", "42", "everything", "3f2a9c1e-session", "Claude Desktop"}
	for b.Loop() {
		for _, s := range texts {
			redact(s)
		}
	}
}
