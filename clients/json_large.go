package clients

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"

	"github.com/tailscale/hujson"
)

// Strict JSON files whose servers live in one top-level object (Claude Code's ~/.claude.json,
// Claude Desktop's and Cursor's files) are read in spans: one pass of scanStrictObject checks
// the file and cuts it into top-level members; only the servers' object becomes a hujson tree,
// every other member stays a hujson.Literal holding its bytes in the file. The editors work on
// that root as on any other (they only ever touch the servers' object, or add it at the end),
// the bytes are rendered by copying the untouched spans once, and the check of the result
// compares only what changed. A 100 MB ~/.claude.json is edited in a fraction of a second
// instead of seconds and a gigabyte (docs/relay-performance.md, "Large client files").

// spanInfo is what a document read in spans needs to check its result.
type spanInfo struct {
	// from and to are the part of src the edits may change: the servers' object's value, or,
	// when the file has none yet, everything after the last top-level value (or after '{').
	from, to int
	// afterValue: from is just after a top-level member's value (a new member starts with ',').
	afterValue bool
	// present: the servers' object exists in src.
	present bool
}

// parseSpans reads d.src in spans when the format allows (see above) and the file is strict
// JSON holding an object whose servers' member, if any, is an object. false: d is untouched
// and the general parser reads the file (it also explains any problem).
func (d *jsonDoc) parseSpans() bool {
	f, src := d.f, d.src
	if !f.strict || f.shape.pickPath != nil || len(f.shape.path) != 1 {
		return false
	}
	s, ok := scanStrictObject(src)
	if !ok {
		return false
	}
	holder := f.shape.path[0]
	at := -1 // the servers' member: the last of that name, as JSON parsers read it
	for i := range s.members {
		if memberName(s.members[i].name) == holder {
			at = i
		}
	}
	var servers hujson.Value
	if at >= 0 {
		m := s.members[at]
		if src[m.valStart] != '{' {
			return false // the general parser says what is wrong
		}
		var err error
		if servers, err = hujson.Parse(src[m.valStart:m.valEnd]); err != nil {
			return false
		}
		for v := range servers.All() {
			v.StartOffset += m.valStart
			v.EndOffset += m.valStart
		}
	}
	obj := &hujson.Object{AfterExtra: s.closing, Members: make([]hujson.ObjectMember, len(s.members))}
	for i, m := range s.members {
		nameStart := m.valStart - len(m.valBefore) - 1 - len(m.nameAfter) - len(m.name)
		member := hujson.ObjectMember{
			Name: hujson.Value{BeforeExtra: m.nameBefore, Value: hujson.Literal(m.name), AfterExtra: m.nameAfter,
				StartOffset: nameStart, EndOffset: nameStart + len(m.name)},
			Value: hujson.Value{BeforeExtra: m.valBefore, Value: hujson.Literal(src[m.valStart:m.valEnd]), AfterExtra: m.valAfter,
				StartOffset: m.valStart, EndOffset: m.valEnd},
		}
		if i == at {
			member.Value.Value = servers.Value
		}
		obj.Members[i] = member
	}
	d.root = hujson.Value{BeforeExtra: s.before, Value: obj, AfterExtra: s.after, StartOffset: s.start, EndOffset: s.end}
	d.lay = s.lay
	d.spans = &spanInfo{from: s.start + 1, to: len(src)}
	switch {
	case at >= 0:
		d.spans.from, d.spans.to, d.spans.present = s.members[at].valStart, s.members[at].valEnd, true
	case len(s.members) > 0:
		d.spans.from, d.spans.afterValue = s.members[len(s.members)-1].valEnd, true
	}
	return true
}

// memberName is the name a member's literal spells.
func memberName(lit []byte) string {
	if bytes.IndexByte(lit, '\\') < 0 {
		return string(lit[1 : len(lit)-1])
	}
	return hujson.Literal(lit).String()
}

// spanParts renders a document read in spans: the untouched members' bytes are the slices of
// the file they were read from (content), never copied.
func (d *jsonDoc) spanParts() content {
	obj := d.root.Value.(*hujson.Object)
	var servers []byte
	if c := d.container(); c != nil {
		servers = c.Pack()
	}
	var b contentBuilder
	if d.bom {
		b.add(utf8BOM)
	}
	b.add(d.root.BeforeExtra)
	b.add([]byte{'{'})
	for i, m := range obj.Members {
		if i > 0 {
			b.add([]byte{','})
		}
		b.add(m.Name.BeforeExtra)
		b.add(m.Name.Value.(hujson.Literal))
		b.add(m.Name.AfterExtra)
		b.add([]byte{':'})
		if lit, ok := m.Value.Value.(hujson.Literal); ok {
			b.add(m.Value.BeforeExtra)
			b.add(lit)
			b.add(m.Value.AfterExtra)
		} else {
			b.add(servers) // the one member that is a tree: the servers' object
		}
	}
	if n := len(obj.Members); n > 0 && obj.Members[n-1].Value.AfterExtra != nil {
		b.add([]byte{','}) // never in strict JSON, but rendered as hujson would
	}
	b.add(obj.AfterExtra)
	b.add([]byte{'}'})
	b.add(d.root.AfterExtra)
	return b.done()
}

// verifySpans is verifyEdit for a document read in spans. The result must be the original
// bytes outside the span the edits may change, and inside it: the servers' object replaced by
// one valid JSON value, or, where there was none, valid members added before the closing '}'
// (or, where the edit took out the servers' object MCP Tray had added, what followed it).
// Then the whole is valid JSON, because the rest was. By meaning, the changed part with MCP
// Tray's entries (and skip) taken out must say what the old part said.
func (d *jsonDoc) verifySpans(out content, skip string) error {
	sp := d.spans
	if out.equalAt(0, utf8BOM) {
		out = out.cut(len(utf8BOM))
	}
	tail, n := len(d.src)-sp.to, out.len()
	if n < sp.from+tail || !out.equalAt(0, d.src[:sp.from]) || !out.equalAt(n-tail, d.src[sp.to:]) {
		return errors.New("the edit changed bytes outside the servers' settings")
	}
	was, now := d.src[sp.from:sp.to], out.slice(sp.from, n-tail)
	holder := d.path[0]
	var before, after map[string]any
	if sp.present {
		if !json.Valid(now) || bytes.TrimSpace(now)[0] != '{' {
			return errors.New("the new servers' settings are not a valid JSON object")
		}
		wasV, err1 := decodeJSON(was)
		nowV, err2 := decodeJSON(now)
		if err := errors.Join(err1, err2); err != nil {
			return err
		}
		before, after = map[string]any{holder: wasV}, map[string]any{holder: nowV}
	} else {
		// The old part is white space and '}' (or, when the edit took out a servers' holder
		// MCP Tray had added, that member and what follows it); the new one may add members
		// before the '}'. After a value, a part that holds members starts with a comma.
		body := func(part []byte) ([]byte, bool) {
			rest := bytes.TrimLeft(part, " \t\r\n")
			if sp.afterValue && len(rest) > 0 && rest[0] == ',' {
				return rest[1:], true
			}
			return part, false
		}
		oldBody, _ := body(was)
		newBody, comma := body(now)
		wrapOld := append([]byte("{"), oldBody...)
		wrapNew := append([]byte("{"), newBody...)
		if !json.Valid(wrapNew) {
			return errors.New("the new content is not valid JSON")
		}
		wasV, err1 := decodeJSON(wrapOld)
		nowV, err2 := decodeJSON(wrapNew)
		if err := errors.Join(err1, err2); err != nil {
			return err
		}
		before, _ = wasV.(map[string]any)
		after, _ = nowV.(map[string]any)
		if sp.afterValue && comma != (len(after) > 0) {
			return errors.New("the new content does not separate the file's settings with one comma")
		}
	}
	if !reflect.DeepEqual(stripOurs(before, d.path, skip, nil), stripOurs(after, d.path, skip, nil)) {
		return fmt.Errorf("the edit changed settings that are not MCP Tray's")
	}
	return nil
}
