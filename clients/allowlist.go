package clients

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tailscale/hujson"
)

// markSkipped sets Skipped on the servers the client will not load although the file holds
// them: those its allow-list leaves out and those its exclude-list names. A file without
// those lists (or a client without them) changes nothing.
func (d *jsonDoc) markSkipped(c Client, path string, servers []Server) {
	s := d.f.shape
	if s.allowed == nil && s.excluded == nil {
		return
	}
	meaning, err := standardMeaning(&d.root)
	if err != nil {
		return
	}
	allowed, hasAllowed := stringList(meaning, s.allowed)
	excluded, _ := stringList(meaning, s.excluded)
	for i := range servers {
		key := servers[i].Key
		switch {
		case slices.Contains(excluded, key):
			servers[i].Skipped = fmt.Sprintf("%s skips %q because %s in %s names it; take it out of that list to use it.", c.Name(), key, strings.Join(s.excluded, "."), path)
		case hasAllowed && !slices.Contains(allowed, key):
			servers[i].Skipped = fmt.Sprintf("%s loads only the servers that %s in %s names, and %q is not among them; add it to that list to use it.", c.Name(), strings.Join(s.allowed, "."), path, key)
		}
	}
}

// stringList is the list of strings at path in a decoded JSON value, and whether there is a
// list there at all.
func stringList(v any, path []string) ([]string, bool) {
	if path == nil {
		return nil, false
	}
	for _, name := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		v = m[name]
	}
	list, ok := v.([]any)
	if !ok {
		return nil, false
	}
	var out []string
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out, true
}

// allowList returns the value holding the client's allow-list array in the file and the
// array, or nil when the file has none.
func (d *jsonDoc) allowList() (*hujson.Value, *hujson.Array) {
	if d.f.shape.allowed == nil {
		return nil, nil
	}
	v := &d.root
	for _, name := range d.f.shape.allowed {
		_, m := findMember(v, name)
		if m == nil {
			return nil, nil
		}
		v = &m.Value
	}
	arr, _ := v.Value.(*hujson.Array)
	if arr == nil {
		return nil, nil
	}
	return v, arr
}

// allow adds key to the file's allow-list, when the file has one, so the client loads the
// entry MCP Tray just wrote under key. It adds key even when the list already names it: that
// name is the person's, and disallow, which takes out the last one, must find MCP Tray's own
// to take out. The new name is laid out like the names before it: on a line of its own at
// their indentation (after a comment that ends the person's last line), or on the same line
// in a one-line list; a trailing comma stays a trailing comma.
func (d *jsonDoc) allow(key string) {
	v, arr := d.allowList()
	if arr == nil {
		return
	}
	n := len(arr.Elements)
	el := hujson.Value{Value: hujson.String(key)}
	switch {
	case n > 0 && firstNewline(arr.Elements[n-1].BeforeExtra) >= 0:
		ind, _ := trailingIndent(arr.Elements[n-1].BeforeExtra)
		el.BeforeExtra, arr.AfterExtra = startLine(arr.AfterExtra, d.lay.nl+ind)
	case firstNewline(arr.AfterExtra) >= 0:
		el.BeforeExtra, arr.AfterExtra = startLine(arr.AfterExtra, d.lay.nl+lineIndent(d.src, v.StartOffset)+d.lay.unit)
	case n > 0:
		el.BeforeExtra = []byte(d.lay.sep)
	}
	if n > 0 && arr.Elements[n-1].AfterExtra != nil {
		el.AfterExtra = []byte{} // keep the file's trailing comma
	}
	arr.Elements = append(arr.Elements, el)
}

// startLine splits closing, the extra before a list's ], for a new last element on a line of
// its own: the element's leading extra (the rest of the current line, then lineStart) and what
// stays before the ].
func startLine(closing []byte, lineStart string) (before, after []byte) {
	head, rest, _ := splitFirstLine(closing)
	return concat(head, []byte(lineStart)), concat(rest)
}

// disallow takes key out of the file's allow-list after MCP Tray removed its entry there:
// the last time the list names it, which is the name allow added. Earlier ones, which the
// person wrote, stay.
func (d *jsonDoc) disallow(key string) {
	_, arr := d.allowList()
	if arr == nil {
		return
	}
	for i := len(arr.Elements) - 1; i >= 0; i-- {
		if lit, ok := arr.Elements[i].Value.(hujson.Literal); ok && lit.Kind() == '"' && lit.String() == key {
			removeElement(arr, i)
			return
		}
	}
}

// removeElement deletes element i of arr and mends the layout around it as removeMember does
// for an object's member, except that an emptied list keeps the lines it had.
func removeElement(arr *hujson.Array, i int) {
	el := arr.Elements[i]
	if i+1 < len(arr.Elements) {
		next := &arr.Elements[i+1]
		next.BeforeExtra = joinAfterRemoval(el.BeforeExtra, next.BeforeExtra, false)
		arr.Elements = slices.Delete(arr.Elements, i, i+1)
		return
	}
	closing := joinAfterRemoval(el.BeforeExtra, arr.AfterExtra, true)
	trailingComma := el.AfterExtra != nil
	arr.Elements = arr.Elements[:i:i]
	if i > 0 {
		prev := &arr.Elements[i-1]
		switch {
		case trailingComma && prev.AfterExtra == nil:
			prev.AfterExtra = []byte{}
		case !trailingComma && prev.AfterExtra != nil:
			closing = concat(prev.AfterExtra, closing)
			prev.AfterExtra = nil
		}
	}
	arr.AfterExtra = closing
}

// keepPersonsAllowed is, for verifying an edit, the decoded file with its allow-list cut down
// to the names of the person's own entries: the names of MCP Tray's entries, and names that
// match no entry (which MCP Tray may have added an entry for), are MCP Tray's business. The
// entry being replaced (skip) keeps its place either way.
func keepPersonsAllowed(m any, s *jsonShape, container []string, skip string) {
	if s.allowed == nil {
		return
	}
	list, ok := stringList(m, s.allowed)
	if !ok {
		return
	}
	servers := valueAt(m, container)
	keep := []any{}
	for _, name := range list {
		if entry, ok := servers[name]; ok && (name == skip || !decodeServer(name, entry).Ours) {
			keep = append(keep, name)
		}
	}
	parent := valueAt(m, s.allowed[:len(s.allowed)-1])
	parent[s.allowed[len(s.allowed)-1]] = keep
}

// valueAt is the object at path in a decoded JSON value, or nil.
func valueAt(v any, path []string) map[string]any {
	for _, name := range path {
		m, _ := v.(map[string]any)
		v = m[name]
	}
	m, _ := v.(map[string]any)
	return m
}
