package clients

import (
	"bytes"
	"crypto/sha256"

	"github.com/tailscale/hujson"
)

// The servers' holder of a JSON file, as holdernote.go sees it. Only a holder that is a
// top-level member is ever taken out or written back (every client's but opencode's v2
// layout, which MCP Tray uses only when the file already has it).

func (d *jsonDoc) holderNote() *holderNote {
	var n *holderNote
	switch {
	case d.made:
		n = &holderNote{made: true}
	case d.filled:
		n = &holderNote{filled: true}
	default:
		return nil
	}
	if d.inner != nil {
		// White space is kept as it is; a comment, which could hold a credential, only by
		// its hash (restoreInner finds it again in the file).
		sum := sha256.Sum256(d.inner)
		n.innerSum = &sum
		if !hasComment(d.inner) {
			n.inner = d.inner
		}
	}
	return n
}

// restoreInner gives the emptied object obj back what was between its braces before MCP
// Tray put a member in (n.inner, or the content whose hash n keeps): add kept a comment there
// and moved the } to a line of its own, dropping the spaces after the comment.
func restoreInner(obj *hujson.Object, n *holderNote) {
	switch {
	case n.innerSum == nil:
	case n.inner != nil:
		obj.AfterExtra = append([]byte{}, n.inner...)
	case sha256.Sum256(obj.AfterExtra) == *n.innerSum:
	default:
		head := obj.AfterExtra
		if i := lastNewline(head); i >= 0 {
			head = head[:i]
		}
		for _, tail := range []string{"", " ", "  ", "\t"} {
			if c := concat(head, []byte(tail)); sha256.Sum256(c) == *n.innerSum {
				obj.AfterExtra = c
				return
			}
		}
	}
}

func (d *jsonDoc) valueless() bool { return d.empty }

// noteFill notes, before add puts the first entry into the existing servers' object c, how
// that object was written when empty: white space between its braces (a comment there
// already stays where it is). An object remove emptied in the same edit (a change of
// servers) is not noted: the note of how it was before MCP Tray's first entry stays.
func (d *jsonDoc) noteFill(c *hujson.Value) {
	obj := c.Value.(*hujson.Object)
	if d.made || d.filled || d.cleared || len(d.path) != 1 || len(obj.Members) > 0 {
		return
	}
	if _, made := d.created[obj]; !made {
		d.filled, d.inner = true, append([]byte{}, obj.AfterExtra...)
	}
}

func (d *jsonDoc) undoHolder(n *holderNote) bool {
	if len(d.path) != 1 {
		return false
	}
	obj := d.root.Value.(*hujson.Object)
	at := -1
	for i := range obj.Members {
		if lit, ok := obj.Members[i].Name.Value.(hujson.Literal); ok && lit.String() == d.path[0] {
			if at >= 0 {
				return false // named twice: not MCP Tray's doing
			}
			at = i
		}
	}
	if at < 0 {
		return false
	}
	m := &obj.Members[at]
	h, ok := m.Value.Value.(*hujson.Object)
	if !ok || len(h.Members) > 0 {
		return false
	}
	if n.filled {
		restoreInner(h, n)
		return true
	}
	if hasComment(h.AfterExtra) {
		return false // a comment the person wrote into the holder MCP Tray added keeps it
	}
	if hasComment(m.Name.AfterExtra) || hasComment(m.Value.BeforeExtra) || hasComment(m.Value.AfterExtra) {
		return false
	}
	if sp := d.spans; sp != nil {
		// What changes now runs from the end of the value before the holder (or the '{') to
		// the end of the file: verifySpans checks that part by meaning.
		sp.from, sp.to, sp.present, sp.afterValue = d.root.StartOffset+1, len(d.src), false, at > 0
		if at > 0 {
			sp.from = obj.Members[at-1].Value.EndOffset
		}
	}
	removeMember(obj, at)
	if len(obj.Members) == 0 {
		restoreInner(obj, n)
	}
	return true
}

// asRead is, for a file that held only comments, what it held: the comments before the
// emptied root object, with the new line parseJSON put after them or without it.
func (d *jsonDoc) asRead() [][]byte {
	obj, ok := d.root.Value.(*hujson.Object)
	if !ok || len(obj.Members) > 0 || hasComment(obj.AfterExtra) || hasComment(d.root.AfterExtra) {
		return nil
	}
	before := append([]byte{}, d.root.BeforeExtra...)
	if d.bom {
		before = append(append([]byte{}, utf8BOM...), before...)
	}
	return [][]byte{before, bytes.TrimSuffix(before, []byte("\n"))}
}
