package policy

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// EachAuditLine calls f with every record of the audit log in dir written at or after since
// (zero: all), oldest first: the record, its line exactly as written (without the newline,
// valid only during the call) and the line's hash, which the next line carries as "prev".
// Lines that cannot be read are skipped (Verify reports them). It stops at f's first error.
func EachAuditLine(dir string, since time.Time, f func(rec AuditRecord, line []byte, hash string) error) error {
	files, err := auditFiles(dir)
	if err != nil {
		if _, serr := os.Stat(dir); os.IsNotExist(serr) {
			return nil
		}
		return err
	}
	// Files are named by local date; a day before since's (in any zone) may still hold
	// records after it, so one more day is read.
	from := ""
	if !since.IsZero() {
		from = since.Add(-24*time.Hour).Local().Format(time.DateOnly) + ".jsonl"
	}
	for _, name := range files {
		if name < from {
			continue
		}
		if err := eachLine(filepath.Join(dir, name), since, f); err != nil {
			return err
		}
	}
	return nil
}

func eachLine(path string, since time.Time, f func(AuditRecord, []byte, string) error) error {
	file, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("reading the audit log: %w", err)
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var r AuditRecord
		if json.Unmarshal(line, &r) != nil || r.Time.Before(since) {
			continue
		}
		if err := f(r, line, lineHash(line)); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading the audit log %s: %w", filepath.Base(path), err)
	}
	return nil
}

// AuditCSVHeader names the columns of AuditRecord.CSV.
var AuditCSVHeader = []string{"seq", "time", "client", "session", "server", "host", "tool", "scope", "decision", "decided_by", "answer",
	"reason", "note", "wait_ms", "duration_ms", "outcome", "args_sha256", "prev", "hash"}

// CSV is the record as the cells of one CSV row (AuditCSVHeader), with the line's hash. A cell
// a spreadsheet would take as a formula (starting with = + - @ or a tab) gets a leading ' so
// that a name chosen by a server or an AI app cannot run in the auditor's spreadsheet.
func (r AuditRecord) CSV(hash string) []string {
	row := []string{fmt.Sprint(r.Seq), r.Time.UTC().Format(time.RFC3339Nano), r.Client, r.Session, r.Server, r.Host, r.Tool, r.Scope,
		string(r.Decision), string(r.DecidedBy), r.Answer, r.Reason, r.Note,
		fmt.Sprint(r.WaitMS), fmt.Sprint(r.DurationMS), string(r.Outcome), r.ArgsSHA256, r.Prev, hash}
	for i, c := range row {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			row[i] = "'" + c
		}
	}
	return row
}
