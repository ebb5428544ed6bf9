package keychain

import (
	"strings"
	"testing"
)

// entry stands for a server's configuration entry (the daemon passes a *config.Server).
type entry struct{ command string }

// A changed or deleted secret stays redacted: processes started with the old value may still
// print it.
func TestRetiredSecretsStayRedacted(t *testing.T) {
	b := NewHanded()
	src := &entry{"gh-server"}
	b.Remember("gh", src, map[string]string{"TOKEN": "old-value-1234"})
	b.Remember("gh", src, map[string]string{"TOKEN": "new-value-5678"})
	b.Forget("gh")
	for _, v := range []string{"old-value-1234", "new-value-5678"} {
		if got := b.RedactString("printed " + v); strings.Contains(got, v) {
			t.Errorf("after rotation and deletion, %q is still in the log line %q", v, got)
		}
	}
}

// Remembered values are handed out only for the config entry they were read for: a server
// removed (its keychain items deleted) and added again under the same name, identical or not,
// reads the keychain afresh. Without that, the daemon gave a deleted secret to the new server.
func TestRememberedSecretsBelongToOneEntry(t *testing.T) {
	b := NewHanded()
	old := &entry{"gh-server"}
	b.Remember("gh", old, map[string]string{"TOKEN": "old-value-1234"})
	if _, ok := b.Lookup("gh", old, []string{"TOKEN"}); !ok {
		t.Fatal("the values read for an entry are not handed out again for that entry")
	}
	readded := &entry{"gh-server"}
	if v, ok := b.Lookup("gh", readded, []string{"TOKEN"}); ok {
		t.Fatalf("a server added again under the same name got the remembered values %v", v)
	}
	if _, ok := b.Lookup("gh", nil, []string{"TOKEN"}); ok {
		t.Fatal("a server no longer in config.json got the remembered values")
	}
	if got := b.RedactString("old-value-1234"); strings.Contains(got, "old-value-1234") {
		t.Errorf("a remembered value is not redacted: %q", got)
	}
	if got := b.ByServer(); got["gh"]["TOKEN"] != "old-value-1234" {
		t.Errorf("ByServer = %v", got)
	}
}
