package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/mcptray/mcptray/keychain"
)

// AuditReport is the result of Verify.
type AuditReport struct {
	// OK is true when no sign of tampering or damage was found.
	OK bool `json:"ok"`
	// Files and Lines count what was checked.
	Files int `json:"files"`
	Lines int `json:"lines"`
	// Problem is one plain sentence naming the first broken line; "" when OK.
	Problem string `json:"problem,omitempty"`
	// File and Line locate it (Line counts from 1; 0 when the problem is not one line).
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	// Unsealed counts the lines after the head mark: written just before a crash or power
	// cut, checked by the chain but not protected against deletion.
	Unsealed int `json:"unsealed"`
	// EndChecked says the head mark's seal was checked with the key from the keychain, so
	// records deleted from the end, or a log re-chained after an edit, would have shown.
	EndChecked bool `json:"end_checked"`
	// SealedAt is when the head mark was last sealed; zero when it is not sealed.
	SealedAt time.Time `json:"sealed_at,omitzero"`
	// Note is a plain sentence about what could not be checked, for an OK report: the head
	// is not sealed yet, or the keychain could not be read.
	Note string `json:"note,omitempty"`
	// Signed counts the daily files whose signature was checked (see auditsign.go).
	Signed int `json:"signed"`
}

// VerifyOptions give Verify the key that seals the head mark.
type VerifyOptions struct {
	// Key is the audit log's key from the keychain (see AuditKey); nil when none was read.
	Key []byte
	// KeyErr says why Key is nil: an error wrapping keychain.ErrNotFound when the keychain
	// holds no key for this log, any other error when the keychain could not be read.
	KeyErr error
}

// The notes of an OK report whose end could not be checked.
const (
	noteNotSealed  = "The head mark (head.json) is not sealed yet, so lines deleted from the end could not be noticed; MCP Tray seals it the next time it writes the log."
	noteNoKeychain = "MCP Tray could not read its key from the keychain, so it could only check the chain, not its end: lines deleted from the end, or a log rewritten after an edit, would not show."
)

// Verify is VerifyWith without the key: it checks the chain and the head mark, not the seal.
func Verify(dir string) (AuditReport, error) {
	return VerifyWith(dir, VerifyOptions{KeyErr: errors.New("no key given")})
}

// VerifyWith checks the hash chain of the audit log in dir across all its daily files, the
// head mark and its seal, and reports the first problem. The error is for a log that cannot
// be read at all; tampering is reported in the AuditReport, never as an error.
//
// The seal: with the key, a head mark not sealed by it is a problem (it was rewritten); so is
// an unsealed head mark, since MCP Tray seals the head as soon as it has a key. When the
// keychain holds no key, a sealed head is a problem (the key was deleted) and an unsealed
// one is a log not sealed yet (a note). When the keychain cannot be read, the chain alone is
// checked (a note).
func VerifyWith(dir string, o VerifyOptions) (AuditReport, error) {
	files, err := auditFiles(dir)
	if err != nil {
		return AuditReport{}, err
	}
	var head *auditHead
	switch b, err := os.ReadFile(filepath.Join(dir, auditHeadFile)); {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return AuditReport{}, fmt.Errorf("reading the audit log's head mark: %w", err)
	default:
		head = new(auditHead)
		if json.Unmarshal(b, head) != nil {
			return AuditReport{Files: len(files), Problem: "The head mark (head.json) of the audit log is damaged, so its end cannot be checked.", File: auditHeadFile}, nil
		}
	}

	rep := AuditReport{Files: len(files)}
	fail := func(file string, line int, format string, args ...any) (AuditReport, error) {
		rep.File, rep.Line, rep.Problem = file, line, fmt.Sprintf(format, args...)
		return rep, nil
	}
	signed, file, problem, err := checkSignatures(dir, files, o.Key)
	if err != nil {
		return AuditReport{}, err
	}
	rep.Signed = signed
	if problem != "" {
		return fail(file, 0, "%s", problem)
	}
	if head != nil {
		keyAbsent := o.Key == nil && errors.Is(o.KeyErr, keychain.ErrNotFound)
		switch {
		case o.Key != nil && head.MAC == "":
			return fail(auditHeadFile, 0, "The head mark (head.json) of the audit log is not sealed, though MCP Tray seals it: it was rewritten, so records may have been deleted from the end or the log rewritten.")
		case o.Key != nil && !head.sealedBy(o.Key):
			return fail(auditHeadFile, 0, "The head mark (head.json) of the audit log was not sealed by MCP Tray: records were deleted from the end of the log, or the log was rewritten.")
		case o.Key != nil:
			rep.EndChecked = true
		case keyAbsent && head.MAC != "":
			return fail(auditHeadFile, 0, "The audit log is sealed with a key that is not in the keychain, so its end cannot be checked: the key was deleted, or the log was moved from another place.")
		case keyAbsent:
			rep.Note = noteNotSealed
		default:
			rep.Note = noteNoKeychain
		}
		if head.MAC != "" {
			rep.SealedAt = head.Time
		}
	}
	prev, seq := AuditGenesis, uint64(0)
	prevFile, prevLine := "", 0
	sealedSeen := head == nil
	for _, name := range files {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return AuditReport{}, fmt.Errorf("reading the audit log: %w", err)
		}
		if len(b) == 0 {
			continue
		}
		lines := bytes.Split(b, []byte{'\n'})
		if len(lines[len(lines)-1]) == 0 {
			lines = lines[:len(lines)-1]
		}
		for i, line := range lines {
			n := i + 1
			var r struct {
				Seq  uint64 `json:"seq"`
				Prev string `json:"prev"`
			}
			if json.Unmarshal(line, &r) != nil || r.Prev == "" {
				return fail(name, n, "Line %d of %s is not a complete audit record: it was edited, or cut short by a crash.", n, name)
			}
			switch {
			case r.Seq > seq+1 && seq == 0 && r.Prev != AuditGenesis:
				before := "the record before it was"
				if r.Seq-1 > 1 {
					before = fmt.Sprintf("the %d records before it were", r.Seq-1)
				}
				return fail(name, n, "Line %d of %s does not start the log: %s deleted.", n, name, before)
			case r.Seq > seq+1:
				return fail(name, n, "Line %d of %s is record %d where record %d should be: records before it were deleted or moved.", n, name, r.Seq, seq+1)
			case r.Seq <= seq:
				return fail(name, n, "Line %d of %s is record %d, which came earlier: records were moved or copied.", n, name, r.Seq)
			case r.Prev != prev && prevFile == "":
				return fail(name, n, "Line %d of %s does not start the log: earlier records were deleted.", n, name)
			case r.Prev != prev:
				return fail(prevFile, prevLine, "Line %d of %s was changed after it was written: the record after it no longer matches it.", prevLine, prevFile)
			}
			prev, seq = lineHash(line), r.Seq
			prevFile, prevLine = name, n
			rep.Lines++
			if sealedSeen {
				rep.Unsealed++
			}
			if head != nil && r.Seq == head.Seq {
				if prev != head.Hash || name != head.File || n != head.Line {
					return fail(name, n, "Line %d of %s was changed after it was written: it no longer matches the head mark.", n, name)
				}
				sealedSeen = true
			}
		}
	}
	switch {
	case head == nil && rep.Lines > 0:
		rep.Unsealed = 0
		return fail(auditHeadFile, 0, "The head mark (head.json) of the audit log is missing, so lines deleted from its end could not be noticed.")
	case head != nil && !sealedSeen:
		return fail(head.File, head.Line, "The audit log ends at record %d, but record %d was written: the last %s deleted.", seq, head.Seq, recordsWere(head.Seq-seq))
	}
	if head == nil {
		rep.Unsealed = 0
	}
	rep.OK = true
	return rep, nil
}

// recordsWere says "1 record was" or "4 records were".
func recordsWere(n uint64) string {
	if n == 1 {
		return "record was"
	}
	return fmt.Sprintf("%d records were", n)
}
