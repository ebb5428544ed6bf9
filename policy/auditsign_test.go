package policy

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeDays writes two records on each of days consecutive days, with key (nil: none).
func writeDays(t *testing.T, dir string, key []byte, days int) {
	t.Helper()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.Local)
	l, err := OpenAudit(dir, AuditOptions{Key: key, Now: func() time.Time { return now }, SyncEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	for range days {
		for range 2 {
			if err := l.Append(AuditEntry{Call: Call{Server: "fs", Tool: "read"}, Decision: Decision{Outcome: Allowed, DecidedBy: ByRule}, Outcome: CallOK}); err != nil {
				t.Fatal(err)
			}
		}
		now = now.Add(24 * time.Hour)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
}

// Every closed day is signed; the current one is not (it may grow).
func TestDailyFilesSigned(t *testing.T) {
	dir := t.TempDir()
	writeDays(t, dir, testAuditKey, 3)
	for day, signed := range map[string]bool{"2026-12-01": true, "2026-12-02": true, "2026-12-03": false} {
		_, err := os.Stat(filepath.Join(dir, day+".jsonl.sig"))
		if (err == nil) != signed {
			t.Errorf("%s signed: %v, want %v", day, err == nil, signed)
		}
	}
	rep := verifyWithKey(t, dir, testAuditKey)
	if !rep.OK || rep.Signed != 2 {
		t.Fatalf("report %+v", rep)
	}
}

// A signed file changed in any way, even re-chained so the chain holds, fails verify; so
// does a signature removed before a signed file, or one made with another key.
func TestTamperedSignedFileFailsVerify(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tamper func(dir string)
		want   string
	}{
		{"a line edited", func(dir string) {
			p := filepath.Join(dir, "2026-12-01.jsonl")
			b, _ := os.ReadFile(p)
			os.WriteFile(p, bytes.Replace(b, []byte(`"tool":"read"`), []byte(`"tool":"rm_rf"`), 1), 0o600)
		}, "2026-12-01.jsonl was changed after MCP Tray closed and signed it"},
		{"white space added", func(dir string) {
			p := filepath.Join(dir, "2026-12-02.jsonl")
			b, _ := os.ReadFile(p)
			os.WriteFile(p, append(b, '\n'), 0o600)
		}, "2026-12-02.jsonl was changed"},
		{"a signature removed", func(dir string) {
			os.Remove(filepath.Join(dir, "2026-12-01.jsonl.sig"))
		}, "The signature of 2026-12-01.jsonl was removed"},
		{"signed again with another key", func(dir string) {
			os.Remove(filepath.Join(dir, "2026-12-01.jsonl.sig"))
			os.Remove(filepath.Join(dir, "2026-12-02.jsonl.sig"))
			l, _ := OpenAudit(dir, AuditOptions{})
			l.day = "2026-12-03"
			l.key = bytes.Repeat([]byte{9}, 32)
			l.signClosedLocked()
		}, "signed with a key that is not MCP Tray's"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeDays(t, dir, testAuditKey, 3)
			tc.tamper(dir)
			rep := verifyWithKey(t, dir, testAuditKey)
			if rep.OK || !strings.Contains(rep.Problem, tc.want) {
				t.Fatalf("report %+v, want a problem saying %q", rep, tc.want)
			}
		})
	}
}

// A log written without a key gets its closed days signed once the key comes.
func TestSignedWhenTheKeyComes(t *testing.T) {
	dir := t.TempDir()
	writeDays(t, dir, nil, 2)
	if _, err := os.Stat(filepath.Join(dir, "2026-12-01.jsonl.sig")); err == nil {
		t.Fatal("signed without a key")
	}
	l, err := OpenAudit(dir, AuditOptions{Now: func() time.Time { return time.Date(2026, 12, 2, 13, 0, 0, 0, time.Local) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.SetKey(testAuditKey); err != nil {
		t.Fatal(err)
	}
	l.Close()
	if rep := verifyWithKey(t, dir, testAuditKey); !rep.OK || rep.Signed != 1 {
		t.Fatalf("report %+v", rep)
	}
}
