package policy

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mcptray/mcptray/internal/display"
)

// AuditQuery selects records for `mcptray audit`.
type AuditQuery struct {
	// Server keeps only the records of this server; "" keeps all.
	Server string
	// Last keeps only the newest Last records that match; 0 keeps all.
	Last int
}

// ReadAudit returns the records of the audit log in dir that match q, oldest first. It reads
// the newest files first and stops once Last records are found. Lines that cannot be read are
// skipped: Verify is the place that reports them. A missing directory gives no records.
func ReadAudit(dir string, q AuditQuery) ([]AuditRecord, error) {
	if _, err := os.Stat(dir); os.IsNotExist(err) {
		return nil, nil
	}
	files, err := auditFiles(dir)
	if err != nil {
		return nil, err
	}
	var newestFirst []AuditRecord
	for i := len(files) - 1; i >= 0; i-- {
		b, err := os.ReadFile(filepath.Join(dir, files[i]))
		if err != nil {
			return nil, fmt.Errorf("reading the audit log: %w", err)
		}
		lines := bytes.Split(bytes.TrimSuffix(b, []byte{'\n'}), []byte{'\n'})
		for j := len(lines) - 1; j >= 0; j-- {
			var r AuditRecord
			if json.Unmarshal(lines[j], &r) != nil || (q.Server != "" && r.Server != q.Server) {
				continue
			}
			newestFirst = append(newestFirst, r)
			if q.Last > 0 && len(newestFirst) == q.Last {
				slices.Reverse(newestFirst)
				return newestFirst, nil
			}
		}
	}
	slices.Reverse(newestFirst)
	return newestFirst, nil
}

// String formats the record as one line for people, in local time, for example:
//
//	2026-11-21 14:03:07  Claude Desktop  github/create_issue  allowed by person (allow once) after 3.2 s  ok in 120 ms
//
// A call nobody answered in time reads "timed out: refused by MCP Tray", never as a person's
// answer. Every name from a client or server is escaped (display.Line): the line cannot hold
// a control character or a bidirectional override.
func (r AuditRecord) String() string {
	var b strings.Builder
	b.WriteString(r.Time.Local().Format(time.DateTime))
	b.WriteString("  ")
	b.WriteString(display.Line(cmp.Or(r.Client, "unknown client")))
	b.WriteString("  ")
	b.WriteString(display.Line(r.Server + "/" + r.Tool))
	if r.Host != "" {
		b.WriteString(" at " + display.Line(r.Host))
	}
	if r.Scope != "" {
		b.WriteString(" [" + display.Line(r.Scope) + "]")
	}
	if r.DecidedBy == ByTimeout {
		b.WriteString("  timed out: refused by MCP Tray")
	} else {
		b.WriteString("  " + display.Line(string(r.Decision)) + " by " + display.Line(string(r.DecidedBy)))
	}
	if r.Answer != "" {
		b.WriteString(" (" + display.Line(r.Answer) + ")")
	}
	if r.WaitMS > 0 {
		b.WriteString(" after " + humanMillis(r.WaitMS))
	}
	b.WriteString("  " + display.Line(strings.ReplaceAll(string(r.Outcome), "_", " ")))
	if r.Outcome != CallNotRun && r.DurationMS > 0 {
		b.WriteString(" in " + humanMillis(r.DurationMS))
	}
	if r.Note != "" {
		b.WriteString("  (" + display.Line(r.Note) + ")")
	}
	return b.String()
}

// humanMillis writes a duration in milliseconds as "120 ms" or "3.2 s".
func humanMillis(ms float64) string {
	if ms < 1000 {
		return strconv.FormatFloat(math.Round(ms*10)/10, 'f', -1, 64) + " ms"
	}
	return strconv.FormatFloat(math.Round(ms/100)/10, 'f', -1, 64) + " s"
}
