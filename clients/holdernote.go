package clients

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mcptray/mcptray/internal/atomicfile"
)

// What MCP Tray's first entry in a file did to the servers' holder ("mcpServers": {…} in
// JSON, extensions: in Goose's YAML) is kept in the file's backup folder (HOLDER-NOTE.txt), so
// that taking its last entry out undoes it and gives back the person's bytes:
//
//   - the file had no holder, and MCP Tray added it: the holder goes again, and a file that
//     held no value at all (only white space, or only comments) gets exactly that back;
//   - the holder was there but empty, written with white space between its braces ({ }), as
//     a bare YAML key (extensions:), or as a YAML {} or [] with other white space around it
//     than one space before (extensions:\t{}): it is written that way again, not as {} .
//
// The note holds only while the holder holds an entry of MCP Tray's; an edit that takes MCP
// Tray's last entry out and puts another in (a change of servers) keeps it, as the empty
// holder that edit passes through is MCP Tray's doing, not the person's. A holder found without
// one, or not found at all, is the person's from then on (they emptied it, or took it out and
// wrote their own), and the note goes; without a note an emptied holder stays as {}, as a
// holder the person made does. So an edit the person makes in between stays, and a holder
// they or their client made is never taken away. A file MCP Tray created gets no note: it
// stays as MCP Tray writes a new one.

const holderNoteName = "HOLDER-NOTE.txt"

// holderNote is what MCP Tray's first entry did to a file's servers' holder.
type holderNote struct {
	// made: MCP Tray added the holder.
	made bool
	// valueless: the file held no value before (only white space or comments); sum is then
	// the SHA-256 of what it held, and blank that content itself when it was only white space
	// (and maybe a byte order mark), which, unlike a comment, cannot hold a credential the
	// backup folder must not keep.
	valueless bool
	sum       [sha256.Size]byte
	blank     []byte
	// filled: the holder was there, empty; bare: it was a YAML key with no value.
	filled, bare bool
	// innerSum is the hash of what was between the braces of the holder (filled) or of the
	// file (made) when they held no member (nil: not known), and inner that content itself
	// when it was only white space.
	innerSum *[sha256.Size]byte
	inner    []byte
	// flow is the white space around a YAML holder that was an empty {} or [] on its key's
	// line (filled); nil when not known, as in a note an older MCP Tray kept.
	flow *flowSpace
}

// flowSpace is the white space around an empty {} or [] on its YAML key's line: before it
// (after the key's colon), and after it up to a comment or the end of the line. Only spaces
// and tabs: nothing a credential could be in.
type flowSpace struct {
	before, after []byte
	comment       bool // a comment followed the white space after it (`key: {}# mine` stays so)
}

// holderDoc is a document with a servers' holder MCP Tray may add or fill: a JSON or YAML
// file. (A Codex table needs no holder.)
type holderDoc interface {
	// holderNote says what the edits did to the servers' holder that taking MCP Tray's last
	// entry out must undo (made or filled); nil when neither.
	holderNote() *holderNote
	// undoHolder undoes what n says, now that the holder is empty again: takes it out, or
	// writes it as it was. false when it does not apply (the holder holds a comment, say).
	undoHolder(n *holderNote) bool
	// valueless reports whether the file as read held no value: only white space or comments.
	valueless() bool
	// asRead lists what the file may have held before MCP Tray added the holder, for a
	// document whose holder was just taken out and that holds nothing else (asRead may add
	// to the document's own bytes, which are tried too).
	asRead() [][]byte
}

// holdsOurs reports whether the document's servers' holder holds an entry of MCP Tray's.
func holdsOurs(doc document) bool {
	for _, s := range doc.servers() {
		if s.Ours {
			return true
		}
	}
	return false
}

// nextNote is the note to keep after an edit of src (existed false: a missing file): a new
// one when the edit added or filled the holder, the old one while the holder holds an entry
// of ours, none otherwise.
func nextNote(doc document, src []byte, existed, wasValueless bool, old *holderNote) *holderNote {
	hd, ok := doc.(holderDoc)
	if !ok || !holdsOurs(doc) {
		return nil
	}
	n := hd.holderNote()
	switch {
	case n == nil:
		return old
	case n.made && !existed:
		return nil // MCP Tray made the whole file, which stays as MCP Tray writes a new one
	case n.made && wasValueless:
		n.valueless, n.sum = true, sha256.Sum256(src)
		if len(bytes.TrimSpace(bytes.TrimPrefix(src, utf8BOM))) == 0 {
			n.blank = append([]byte{}, src...)
		}
	}
	return n
}

// undo undoes what note says about the servers' holder, now that the edit left it empty. It
// returns the content that replaces the document's own rendering: what the file held before
// MCP Tray added the holder, when the file held no value and nothing was added since; nil
// otherwise.
func undo(f format, doc document, note *holderNote) []byte {
	hd, ok := doc.(holderDoc)
	if !ok || note == nil || !hd.undoHolder(note) || !note.valueless {
		return nil
	}
	now := doc.bytes()
	candidates := append(hd.asRead(), now)
	if note.blank != nil {
		candidates = append(candidates, note.blank)
	}
	for _, c := range candidates {
		if sha256.Sum256(c) == note.sum && bytes.Equal(emptied(f, c), now) {
			return c
		}
	}
	return nil
}

// emptied is what src turns into when MCP Tray adds an entry (and with it the holder) and
// takes it out again: what undo compares with, to know nothing else was added.
func emptied(f format, src []byte) []byte {
	doc, err := f.parse(src)
	if err != nil {
		return nil
	}
	hd, ok := doc.(holderDoc)
	if !ok {
		return nil
	}
	e := NewEntry(filepath.Join(string(filepath.Separator), "mcptray"), "x")
	if _, err := reconcile(doc, []Entry{e}); err != nil {
		return nil
	}
	n := hd.holderNote()
	if _, err := reconcile(doc, nil); err != nil || n == nil || !hd.undoHolder(n) {
		return nil
	}
	return doc.bytes()
}

func (b BackupDir) holderNotePath(clientID, path string) string {
	return filepath.Join(b.dirFor(clientID, path), holderNoteName)
}

// readHolderNote returns the note kept for the client file at path, or nil. A note that
// cannot be read counts as none: the holder then stays as it is, as without a note.
func (b BackupDir) readHolderNote(clientID, path string) *holderNote {
	text, err := os.ReadFile(b.holderNotePath(clientID, path))
	if err != nil {
		return nil
	}
	n := &holderNote{}
	sc := bufio.NewScanner(bytes.NewReader(text))
	sc.Buffer(nil, len(text)+1)
	for sc.Scan() {
		key, value, _ := strings.Cut(sc.Text(), ": ")
		var err error
		switch key {
		case "added":
			n.made = true
		case "sha256 before":
			var sum []byte
			if sum, err = hex.DecodeString(value); err == nil && len(sum) == sha256.Size {
				n.valueless = true
				copy(n.sum[:], sum)
			}
		case "before":
			n.blank, err = unquoteSpace(value)
		case "empty":
			n.filled = true
		case "between the braces":
			n.inner, err = unquoteSpace(value)
		case "sha256 between the braces":
			var sum []byte
			if sum, err = hex.DecodeString(value); err == nil && len(sum) == sha256.Size {
				n.innerSum = (*[sha256.Size]byte)(sum)
			}
		case "empty as a bare key":
			n.filled, n.bare = true, true
		case "white space before the empty value":
			n.flowSpace().before, err = unquoteSpace(value)
		case "white space after the empty value":
			n.flowSpace().after, err = unquoteSpace(value)
		case "a comment after the empty value":
			n.flowSpace().comment = value == "yes"
		}
		if err != nil {
			return nil
		}
	}
	if n.made == n.filled {
		return nil
	}
	return n
}

// flowSpace is n.flow, made when missing.
func (n *holderNote) flowSpace() *flowSpace {
	if n.flow == nil {
		n.flow = &flowSpace{}
	}
	return n.flow
}

// unquoteSpace reads a quoted string that must hold only white space (after a byte order
// mark).
func unquoteSpace(quoted string) ([]byte, error) {
	s, err := strconv.Unquote(quoted)
	if err == nil && len(strings.TrimSpace(strings.TrimPrefix(s, "\ufeff"))) > 0 {
		err = errors.New("not white space")
	}
	return []byte(s), err
}

// writeHolderNote keeps n as the note for the client file at path; nil removes the note.
func (b BackupDir) writeHolderNote(clientID, path string, n *holderNote) error {
	p := b.holderNotePath(clientID, path)
	if n == nil {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	var text strings.Builder
	fmt.Fprintf(&text, "While this note is here, MCP Tray takes its last entry out of %s as it put its first one in, and gives back the servers' settings as they were:\n", path)
	switch {
	case n.made:
		text.WriteString("added: MCP Tray added them\n")
	case n.bare:
		text.WriteString("empty as a bare key: they were there, empty\n")
	default:
		text.WriteString("empty: they were there, empty\n")
	}
	if n.innerSum != nil {
		fmt.Fprintf(&text, "sha256 between the braces: %s\n", hex.EncodeToString(n.innerSum[:]))
	}
	if n.inner != nil {
		fmt.Fprintf(&text, "between the braces: %s\n", strconv.Quote(string(n.inner)))
	}
	if n.flow != nil {
		fmt.Fprintf(&text, "white space before the empty value: %s\n", strconv.Quote(string(n.flow.before)))
		fmt.Fprintf(&text, "white space after the empty value: %s\n", strconv.Quote(string(n.flow.after)))
		if n.flow.comment {
			text.WriteString("a comment after the empty value: yes\n")
		}
	}
	if n.valueless {
		fmt.Fprintf(&text, "sha256 before: %s\n", hex.EncodeToString(n.sum[:]))
	}
	if n.blank != nil {
		fmt.Fprintf(&text, "before: %s\n", strconv.Quote(string(n.blank)))
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return err
	}
	return atomicfile.WriteFile(p, []byte(text.String()), 0o600)
}

// sameNote reports whether a and b say the same (both nil included).
func sameNote(a, b *holderNote) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.made == b.made && a.valueless == b.valueless && a.sum == b.sum && bytes.Equal(a.blank, b.blank) &&
		a.filled == b.filled && a.bare == b.bare && bytes.Equal(a.inner, b.inner) &&
		(a.innerSum == nil) == (b.innerSum == nil) && (a.innerSum == nil || *a.innerSum == *b.innerSum) &&
		a.flow.same(b.flow)
}

// same reports whether s and o note the same white space (both nil, or equal).
func (s *flowSpace) same(o *flowSpace) bool {
	if s == nil || o == nil {
		return s == o
	}
	return bytes.Equal(s.before, o.before) && bytes.Equal(s.after, o.after) && s.comment == o.comment
}
