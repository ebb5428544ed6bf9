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

// allowList returns the client's allow-list array in the file, or nil when the file has none.
func (d *jsonDoc) allowList() *hujson.Array {
	if d.f.shape.allowed == nil {
		return nil
	}
	v := &d.root
	for _, name := range d.f.shape.allowed {
		_, m := findMember(v, name)
		if m == nil {
			return nil
		}
		v = &m.Value
	}
	arr, _ := v.Value.(*hujson.Array)
	return arr
}

// allow adds key to the file's allow-list, when the file has one that leaves it out, so the
// client loads the entry MCP Tray just wrote. The new name copies the spacing of the last one.
func (d *jsonDoc) allow(key string) {
	arr := d.allowList()
	if arr == nil || slices.Contains(arrayStrings(arr), key) {
		return
	}
	el := hujson.Value{Value: hujson.String(key)}
	if n := len(arr.Elements); n > 0 {
		el.BeforeExtra = append([]byte{}, arr.Elements[n-1].BeforeExtra...)
		if n == 1 && len(el.BeforeExtra) == 0 {
			el.BeforeExtra = []byte(" ")
		}
	}
	arr.Elements = append(arr.Elements, el)
}

// disallow takes key out of the file's allow-list, after MCP Tray removed its entry.
func (d *jsonDoc) disallow(key string) {
	arr := d.allowList()
	if arr == nil {
		return
	}
	for i := len(arr.Elements) - 1; i >= 0; i-- {
		if lit, ok := arr.Elements[i].Value.(hujson.Literal); ok && lit.Kind() == '"' && lit.String() == key {
			if i == 0 && len(arr.Elements) > 1 {
				arr.Elements[1].BeforeExtra = arr.Elements[0].BeforeExtra
			}
			arr.Elements = slices.Delete(arr.Elements, i, i+1)
		}
	}
}

func arrayStrings(arr *hujson.Array) []string {
	var out []string
	for _, el := range arr.Elements {
		if lit, ok := el.Value.(hujson.Literal); ok && lit.Kind() == '"' {
			out = append(out, lit.String())
		}
	}
	return out
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
