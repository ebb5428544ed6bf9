package redact

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// recorder keeps each write it gets separately.
type recorder struct {
	writes []string
	err    error
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	r.writes = append(r.writes, string(p))
	return len(p), nil
}

func (r *recorder) all() string { return strings.Join(r.writes, "") }

// writeInChunks writes s to w in pieces of n bytes.
func writeInChunks(t *testing.T, w *Writer, s string, n int) {
	t.Helper()
	for len(s) > 0 {
		k := min(n, len(s))
		if got, err := w.Write([]byte(s[:k])); got != k || err != nil {
			t.Fatalf("Write = %d, %v; want %d, nil", got, err, k)
		}
		s = s[k:]
	}
}

var writerSecrets = map[string]string{
	"TOKEN":    "ghp_0123456789abcdef",
	"PASSWORD": "correct horse battery",
	"PEM":      "-----BEGIN KEY-----\nMIIEvQIBADANBgkq\nhkiG9w0BAQEFAASC\n-----END KEY-----",
}

const writerLog = `starting server
using token ghp_0123456789abcdef for api.github.com
{"password":"correct horse battery","token":"Z2hwXzAxMjM0NTY3ODlhYmNkZWY="}
key:
-----BEGIN KEY-----
MIIEvQIBADANBgkq
hkiG9w0BAQEFAASC
-----END KEY-----
done ghp_0123456789abcdef`

func TestWriterChunking(t *testing.T) {
	r := New(writerSecrets)
	var want string
	for line := range strings.Lines(writerLog) {
		want += r.RedactString(line)
	}
	for _, secret := range []string{"ghp_0123456789abcdef", "correct horse battery", "MIIEvQIBADANBgkq", "Z2hwXzAxMjM0NTY3ODlhYmNkZWY"} {
		if strings.Contains(want, secret) {
			t.Fatalf("the expected output holds %q: the test is wrong", secret)
		}
	}
	for _, n := range []int{1, 2, 3, 7, 16, 64, len(writerLog)} {
		rec := &recorder{}
		w := NewWriter(rec, r)
		writeInChunks(t, w, writerLog, n)
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if got := rec.all(); got != want {
			t.Errorf("chunks of %d:\n got %q\nwant %q", n, got, want)
		}
		for i, wr := range rec.writes[:len(rec.writes)-1] {
			if !strings.HasSuffix(wr, "\n") {
				t.Errorf("chunks of %d: write %d (%q) is not whole lines", n, i, wr)
			}
		}
		if last := rec.writes[len(rec.writes)-1]; last != "done [redacted:TOKEN]" {
			t.Errorf("chunks of %d: Flush wrote %q, want the unfinished last line", n, last)
		}
	}
}

func TestWriterHoldsBackUnfinishedLine(t *testing.T) {
	rec := &recorder{}
	w := NewWriter(rec, New(writerSecrets))
	writeInChunks(t, w, "token ghp_0123456789", 100)
	if len(rec.writes) != 0 {
		t.Fatalf("wrote %q before the line was finished", rec.writes)
	}
	writeInChunks(t, w, "abcdef ok\nnext", 100)
	if diff := cmp.Diff([]string{"token [redacted:TOKEN] ok\n"}, rec.writes); diff != "" {
		t.Errorf("writes (-want +got):\n%s", diff)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"token [redacted:TOKEN] ok\n", "next"}, rec.writes); diff != "" {
		t.Errorf("writes after Flush, twice (-want +got):\n%s", diff)
	}
}

func TestWriterSecretsChangeMidLine(t *testing.T) {
	r := New(nil)
	rec := &recorder{}
	w := NewWriter(rec, r)
	writeInChunks(t, w, "a new-secret-value arrives", 100)
	r.Set(map[string]string{"NEW": "new-secret-value"})
	writeInChunks(t, w, "\n", 100)
	if got, want := rec.all(), "a [redacted:NEW] arrives\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestWriterLongLine(t *testing.T) {
	r := New(writerSecrets)
	// A line much longer than MaxLine, with secrets everywhere, including
	// across every boundary of the 1000-byte writes.
	var b strings.Builder
	for b.Len() < 3*MaxLine {
		b.WriteString("filler-")
		b.WriteString(strings.Repeat("x", b.Len()%37))
		b.WriteString("ghp_0123456789abcdef")
	}
	line := b.String()
	rec := &recorder{}
	w := NewWriter(rec, r)
	writeInChunks(t, w, line, 1000)
	if len(rec.writes) == 0 {
		t.Fatal("nothing written before the end of a line longer than MaxLine")
	}
	if held := len(w.pending); held > MaxLine+1000 {
		t.Errorf("holding back %d bytes, want at most MaxLine and one write", held)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if got, want := rec.all(), r.RedactString(line); got != want {
		t.Errorf("a long line written in pieces differs from the line redacted at once (len %d vs %d)", len(got), len(want))
	}
}

func TestWriterRunOfOverlappingSecrets(t *testing.T) {
	// Memory stays bounded even when one merged stretch of secrets never ends.
	rec := &recorder{}
	w := NewWriter(rec, New(map[string]string{"K": "aaaaaa"}))
	writeInChunks(t, w, strings.Repeat("a", 3*MaxLine), 4096)
	if len(w.pending) > MaxLine+4096 {
		t.Errorf("holding back %d bytes", len(w.pending))
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	for _, part := range strings.Split(rec.all(), "[redacted:K]") {
		if strings.Contains(part, "aaaaaa") {
			t.Fatalf("the secret survived: %q", part)
		}
	}
}

func TestWriterNoSecrets(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf, nil)
	writeInChunks(t, w, "line one\nline two\nunfinished", 5)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != "line one\nline two\nunfinished" {
		t.Errorf("got %q", got)
	}
}

func TestWriterError(t *testing.T) {
	broken := errors.New("disk full")
	w := NewWriter(&recorder{err: broken}, New(writerSecrets))
	if _, err := w.Write([]byte("a line\n")); !errors.Is(err, broken) {
		t.Errorf("Write error = %v, want %v", err, broken)
	}
	if _, err := w.Write([]byte("unfinished")); err != nil {
		t.Errorf("Write of an unfinished line = %v, want nil (nothing is written yet)", err)
	}
	if err := w.Flush(); !errors.Is(err, broken) {
		t.Errorf("Flush error = %v, want %v", err, broken)
	}
}
