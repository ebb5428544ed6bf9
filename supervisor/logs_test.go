package supervisor

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// A note quoting a megabyte a server sent is kept cut to a captured line's length, on a
// character boundary, after the secrets in it were redacted (red team of remote servers: 5 MB
// lines in the log, of which 1,000 are kept in memory).
func TestLongNoteIsCut(t *testing.T) {
	l := NewLogs("s", LogOptions{Dir: t.TempDir(), Redact: func(s string) string { return strings.ReplaceAll(s, "SECRET", "[redacted]") }})
	l.Note("the server said: %s", strings.Repeat("é", 1<<20)+"SECRET")
	l.Note("short SECRET")
	lines := l.Tail(0)
	if len(lines) != 2 {
		t.Fatalf("%d lines", len(lines))
	}
	if long := lines[0].Text; len(long) > maxLineBytes+len(" … (cut)") || !utf8.ValidString(long) || !strings.HasSuffix(long, "(cut)") {
		t.Errorf("the long note is %d bytes, valid UTF-8 %v, ends %q", len(long), utf8.ValidString(long), long[len(long)-10:])
	}
	if lines[1].Text != "short [redacted]" {
		t.Errorf("short note %q", lines[1].Text)
	}
}
