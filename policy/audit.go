package policy

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mcptray/mcptray/internal/atomicfile"
)

// The audit log is a directory of daily files, YYYY-MM-DD.jsonl (local date), one JSON line
// (an AuditRecord) per call. Every line carries in "prev" the SHA-256 of the line before it
// (its bytes without the newline); the first line of a day chains from the last line of the
// previous file, and the very first line from AuditGenesis. Every line also carries "seq",
// counting from 1 across files. A sidecar file, head.json, names the last sealed line and
// its hash, and carries a seal: an HMAC-SHA256 of all that under a random key that only the
// keychain holds (see AuditKey), so that the end of the log cannot be moved without the key.
//
// Durability: each line is one write(2) on a file opened with O_APPEND, so a crash of MCP
// Tray loses nothing already appended. The file is fsynced, and head.json rewritten
// atomically, at most once per AuditOptions.SyncEvery (1 s by default, always within that
// time of an append, and on Close): a power cut can lose the last second of lines, and those
// lines are then past the head mark, which Verify reports without calling it tampering.
// Through an AuditWriter (the daemon's), a call's line reaches the file about 20 ms after
// the call ended while calls keep coming (auditLinger), and at most 250 ms after at the end
// of a burst (auditTail), so a crash of MCP Tray can also lose those last lines; readers ask
// the daemon to flush first (audit.flush), so they see every call that ended before they
// asked.
//
// What Verify detects: a line edited, inserted, removed or moved anywhere before the head
// mark; lines or whole files deleted from the start, the middle or the end; head.json
// removed; and, with the key, head.json rewritten to match a log cut short or re-chained
// after an edit. What it cannot detect: a change to lines written after the last seal (at
// most the last second before a crash); a program that reads the key from the keychain (on
// Linux any program of the person's session can ask the Secret Service for it); and an
// older head.json, saved earlier, put back together with the log cut back to it (Verify
// says when the head was sealed). Without the key (no keychain) only the chain is checked.

// AuditGenesis is the "prev" of the first line ever written to an audit directory.
const AuditGenesis = "0000000000000000000000000000000000000000000000000000000000000000"

const auditHeadFile = "head.json"

// CallOutcome is what became of a call after its decision.
type CallOutcome string

// The outcomes of a call.
const (
	CallOK        CallOutcome = "ok"         // the server returned a result
	CallToolError CallOutcome = "tool_error" // the server returned a result with isError
	CallFailed    CallOutcome = "failed"     // a JSON-RPC error, or the server went away
	CallNotRun    CallOutcome = "not_run"    // denied or withdrawn: never forwarded
	CallTimedOut  CallOutcome = "timed_out"  // ran past its time limit; the server was told to cancel it
)

// AuditEntry is what the gateway hands the audit log after a call.
type AuditEntry struct {
	// Time is when the call arrived; zero means now.
	Time     time.Time
	Call     Call
	Decision Decision
	// Duration is how long the server took to answer; 0 for a call that did not run.
	Duration time.Duration
	Outcome  CallOutcome
	// Note is a plain sentence about the call beside its decision: "timed out after 2 s",
	// what a data-loss check found (never the value). Written as it is: it must hold no secret.
	Note string
}

// AuditRecord is one line of the audit log. Its JSON form is stable.
type AuditRecord struct {
	Seq        uint64      `json:"seq"`
	Time       time.Time   `json:"time"`
	Client     string      `json:"client,omitempty"`
	Session    string      `json:"session,omitempty"`
	Server     string      `json:"server"`
	Host       string      `json:"host,omitempty"` // a remote server's host; "" for a local one
	Tool       string      `json:"tool"`
	Scope      string      `json:"scope,omitempty"`
	Decision   Outcome     `json:"decision"`
	DecidedBy  DecidedBy   `json:"decided_by"`
	Answer     string      `json:"answer,omitempty"`
	Reason     string      `json:"reason,omitempty"`
	WaitMS     float64     `json:"wait_ms"`
	DurationMS float64     `json:"duration_ms"`
	Outcome    CallOutcome `json:"outcome"`
	Note       string      `json:"note,omitempty"`
	// ArgsSHA256 is the SHA-256 of the canonical JSON of the arguments (of the raw bytes if
	// they are not JSON), so a call can be matched without keeping its arguments.
	ArgsSHA256 string `json:"args_sha256"`
	// Args are the redacted arguments, present only when AuditOptions.IncludeArguments is set.
	Args json.RawMessage `json:"args,omitempty"`
	Prev string          `json:"prev"`
}

// auditHead is head.json: the last sealed line, when it was sealed, and the seal (MAC),
// empty when no key was known.
type auditHead struct {
	File string    `json:"file"`
	Line int       `json:"line"`
	Seq  uint64    `json:"seq"`
	Hash string    `json:"hash"`
	Time time.Time `json:"time,omitzero"`
	MAC  string    `json:"mac,omitempty"`
}

// mac is the seal of h under key: HMAC-SHA256 over every field but MAC, hex.
func (h auditHead) mac(key []byte) string {
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "mcptray audit head 1\x00%s\x00%d\x00%d\x00%s\x00%s", h.File, h.Line, h.Seq, h.Hash, h.Time.UTC().Format(time.RFC3339Nano))
	return hex.EncodeToString(m.Sum(nil))
}

// sealedBy reports whether h carries a valid seal under key.
func (h auditHead) sealedBy(key []byte) bool {
	got, err := hex.DecodeString(h.MAC)
	want, _ := hex.DecodeString(h.mac(key))
	return err == nil && hmac.Equal(got, want)
}

// AuditOptions configure an AuditLog. The zero value works.
type AuditOptions struct {
	// IncludeArguments writes each call's arguments, passed through Redact, into its line.
	IncludeArguments bool
	// Redact removes secret values from arguments; see BrokerOptions.Redact.
	Redact func([]byte) []byte
	// SyncEvery bounds how long an appended line may wait for fsync and the head mark; 0
	// means one second; a negative value syncs on every append.
	SyncEvery time.Duration
	// Now gives the time for lines and file names; nil means time.Now.
	Now func() time.Time
	// Key seals head.json (see AuditKey); nil leaves it unsealed until SetKey gives one. A
	// head that is sealed already is then not rewritten at all: a seal is never replaced by
	// no seal.
	Key []byte
	// Forward, when set, is given every line once it is in the file, in order: the line as
	// written (without its newline; valid only during the call) and its hash, which the next
	// line carries as "prev". It is called with the log's lock held: it must not block (queue
	// the line and send it elsewhere).
	Forward func(line []byte, hash string)
}

// AuditLog appends records to the audit directory. It is safe for concurrent use; one
// process (the daemon) should own a directory.
type AuditLog struct {
	dir  string
	opts AuditOptions

	mu       sync.Mutex
	f        *os.File
	day      string // current file is day + ".jsonl"
	line     int    // lines in the current file
	seq      uint64
	prev     string // hash of the last line
	unsealed bool   // lines appended since the last seal
	lastSeal time.Time
	timer    *time.Timer
	sealer   bool // an AuditWriter seals the log (sealIfDue), and no timer is set here
	closed   bool
	key      []byte
	// headSealed says head.json on disk carries a seal.
	headSealed bool
	buf        []byte // the last batch's lines, reused by the next (up to auditBufKeep)
}

// auditBufKeep is the largest batch buffer kept for the next batch.
const auditBufKeep = 256 << 10

// OpenAudit opens the audit directory (creating it 0700), finds the end of the chain, and
// returns a log ready to append.
func OpenAudit(dir string, o AuditOptions) (*AuditLog, error) {
	if o.SyncEvery == 0 {
		o.SyncEvery = time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("opening the audit log: %w", err)
	}
	l := &AuditLog{dir: dir, opts: o, prev: AuditGenesis, key: slices.Clone(o.Key)}
	if b, err := os.ReadFile(filepath.Join(dir, auditHeadFile)); err == nil {
		var h auditHead
		l.headSealed = json.Unmarshal(b, &h) == nil && h.MAC != ""
	}
	files, err := auditFiles(dir)
	if err != nil {
		return nil, err
	}
	// The chain continues from the last complete line, in the newest file that has one. The
	// files are read as a stream: a day's file can grow to hundreds of megabytes, and only its
	// line count and last line matter here.
	for i := len(files) - 1; i >= 0; i-- {
		lines, last, cut, err := scanAuditFile(filepath.Join(dir, files[i]))
		if err != nil {
			return nil, fmt.Errorf("opening the audit log: %w", err)
		}
		if i == len(files)-1 {
			l.day = strings.TrimSuffix(files[i], ".jsonl")
			l.line = lines
			if cut {
				// A line cut short by a crash: end it so the next line starts clean. Verify
				// reports it as damaged, which it is.
				if err := l.openFile(); err != nil {
					return nil, err
				}
				if _, err := l.f.Write([]byte{'\n'}); err != nil {
					return nil, fmt.Errorf("opening the audit log: %w", err)
				}
				l.line++
			}
		}
		if lines == 0 {
			continue
		}
		// A damaged last line still anchors the chain (Verify reports it); auditing goes on.
		var r AuditRecord
		_ = json.Unmarshal(last, &r)
		l.seq, l.prev = r.Seq, lineHash(last)
		break
	}
	return l, nil
}

func (l *AuditLog) openFile() error {
	f, err := os.OpenFile(filepath.Join(l.dir, l.day+".jsonl"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("opening the audit log: %w", err)
	}
	l.f = f
	return nil
}

// Append writes one record. It returns once the line is in the file (not necessarily on
// disk; see the package notes on durability).
func (l *AuditLog) Append(e AuditEntry) error { return l.AppendBatch([]AuditEntry{e}) }

// AppendBatch writes records in order with one write to the file, which is how a busy
// writer keeps up: it returns once every line is in the file, or with the first error, in
// which case none of the lines of the batch were written.
func (l *AuditLog) AppendBatch(entries []AuditEntry) error {
	now := l.opts.Now()
	recs := make([]AuditRecord, len(entries))
	for i, e := range entries {
		recs[i] = l.record(e, now)
	}

	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return fmt.Errorf("writing the audit log: it is closed")
	}
	if day := now.Local().Format(time.DateOnly); l.f == nil || day > l.day {
		if err := l.rollLocked(max(day, l.day)); err != nil {
			return err
		}
	}
	seq, prev := l.seq, l.prev
	buf := l.buf[:0]
	defer func() {
		if cap(buf) <= auditBufKeep {
			l.buf = buf[:0] // the next batch spells its lines into the same memory
		}
	}()
	var ends []int // where each line ends in buf, for Forward
	for i := range recs {
		recs[i].Seq, recs[i].Prev = seq+1, prev
		start := len(buf)
		var err error
		if buf, err = appendRecord(buf, &recs[i]); err != nil {
			return fmt.Errorf("writing the audit log: %w", err)
		}
		line := buf[start:]
		buf = append(buf, '\n')
		seq, prev = recs[i].Seq, lineHash(line)
		if l.opts.Forward != nil {
			ends = append(ends, len(buf)-1)
		}
	}
	if _, err := l.f.Write(buf); err != nil {
		return fmt.Errorf("writing the audit log: %w", err)
	}
	if l.opts.Forward != nil {
		start := 0
		for i, end := range ends {
			hash := prev
			if i+1 < len(recs) {
				hash = recs[i+1].Prev
			}
			l.opts.Forward(buf[start:end], hash)
			start = end + 1
		}
	}
	l.seq, l.prev, l.line, l.unsealed = seq, prev, l.line+len(recs), true
	switch wait := l.opts.SyncEvery - now.Sub(l.lastSeal); {
	case wait <= 0:
		return l.sealLocked()
	case l.timer == nil && !l.sealer:
		l.timer = time.AfterFunc(wait, l.sealLater)
	}
	return nil
}

// sealBy says whether an AuditWriter seals the log from now on: it then asks sealWait when
// to, and calls sealIfDue, and no timer of the log's own is set. Lines appended before are
// sealed on time either way.
func (l *AuditLog) sealBy(writer bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sealer = writer
	if !writer && l.unsealed && l.timer == nil && !l.closed {
		l.timer = time.AfterFunc(max(l.opts.SyncEvery-l.opts.Now().Sub(l.lastSeal), 0), l.sealLater)
	}
}

// sealWait is how long the lines appended since the last seal may wait for the next; ok is
// false when there are none.
func (l *AuditLog) sealWait() (wait time.Duration, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.unsealed || l.closed {
		return 0, false
	}
	return l.opts.SyncEvery - l.opts.Now().Sub(l.lastSeal), true
}

// sealIfDue seals the log when lines have waited SyncEvery for it.
func (l *AuditLog) sealIfDue() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed || !l.unsealed || l.opts.Now().Sub(l.lastSeal) < l.opts.SyncEvery {
		return nil
	}
	return l.sealLocked()
}

// record is the line an entry becomes, before its place in the chain is known.
func (l *AuditLog) record(e AuditEntry, now time.Time) AuditRecord {
	if e.Time.IsZero() {
		e.Time = now
	}
	c := e.Call
	args := c.Arguments
	if len(args) == 0 {
		args = []byte("{}")
	}
	digestOf := args
	if canon, err := Canonicalize(args); err == nil {
		digestOf = canon
	}
	rec := AuditRecord{
		Time: e.Time.UTC(), Client: c.Client, Session: c.Session, Server: c.Server, Host: c.Host, Tool: displayText(c.Tool, l.opts.Redact),
		Scope: c.Scope, Decision: e.Decision.Outcome, DecidedBy: e.Decision.DecidedBy,
		Reason: e.Decision.Reason, WaitMS: millis(e.Decision.Waited), DurationMS: millis(e.Duration),
		Outcome: e.Outcome, Note: e.Note, ArgsSHA256: lineHash(digestOf),
	}
	if e.Decision.Answer != 0 {
		rec.Answer = e.Decision.Answer.String()
	}
	if l.opts.IncludeArguments {
		rec.Args = displayArguments(c.Arguments, l.opts.Redact)
	}
	return rec
}

// rollLocked moves to day's file, sealing the one before.
func (l *AuditLog) rollLocked(day string) error {
	if l.f != nil {
		if err := l.sealLocked(); err != nil {
			return err
		}
		if day != l.day {
			l.f.Close()
			l.f, l.line = nil, 0
		}
	}
	if day != l.day {
		l.day, l.line = day, 0
		// The days before are closed: sign them (a failure shows as unsigned files in Verify).
		_ = l.signClosedLocked()
	}
	if l.f == nil {
		return l.openFile()
	}
	return nil
}

func (l *AuditLog) sealLater() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.timer = nil
	if !l.closed {
		_ = l.sealLocked() // a failure here shows up as unsealed lines in Verify
	}
}

// sealLocked fsyncs the current file and records its last line in head.json, sealed when the
// key is known. Without the key, a head sealed before is left as it is: the lines after it
// then show as unsealed in Verify until the key comes.
func (l *AuditLog) sealLocked() error {
	if !l.unsealed {
		return nil
	}
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("syncing the audit log: %w", err)
	}
	if l.key != nil || !l.headSealed {
		if err := l.writeHeadLocked(); err != nil {
			return err
		}
	}
	l.unsealed, l.lastSeal = false, l.opts.Now()
	return nil
}

// writeHeadLocked writes head.json for the last line written.
func (l *AuditLog) writeHeadLocked() error {
	h := auditHead{File: l.day + ".jsonl", Line: l.line, Seq: l.seq, Hash: l.prev, Time: l.opts.Now().UTC()}
	if l.key != nil {
		h.MAC = h.mac(l.key)
	}
	b, _ := json.Marshal(h)
	if err := atomicfile.WriteFile(filepath.Join(l.dir, auditHeadFile), append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("sealing the audit log: %w", err)
	}
	l.headSealed = h.MAC != ""
	return nil
}

// SetKey gives the log the key that seals head.json, for when the keychain answers after the
// log was opened. The end of the log is sealed at once, so a log whose head was not sealed
// yet (written before MCP Tray sealed heads, or while the keychain could not be read) is
// sealed from now on. Safe for concurrent use; a closed log ignores it.
func (l *AuditLog) SetKey(key []byte) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed || len(key) == 0 {
		return nil
	}
	l.key = slices.Clone(key)
	_ = l.signClosedLocked() // days closed while the key was not known
	switch {
	case l.f != nil:
		l.unsealed = true
		return l.sealLocked()
	case l.line > 0: // lines from an earlier run, nothing appended yet: already on disk
		return l.writeHeadLocked()
	}
	return nil
}

// Close seals and closes the log. It is idempotent; Append fails after it.
func (l *AuditLog) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	if l.timer != nil {
		l.timer.Stop()
	}
	if l.f == nil {
		return nil
	}
	err := l.sealLocked()
	if cerr := l.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("closing the audit log: %w", cerr)
	}
	return err
}

func lineHash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func millis(d time.Duration) float64 { return math.Round(float64(d)/1e3) / 1e3 }

// auditFiles lists the daily files of dir in chain order.
func auditFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading the audit log: %w", err)
	}
	var out []string
	for _, e := range entries {
		name := e.Name()
		if _, err := time.Parse(time.DateOnly+".jsonl", name); err == nil && e.Type().IsRegular() {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out, nil
}

// scanAuditFile reads the audit file at path as a stream and returns how many complete lines
// it has, the last of them (without its newline), and whether the file
// ends in a line cut short (no final newline). It holds one line at a time, never the file.
func scanAuditFile(path string) (lines int, last []byte, cut bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, nil, false, err
	}
	defer f.Close()
	buf := make([]byte, 256<<10)
	var cur []byte // the line being read
	for {
		n, err := f.Read(buf)
		chunk := buf[:n]
		for len(chunk) > 0 {
			i := bytes.IndexByte(chunk, '\n')
			if i < 0 {
				cur = append(cur, chunk...)
				break
			}
			lines++
			last = append(append(last[:0], cur...), chunk[:i]...)
			cur, chunk = cur[:0], chunk[i+1:]
		}
		if err == io.EOF {
			return lines, last, len(cur) > 0, nil
		}
		if err != nil {
			return 0, nil, false, err
		}
	}
}
