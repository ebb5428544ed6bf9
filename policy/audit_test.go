package policy

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fakeClock is a settable clock for file names and line times.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

// writeAudit writes perDay lines on each of days consecutive days and closes the log.
func writeAudit(t *testing.T, dir string, days, perDay int) {
	t.Helper()
	clock := &fakeClock{time.Date(2026, 11, 20, 9, 0, 0, 0, time.Local)}
	l, err := OpenAudit(dir, AuditOptions{Now: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	for d := range days {
		for i := range perDay {
			clock.t = time.Date(2026, 11, 20+d, 9, i, 0, 0, time.Local)
			server := "fs"
			if i%2 == 1 {
				server = "github"
			}
			err := l.Append(AuditEntry{
				Call:     Call{Client: "Claude Desktop", Session: "s1", Server: server, Tool: "tool" + string(rune('a'+i)), Arguments: []byte(`{"i":1}`)},
				Decision: Decision{Outcome: Allowed, DecidedBy: ByRule, Reason: reasonReadOnly},
				Duration: 12 * time.Millisecond, Outcome: CallOK,
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
}

func mustVerify(t *testing.T, dir string) AuditReport {
	t.Helper()
	rep, err := Verify(dir)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestAuditChainVerifiesAcrossDays(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "audit")
	writeAudit(t, dir, 3, 4)
	files, _ := auditFiles(dir)
	if diff := cmp.Diff([]string{"2026-11-20.jsonl", "2026-11-21.jsonl", "2026-11-22.jsonl"}, files); diff != "" {
		t.Fatalf("files (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(AuditReport{OK: true, Files: 3, Lines: 12, Note: noteNoKeychain}, mustVerify(t, dir)); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Errorf("audit dir mode %v, want 0700", fi.Mode().Perm())
	}
	for _, name := range append(files, auditHeadFile) {
		if fi, _ := os.Stat(filepath.Join(dir, name)); fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v, want 0600", name, fi.Mode().Perm())
		}
	}
	// The first line of a day chains from the last line of the day before.
	day1, _ := os.ReadFile(filepath.Join(dir, files[0]))
	lines := bytes.Split(bytes.TrimSpace(day1), []byte{'\n'})
	recs, _ := ReadAudit(dir, AuditQuery{})
	if recs[4].Prev != lineHash(lines[len(lines)-1]) || recs[0].Prev != AuditGenesis || recs[4].Seq != 5 {
		t.Errorf("day 2 starts with seq %d prev %s", recs[4].Seq, recs[4].Prev)
	}
	// Reopening continues the same chain.
	writeAudit(t, dir, 1, 2)
	if rep := mustVerify(t, dir); !rep.OK || rep.Lines != 14 {
		t.Errorf("after reopening: %+v", rep)
	}
}

// tamper rewrites the lines of one audit file.
func tamper(t *testing.T, path string, change func(lines [][]byte) [][]byte) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := change(bytes.Split(bytes.TrimSuffix(b, []byte{'\n'}), []byte{'\n'}))
	out := bytes.Join(lines, []byte{'\n'})
	if len(lines) > 0 {
		out = append(out, '\n')
	}
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestAuditVerifyFindsTampering(t *testing.T) {
	day1, day2, day3 := "2026-11-20.jsonl", "2026-11-21.jsonl", "2026-11-22.jsonl"
	edit := func(i int) func([][]byte) [][]byte {
		return func(l [][]byte) [][]byte {
			l[i] = bytes.Replace(l[i], []byte(`"decision":"allowed"`), []byte(`"decision":"denied"`), 1)
			return l
		}
	}
	tests := []struct {
		name    string
		file    string // "" means the change is not to one file
		change  func(l [][]byte) [][]byte
		other   func(t *testing.T, dir string)
		wantAt  string // "file:line"
		problem string // substring
	}{
		{"edit a line", day2, edit(1), nil, day2 + ":2", "Line 2 of 2026-11-21.jsonl was changed"},
		{"edit the first line", day1, edit(0), nil, day1 + ":1", "was changed"},
		{"edit the last line of a day", day1, edit(3), nil, day1 + ":4", "was changed"},
		{"edit the very last line", day3, edit(3), nil, day3 + ":4", "no longer matches the head mark"},
		{"insert a copied line", day2, func(l [][]byte) [][]byte {
			return append(l[:2], append([][]byte{l[0]}, l[2:]...)...)
		}, nil, day2 + ":3", "came earlier"},
		{"swap two lines", day2, func(l [][]byte) [][]byte { l[1], l[2] = l[2], l[1]; return l }, nil, day2 + ":2", "where record 6 should be"},
		{"delete a middle line", day2, func(l [][]byte) [][]byte { return append(l[:1], l[2:]...) }, nil, day2 + ":2", "deleted"},
		{"delete the last line", day3, func(l [][]byte) [][]byte { return l[:3] }, nil, day3 + ":4", "the last record was deleted"},
		{"empty the last file", day3, func(l [][]byte) [][]byte { return nil }, nil, day3 + ":4", "the last 4 records were deleted"},
		{"cut the last line short", "", nil, func(t *testing.T, dir string) {
			p := filepath.Join(dir, day3)
			b, _ := os.ReadFile(p)
			os.WriteFile(p, b[:len(b)-20], 0o600)
		}, day3 + ":4", "not a complete audit record"},
		{"delete the first file", "", nil, func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, day1)) }, day2 + ":1", "does not start the log"},
		{"delete a middle file", "", nil, func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, day2)) }, day3 + ":1", "where record 5 should be"},
		{"delete the last file", "", nil, func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, day3)) }, day3 + ":4", "deleted"},
		{"delete the head mark", "", nil, func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, auditHeadFile)) }, auditHeadFile + ":0", "missing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeAudit(t, dir, 3, 4)
			if tc.change != nil {
				tamper(t, filepath.Join(dir, tc.file), tc.change)
			}
			if tc.other != nil {
				tc.other(t, dir)
			}
			rep := mustVerify(t, dir)
			if rep.OK {
				t.Fatalf("tampering not detected: %+v", rep)
			}
			if at := rep.File + ":" + itoa(rep.Line); at != tc.wantAt {
				t.Errorf("first broken line %s, want %s (%s)", at, tc.wantAt, rep.Problem)
			}
			if !strings.Contains(rep.Problem, tc.problem) {
				t.Errorf("problem %q does not say %q", rep.Problem, tc.problem)
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestAuditUnsealedTailAndTornLine(t *testing.T) {
	dir := t.TempDir()
	clock := &fakeClock{time.Date(2026, 11, 20, 9, 0, 0, 0, time.Local)}
	l, err := OpenAudit(dir, AuditOptions{Now: clock.now, SyncEvery: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := l.Append(AuditEntry{Call: Call{Server: "fs", Tool: "read"}, Decision: Decision{Outcome: Allowed, DecidedBy: ByRule}, Outcome: CallOK}); err != nil {
			t.Fatal(err)
		}
	}
	// The first line was sealed at once; the next two wait for the hour (or Close).
	if rep := mustVerify(t, dir); !rep.OK || rep.Unsealed != 2 {
		t.Errorf("before Close: %+v, want OK with 2 unsealed lines", rep)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Append(AuditEntry{}); err == nil {
		t.Error("Append after Close succeeded")
	}
	if rep := mustVerify(t, dir); !rep.OK || rep.Unsealed != 0 {
		t.Errorf("after Close: %+v, want OK with nothing unsealed", rep)
	}

	// A crash in the middle of a line: the next run ends it and goes on; Verify names it.
	p := filepath.Join(dir, "2026-11-20.jsonl")
	f, _ := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"seq":4,"time":"2026-`)
	f.Close()
	l, err = OpenAudit(dir, AuditOptions{Now: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Append(AuditEntry{Call: Call{Server: "fs", Tool: "read"}}); err != nil {
		t.Fatal(err)
	}
	l.Close()
	rep := mustVerify(t, dir)
	if rep.OK || rep.Line != 4 || !strings.Contains(rep.Problem, "cut short by a crash") {
		t.Errorf("torn line: %+v", rep)
	}
	recs, _ := ReadAudit(dir, AuditQuery{})
	if len(recs) != 4 || recs[3].Seq != 4 {
		t.Errorf("records after the torn line: %d, last seq %d", len(recs), recs[len(recs)-1].Seq)
	}
}

func TestAuditNeverWritesIntoAnEarlierDay(t *testing.T) {
	dir := t.TempDir()
	clock := &fakeClock{time.Date(2026, 11, 21, 9, 0, 0, 0, time.Local)}
	l, err := OpenAudit(dir, AuditOptions{Now: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	l.Append(AuditEntry{Call: Call{Server: "fs", Tool: "a"}})
	clock.t = clock.t.AddDate(0, 0, -1) // the clock was set back a day
	l.Append(AuditEntry{Call: Call{Server: "fs", Tool: "b"}})
	l.Close()
	files, _ := auditFiles(dir)
	if diff := cmp.Diff([]string{"2026-11-21.jsonl"}, files); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	if rep := mustVerify(t, dir); !rep.OK {
		t.Errorf("%+v", rep)
	}
}

func TestAuditArgumentsDigestAndRedaction(t *testing.T) {
	dir := t.TempDir()
	l, err := OpenAudit(dir, AuditOptions{IncludeArguments: true, Redact: func(b []byte) []byte {
		return bytes.ReplaceAll(b, []byte("s3cret"), []byte("[redacted]"))
	}})
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range []string{`{"token":"s3cret","n":1.0}`, `{ "n":1, "token":"s3cr\u0065t" }`, `not json`} {
		if err := l.Append(AuditEntry{Call: Call{Server: "db", Tool: "q", Arguments: []byte(args)}, Outcome: CallNotRun}); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	recs, err := ReadAudit(dir, AuditQuery{})
	if err != nil || len(recs) != 3 {
		t.Fatalf("ReadAudit = %d records, %v", len(recs), err)
	}
	if recs[0].ArgsSHA256 != recs[1].ArgsSHA256 || recs[0].ArgsSHA256 == recs[2].ArgsSHA256 {
		t.Errorf("digests %s %s %s: want the first two equal (same arguments) and the third different", recs[0].ArgsSHA256, recs[1].ArgsSHA256, recs[2].ArgsSHA256)
	}
	if string(recs[1].Args) != `{"n":1,"token":"[redacted]"}` || string(recs[2].Args) != `"not json"` {
		t.Errorf("args %s and %s", recs[1].Args, recs[2].Args)
	}
	b, _ := os.ReadFile(filepath.Join(dir, time.Now().Format(time.DateOnly)+".jsonl"))
	if bytes.Contains(b, []byte("s3cret")) {
		t.Error("a secret reached the audit file")
	}
}

func TestReadAuditFiltersAndTakesTheLast(t *testing.T) {
	dir := t.TempDir()
	writeAudit(t, dir, 2, 4) // tools a..d each day; b and d are github
	tests := []struct {
		q    AuditQuery
		want []uint64
	}{
		{AuditQuery{}, []uint64{1, 2, 3, 4, 5, 6, 7, 8}},
		{AuditQuery{Last: 3}, []uint64{6, 7, 8}},
		{AuditQuery{Server: "github"}, []uint64{2, 4, 6, 8}},
		{AuditQuery{Server: "github", Last: 3}, []uint64{4, 6, 8}},
		{AuditQuery{Server: "nope"}, nil},
	}
	for _, tc := range tests {
		recs, err := ReadAudit(dir, tc.q)
		if err != nil {
			t.Fatal(err)
		}
		var got []uint64
		for _, r := range recs {
			got = append(got, r.Seq)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("ReadAudit(%+v) (-want +got):\n%s", tc.q, diff)
		}
	}
	if recs, err := ReadAudit(filepath.Join(dir, "missing"), AuditQuery{}); err != nil || recs != nil {
		t.Errorf("missing dir: %v, %v", recs, err)
	}
}

func TestAuditRecordString(t *testing.T) {
	at := time.Date(2026, 11, 21, 14, 3, 7, 0, time.Local)
	tests := []struct {
		r    AuditRecord
		want string
	}{
		{AuditRecord{Time: at, Client: "Claude Desktop", Server: "github", Tool: "create_issue", Decision: Allowed, DecidedBy: ByPerson, Answer: "allow once", WaitMS: 3240, Outcome: CallOK, DurationMS: 120},
			"2026-11-21 14:03:07  Claude Desktop  github/create_issue  allowed by person (allow once) after 3.2 s  ok in 120 ms"},
		{AuditRecord{Time: at, Server: "k8s", Tool: "delete_pod", Scope: "prod-eu", Decision: Denied, DecidedBy: ByTimeout, WaitMS: 55000, Outcome: CallNotRun},
			"2026-11-21 14:03:07  unknown client  k8s/delete_pod [prod-eu]  timed out: refused by MCP Tray after 55 s  not run"},
		// What a client or server named is escaped: a carriage return cannot hide the tool.
		{AuditRecord{Time: at, Client: "Claude\x1b[2J", Server: "fs", Tool: "delete_all\r\x1b[2Kread_thing", Decision: Allowed, DecidedBy: ByRule, Outcome: CallOK},
			"2026-11-21 14:03:07  Claude\\x1b[2J  fs/delete_all\\r\\x1b[2Kread_thing  allowed by rule  ok"},
		{AuditRecord{Time: at, Client: "Cursor", Server: "fs", Tool: "read", Decision: Allowed, DecidedBy: ByRule, Outcome: CallToolError, DurationMS: 0.42},
			"2026-11-21 14:03:07  Cursor  fs/read  allowed by rule  tool error in 0.4 ms"},
	}
	for _, tc := range tests {
		if got := tc.r.String(); got != tc.want {
			t.Errorf("String() =\n%q\nwant\n%q", got, tc.want)
		}
	}
}

func TestAuditAppendBatchChains(t *testing.T) {
	dir := t.TempDir()
	l, err := OpenAudit(dir, AuditOptions{})
	if err != nil {
		t.Fatal(err)
	}
	one := AuditEntry{Call: Call{Client: "c", Server: "s", Tool: "t", Arguments: []byte(`{"a":1}`)}, Decision: Decision{Outcome: Allowed, DecidedBy: ByRule}, Outcome: CallOK}
	if err := l.Append(one); err != nil {
		t.Fatal(err)
	}
	if err := l.AppendBatch([]AuditEntry{one, one, one}); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	rep, err := Verify(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK || rep.Lines != 4 {
		t.Errorf("after a single append and a batch of three: %+v, want 4 records in an unbroken chain", rep)
	}
}
