package testbin

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder is a testing.TB that keeps what would have failed the test.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper()           {}
func (r *recorder) Error(args ...any) { r.errors = append(r.errors, strings.TrimSpace(fmtArgs(args))) }

func fmtArgs(args []any) string {
	var b strings.Builder
	for _, a := range args {
		b.WriteString(a.(string))
	}
	return b.String()
}

// The sweep finds a secret however a file spells it, and names the file, not the value.
func TestAssertNoSecretsFindsEveryForm(t *testing.T) {
	const secret = "p/ss<word>&-0123456789"
	dir := t.TempDir()
	files := map[string]string{
		"raw.txt":     "token=" + secret,
		"base64.txt":  base64.StdEncoding.EncodeToString([]byte("user:" + secret)),
		"json.json":   `{"a": "p\/ss\u003cword\u003e\u0026-0123456789"}`,
		"sub/url.txt": "https://x/?k=p%2Fss%3Cword%3E%26-0123456789",
		"clean.txt":   "nothing here",
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o700)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	r := &recorder{TB: t}
	AssertNoSecrets(r, []string{secret}, dir, filepath.Join(dir, "missing"))
	if len(r.errors) != 4 {
		t.Fatalf("got %d findings, want 4 (every file but clean.txt):\n%s", len(r.errors), strings.Join(r.errors, "\n"))
	}
	for _, e := range r.errors {
		if strings.Contains(e, secret) || strings.Contains(e, "clean.txt") {
			t.Errorf("finding %q", e)
		}
	}
}
