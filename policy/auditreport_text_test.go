package policy

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

// An audit report says how many daily files it checked the signatures of, as --json does
// (signed): with the key, without it (the signatures then prove less), and before any day
// is over.
func TestAuditReportSaysWhichDaysAreSigned(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	dir := t.TempDir()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.Local)
	l, err := OpenAudit(dir, AuditOptions{Key: key, Now: func() time.Time { return now }, SyncEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	write := func() {
		t.Helper()
		if err := l.Append(AuditEntry{Call: Call{Server: "fs", Tool: "read"},
			Decision: Decision{Outcome: Allowed, DecidedBy: ByRule}, Outcome: CallOK}); err != nil {
			t.Fatal(err)
		}
	}
	printed := func(o VerifyOptions) string {
		t.Helper()
		rep, err := VerifyWith(dir, o)
		if err != nil || !rep.OK {
			t.Fatalf("verify: %+v, %v", rep, err)
		}
		return strings.Join(rep.Sentences(), "\n")
	}
	write()
	if out := printed(VerifyOptions{Key: key}); !strings.Contains(out, "None of its daily files is signed yet") {
		t.Errorf("one open day:\n%s", out)
	}
	for range 2 {
		now = now.Add(24 * time.Hour)
		write()
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if out := printed(VerifyOptions{Key: key}); !strings.Contains(out, "2 of its daily files are signed with MCP Tray's key") {
		t.Errorf("two days over, with the key:\n%s", out)
	}
	if out := printed(VerifyOptions{KeyErr: errors.New("no keychain")}); !strings.Contains(out, "2 of its daily files carry a valid signature") ||
		!strings.Contains(out, "could not be checked that the signatures are MCP Tray's own") {
		t.Errorf("two days over, without the key:\n%s", out)
	}
}
