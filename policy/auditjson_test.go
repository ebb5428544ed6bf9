package policy

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// TestAppendRecordIsMarshal: the audit writer's own spelling of a record is encoding/json's,
// byte for byte, for records full of what a hostile server or client puts in names and
// reasons (quotes, control characters, HTML, invalid UTF-8, line separators) and for the
// edges of times and durations. The hash chain is over these bytes, and readers decode them
// with encoding/json.
func TestAppendRecordIsMarshal(t *testing.T) {
	pieces := []string{"", "a", "github", "\"", "\\", "\n", "\r\t\b\f", "\x00\x01\x1f\x7f", "<script>&</script>",
		"\u2028\u2029", "\xff", "\xe2\x80", "é", "日本", "😀", "\xed\xa0\x80", "}{,:", "Claude Desktop", " "}
	rng := rand.New(rand.NewPCG(1, 2))
	str := func() string {
		var b strings.Builder
		for range rng.IntN(4) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		return b.String()
	}
	floats := []float64{0, 0.001, 1, 1.5, 123.456, 3e-7, 1e-6, 1e20, 1e21, 2.5e22, -1, math.Copysign(0, -1), 86400000}
	times := []time.Time{time.Date(2026, 12, 5, 22, 0, 0, 0, time.UTC), time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC), {}}
	for i := range 20000 {
		rec := AuditRecord{Seq: rng.Uint64() >> rng.IntN(64), Time: times[rng.IntN(len(times))],
			Client: str(), Session: str(), Server: str(), Host: str(), Tool: str(), Scope: str(),
			Decision: Outcome(str()), DecidedBy: DecidedBy(str()), Answer: str(), Reason: str(),
			WaitMS: floats[rng.IntN(len(floats))], DurationMS: floats[rng.IntN(len(floats))],
			Outcome: CallOutcome(str()), Note: str(), ArgsSHA256: str(), Prev: str()}
		if i%50 == 0 {
			rec.Args = json.RawMessage(`{"a": "<b>"}`)
		}
		want, werr := json.Marshal(&rec)
		got, gerr := appendRecord(nil, &rec)
		if string(got) != string(want) || (werr == nil) != (gerr == nil) {
			t.Fatalf("record %+v:\nappendRecord %s (%v)\nMarshal      %s (%v)", rec, got, gerr, want, werr)
		}
	}
	// What only Marshal can refuse, appendRecord refuses too.
	for _, rec := range []AuditRecord{{Time: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, {WaitMS: math.NaN()}, {DurationMS: math.Inf(1)}} {
		if _, err := appendRecord(nil, &rec); err == nil {
			t.Errorf("appendRecord(%+v) gave no error; Marshal does", rec)
		}
	}
}
