package dlp

import (
	"encoding/json"
	"strings"
	"testing"
)

const sshKey = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACDx0000000000000000000000000000000000000000000000000AAAA\n-----END OPENSSH PRIVATE KEY-----\n"

func args(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCheck(t *testing.T) {
	var c Checker
	c.SetSecrets(map[string]map[string]string{"github": {"GITHUB_TOKEN": "s3cr3t-github-value"}, "mail": {"PASSWORD": "mail-password-42"}})
	for _, tc := range []struct {
		name   string
		server string
		args   any
		want   []string // What of each finding
	}{
		{"another server's secret", "mail", map[string]any{"body": "token s3cr3t-github-value here"}, []string{`the secret GITHUB_TOKEN of "github"`}},
		{"its own secret", "github", map[string]any{"auth": "s3cr3t-github-value"}, nil},
		{"an SSH key", "mail", map[string]any{"attachment": sshKey}, []string{"a private key"}},
		{"an AWS key", "mail", map[string]any{"k": "id AKIAIOSFODNN7EXAMPLE"}, []string{"an AWS access key"}},
		{"a GitHub token", "mail", map[string]any{"k": "ghp_abcdefghijklmnopqrstuvwxyz0123456789"}, []string{"a GitHub token"}},
		{"a Slack token", "mail", map[string]any{"k": "xoxb-1234567890-abcdefghij"}, []string{"a Slack token"}},
		{"a Stripe key", "mail", map[string]any{"k": "sk_live_abcdefghijklmnop1234"}, []string{"a Stripe key"}},
		{"a JWT", "mail", map[string]any{"k": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"}, []string{"a sign-in token (JWT)"}},
		{"a connection string", "mail", map[string]any{"dsn": "postgres://app:pa55word@db.internal:5432/app"}, []string{"a connection string with a password"}},
		{"nothing", "mail", map[string]any{"to": "ann@example.com", "url": "https://example.com/a?b=c", "text": "the github server"}, nil},
	} {
		got := c.Check(tc.server, args(t, tc.args))
		var whats []string
		for _, f := range got {
			whats = append(whats, f.What)
		}
		if strings.Join(whats, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%s: found %q, want %q", tc.name, whats, tc.want)
		}
	}
	if !Sensitive(c.Check("mail", args(t, map[string]string{"k": sshKey}))) || Sensitive(c.Check("mail", args(t, map[string]string{"k": "AKIAIOSFODNN7EXAMPLE"}))) {
		t.Error("Sensitive: a private key is, an AWS key alone is not")
	}
}

// Neither a sentence nor a redacted text holds any part of a value found.
func TestNoValueLeaks(t *testing.T) {
	var c Checker
	c.SetSecrets(map[string]map[string]string{"github": {"GITHUB_TOKEN": "s3cr3t-github-value"}})
	in := args(t, map[string]string{"a": "s3cr3t-github-value", "b": sshKey, "c": "AKIAIOSFODNN7EXAMPLE", "d": "postgres://app:pa55word@db/x"})
	out := string(c.Redact(in)) + Describe(c.Check("mail", in))
	for _, v := range []string{"s3cr3t", "b3BlbnNzaC1rZXkt", "AKIAIOSFODNN7EXAMPLE", "pa55word"} {
		if strings.Contains(out, v) {
			t.Errorf("%q leaked: %s", v, out)
		}
	}
	if d := Describe(c.Check("mail", in)); !strings.HasPrefix(d, `The arguments carry the secret GITHUB_TOKEN of "github", a private key, an AWS access key and a connection string`) {
		t.Errorf("Describe = %q", d)
	}
	clean := []byte(`{"a":"nothing to see"}`)
	if got := Mask(clean); &got[0] != &clean[0] {
		t.Error("Mask copied a text with nothing to mask")
	}
}

// Redacting a JSON answer keeps it JSON, whatever it carried.
func TestRedactKeepsJSON(t *testing.T) {
	var c Checker
	c.SetSecrets(map[string]map[string]string{"github": {"GITHUB_TOKEN": "s3cr3t-github-value"}})
	in := args(t, map[string]any{"jsonrpc": "2.0", "id": 3, "result": map[string]any{"content": []map[string]string{
		{"type": "text", "text": "key:\n" + sshKey + "\nand s3cr3t-github-value, AKIAIOSFODNN7EXAMPLE, postgres://u:p4ss@h/db \"quoted\""},
		{"type": "text", "text": "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\"}]}"},
		{"type": "text", "text": `-----BEGIN EC PRIVATE KEY-----\nMIIEow\nxyz\\`}}}})
	out := c.Redact(in)
	if !json.Valid(out) {
		t.Fatalf("not JSON after redaction: %s", out)
	}
	for _, v := range []string{"s3cr3t", "b3BlbnNzaC1rZXkt", "AKIAIOSFODNN7EXAMPLE", "p4ss", "MIIEow", "xyz"} {
		if strings.Contains(string(out), v) {
			t.Errorf("%q is still in %s", v, out)
		}
	}
}
