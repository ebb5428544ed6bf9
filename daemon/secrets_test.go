package daemon

import (
	"strings"
	"testing"
)

// A changed or deleted secret stays redacted: processes started with the old value may still
// print it.
func TestRetiredSecretsStayRedacted(t *testing.T) {
	b := newSecretBook()
	b.remember("gh", map[string]string{"TOKEN": "old-value-1234"})
	b.remember("gh", map[string]string{"TOKEN": "new-value-5678"})
	b.forget("gh")
	for _, v := range []string{"old-value-1234", "new-value-5678"} {
		if got := b.redactString("printed " + v); strings.Contains(got, v) {
			t.Errorf("after rotation and deletion, %q is still in the log line %q", v, got)
		}
	}
}
