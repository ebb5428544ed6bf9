package policy

import (
	"testing"
	"time"
)

// EachAuditLine gives every line as written with its hash, from a moment on, across days.
func TestEachAuditLine(t *testing.T) {
	dir := t.TempDir()
	writeDays(t, dir, nil, 3)
	var got []AuditRecord
	prevHash := ""
	err := EachAuditLine(dir, time.Date(2026, 12, 2, 0, 0, 0, 0, time.Local), func(r AuditRecord, line []byte, hash string) error {
		if hash != lineHash(line) || (prevHash != "" && r.Prev != prevHash) {
			t.Errorf("record %d: hash %s, prev %s after %s", r.Seq, hash, r.Prev, prevHash)
		}
		prevHash = hash
		got = append(got, r)
		return nil
	})
	if err != nil || len(got) != 4 || got[0].Seq != 3 {
		t.Fatalf("records %+v, %v", got, err)
	}
	if err := EachAuditLine(t.TempDir()+"/none", time.Time{}, nil); err != nil {
		t.Fatal(err)
	}
}

// A name a server chose cannot become a formula in the auditor's spreadsheet.
func TestCSVDefusesFormulas(t *testing.T) {
	row := AuditRecord{Seq: 1, Server: "=HYPERLINK(\"http://x\")", Tool: "+cmd", Client: "@app", Reason: "-1", Note: "fine", Host: "mcp.example.com"}.CSV("h")
	for i, want := range map[int]string{2: "'@app", 4: "'=HYPERLINK(\"http://x\")", 5: "mcp.example.com", 6: "'+cmd", 11: "'-1", 12: "fine", 18: "h"} {
		if row[i] != want {
			t.Errorf("cell %d (%s) = %q, want %q", i, AuditCSVHeader[i], row[i], want)
		}
	}
}
