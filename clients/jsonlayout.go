package clients

import (
	"bytes"
	"reflect"
	"strings"

	"github.com/tailscale/hujson"
)

// layout is how a file is written, learnt from the file itself so that new entries look as
// if the person had typed them.
type layout struct {
	nl      string // "\n" or "\r\n"
	unit    string // one level of indentation
	colon   string // what follows a colon: " " or ""
	sep     string // what follows a comma on one line: " " or ""
	compact bool   // the whole document is on one line
	// trailingCommas: the file puts a comma after the last member of its multi-line objects.
	trailingCommas bool
}

func detectLayout(src []byte, root *hujson.Value) layout {
	l := layout{nl: "\n", unit: "  ", colon: " ", sep: " "}
	if i := bytes.IndexByte(src, '\n'); i > 0 && src[i-1] == '\r' {
		l.nl = "\r\n"
	}
	if obj, ok := root.Value.(*hujson.Object); ok && len(obj.Members) > 0 {
		l.compact = !bytes.Contains(src[root.StartOffset:root.EndOffset], []byte("\n"))
	}
	var foundUnit, foundColon, foundSep bool
	var walk func(v *hujson.Value)
	walk = func(v *hujson.Value) {
		if foundUnit && foundColon && foundSep && l.trailingCommas {
			return
		}
		switch t := v.Value.(type) {
		case *hujson.Object:
			if n := len(t.Members); n > 0 && t.Members[n-1].Value.AfterExtra != nil {
				l.trailingCommas = true
			}
			parent := lineIndent(src, v.StartOffset)
			for i := range t.Members {
				m := &t.Members[i]
				if ind, ok := trailingIndent(m.Name.BeforeExtra); ok && !foundUnit && len(ind) > len(parent) && strings.HasPrefix(ind, parent) {
					l.unit, foundUnit = ind[len(parent):], true
				}
				if !foundColon && isSpaces(m.Value.BeforeExtra) {
					l.colon, foundColon = string(m.Value.BeforeExtra), true
				}
				if i > 0 && !foundSep && isSpaces(m.Name.BeforeExtra) {
					l.sep, foundSep = string(m.Name.BeforeExtra), true
				}
				walk(&m.Value)
			}
		case *hujson.Array:
			for i := range t.Elements {
				if i > 0 && !foundSep && isSpaces(t.Elements[i].BeforeExtra) {
					l.sep, foundSep = string(t.Elements[i].BeforeExtra), true
				}
				walk(&t.Elements[i])
			}
		}
	}
	walk(root)
	if !foundSep {
		l.sep = l.colon
	}
	return l
}

// isSpaces reports b is made of spaces and tabs only (no new line, no comment).
func isSpaces(b []byte) bool { return len(bytes.Trim(b, " \t")) == 0 }

func concat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	if out == nil {
		out = []byte{}
	}
	return out
}

// indentOf is the indentation of the line where the object or array v opens.
func (d *jsonDoc) indentOf(v *hujson.Value) string {
	if obj, ok := v.Value.(*hujson.Object); ok {
		if ind, made := d.created[obj]; made {
			return ind
		}
	}
	return lineIndent(d.src, v.StartOffset)
}

func (d *jsonDoc) indentOfMember(m *hujson.ObjectMember) string {
	if ind, ok := trailingIndent(m.Name.BeforeExtra); ok {
		return ind
	}
	return lineIndent(d.src, m.Name.StartOffset)
}

// isCompact reports whether members of the object v sit on one line.
func (d *jsonDoc) isCompact(v *hujson.Value) bool {
	obj := v.Value.(*hujson.Object)
	if n := len(obj.Members); n > 0 {
		return firstNewline(obj.Members[n-1].Name.BeforeExtra) < 0
	}
	return d.lay.compact && firstNewline(obj.AfterExtra) < 0
}

// addMember appends key to the object v, laid out like the members before it: on a line of
// its own at their indentation, or on the same line in a one-line object. A comment that ends
// the line of the previous last member stays on that line, and a trailing comma stays a
// trailing comma. When that comment ends a line the members share (or share with the
// object's {), the new member goes on a line of its own after it rather than in front of it.
func (d *jsonDoc) addMember(v *hujson.Value, key string, build func(indent string, compact bool) hujson.ValueTrimmed) {
	obj := v.Value.(*hujson.Object)
	objIndent := d.indentOf(v)
	n := len(obj.Members)
	compact := d.isCompact(v) && !commentEndsFirstLine(obj.AfterExtra)
	indent := objIndent + d.lay.unit
	if n > 0 {
		if ind, ok := trailingIndent(obj.Members[n-1].Name.BeforeExtra); ok {
			indent = ind
		}
	}
	m := hujson.ObjectMember{
		Name:  hujson.Value{Value: hujson.String(key)},
		Value: hujson.Value{BeforeExtra: []byte(d.lay.colon), Value: build(indent, compact)},
	}
	if compact {
		if n > 0 {
			m.Name.BeforeExtra = []byte(d.lay.sep)
		}
	} else {
		head, rest, ok := splitFirstLine(obj.AfterExtra)
		switch {
		case ok:
		case n > 0:
			// The } sits on the line of the last member: it does after the new one too (with
			// what stood before it), so that taking the new one out puts it back where it was.
			head, rest = nil, obj.AfterExtra
		default:
			head, rest = bytes.TrimRight(obj.AfterExtra, " \t"), []byte(d.lay.nl+objIndent)
		}
		m.Name.BeforeExtra = concat(head, []byte(d.lay.nl), []byte(indent))
		obj.AfterExtra = concat(rest)
	}
	if n > 0 && obj.Members[n-1].Value.AfterExtra != nil {
		m.Value.AfterExtra = []byte{} // keep the file's trailing comma
	}
	obj.Members = append(obj.Members, m)
}

// commentEndsFirstLine reports whether b has a new line and a comment before it.
func commentEndsFirstLine(b []byte) bool {
	head, _, ok := splitFirstLine(b)
	return ok && hasComment(head)
}

// removeMember deletes member i of obj and mends the layout around it (see joinAfterRemoval).
func removeMember(obj *hujson.Object, i int) {
	m := obj.Members[i]
	if i+1 < len(obj.Members) {
		next := &obj.Members[i+1]
		next.Name.BeforeExtra = joinAfterRemoval(m.Name.BeforeExtra, next.Name.BeforeExtra, false)
		obj.Members = append(obj.Members[:i:i], obj.Members[i+1:]...)
		return
	}
	closing := joinAfterRemoval(m.Name.BeforeExtra, obj.AfterExtra, true)
	trailingComma := m.Value.AfterExtra != nil
	obj.Members = obj.Members[:i:i]
	if i > 0 {
		prev := &obj.Members[i-1]
		switch {
		case trailingComma && prev.Value.AfterExtra == nil:
			prev.Value.AfterExtra = []byte{}
		case !trailingComma && prev.Value.AfterExtra != nil:
			closing = concat(prev.Value.AfterExtra, closing)
			prev.Value.AfterExtra = nil
		}
	}
	if i == 0 && !hasComment(closing) {
		closing = nil // an emptied object becomes {}
	}
	obj.AfterExtra = closing
}

// jsonValue turns a string or a list of strings into a JSON literal or one-line array.
func (d *jsonDoc) jsonValue(v any) hujson.ValueTrimmed {
	switch t := v.(type) {
	case string:
		return hujson.String(t)
	case []string:
		arr := &hujson.Array{}
		for i, s := range t {
			el := hujson.Value{Value: hujson.String(s)}
			if i > 0 {
				el.BeforeExtra = []byte(d.lay.sep)
			}
			arr.Elements = append(arr.Elements, el)
		}
		return arr
	}
	panic("clients: unsupported JSON value")
}

// entryObject is MCP Tray's entry for e, for a member whose line is indented by indent.
func (d *jsonDoc) entryObject(e Entry, indent string, compact, trailingComma bool) *hujson.Object {
	obj := &hujson.Object{}
	for i, kv := range d.f.shape.members(e) {
		name := hujson.Value{Value: hujson.String(kv.name)}
		switch {
		case !compact:
			name.BeforeExtra = []byte(d.lay.nl + indent + d.lay.unit)
		case i > 0:
			name.BeforeExtra = []byte(d.lay.sep)
		}
		obj.Members = append(obj.Members, hujson.ObjectMember{
			Name:  name,
			Value: hujson.Value{BeforeExtra: []byte(d.lay.colon), Value: d.jsonValue(kv.value)},
		})
	}
	if !compact {
		obj.AfterExtra = []byte(d.lay.nl + indent)
		if trailingComma && len(obj.Members) > 0 {
			obj.Members[len(obj.Members)-1].Value.AfterExtra = []byte{}
		}
	}
	d.created[obj] = indent
	return obj
}

// entriesUseTrailingCommas tells whether a new entry in the servers object c should end its
// last setting with a comma: as the other entries there do, or as the file does elsewhere.
func (d *jsonDoc) entriesUseTrailingCommas(c *hujson.Value) bool {
	for _, m := range c.Value.(*hujson.Object).Members {
		if obj, ok := m.Value.Value.(*hujson.Object); ok && len(obj.Members) > 0 && firstNewline(obj.AfterExtra) >= 0 {
			return obj.Members[len(obj.Members)-1].Value.AfterExtra != nil
		}
	}
	return d.lay.trailingCommas
}

// setMember makes member name of the object v hold value (a string or []string), keeping
// the member's place and surroundings; false when it already did.
func (d *jsonDoc) setMember(v *hujson.Value, name string, value any) bool {
	if _, m := findMember(v, name); m != nil {
		if have, err := standardMeaning(&m.Value); err == nil && reflect.DeepEqual(have, plain(value)) {
			return false
		}
		m.Value.Value = d.jsonValue(value)
		return true
	}
	d.addMember(v, name, func(string, bool) hujson.ValueTrimmed { return d.jsonValue(value) })
	return true
}

// plain is value as encoding/json would decode it.
func plain(value any) any {
	if list, ok := value.([]string); ok {
		out := make([]any, len(list))
		for i, s := range list {
			out[i] = s
		}
		return out
	}
	return value
}
