package clients

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/tailscale/hujson"
)

// jsonFormat is a JSON or JSONC client file, edited through hujson's syntax tree so that every
// byte outside MCP Tray's entries (comments, trailing commas, spacing, key order, line ends)
// is written back as it was read. hujson's Format is never called on a person's file.
type jsonFormat struct {
	strict bool // the client reads strict JSON only: refuse files with comments
	shape  *jsonShape
}

func (f jsonFormat) kind() string {
	if f.strict {
		return "JSON"
	}
	return "JSONC"
}

var utf8BOM = []byte("\xef\xbb\xbf")

// jsonDoc is one parsed JSON(C) file.
type jsonDoc struct {
	f       jsonFormat
	src     []byte // the content as read, without a byte order mark
	bom     bool
	root    hujson.Value
	path    []string // where the servers live, such as ["mcpServers"]
	lay     layout
	created map[*hujson.Object]string // objects made by MCP Tray → indentation of their line
	spans   *spanInfo                 // set when read in spans (json_large.go)
	// open: the file ends in a line comment with no new line after it, which parseJSON added
	// for hujson; it is left out again when the document is written.
	open bool
	// empty: the file held no value, only white space or comments (parseJSON made the root).
	empty bool
	// made: an edit added the servers' holder; filled: an edit put the first entry into it
	// while it was empty. inner is what was between the braces of the holder (filled) or of
	// the file (made), when they held no member (holdernote.go).
	made, filled bool
	inner        []byte
	// cleared: remove took the last entry out of the servers' object in this edit, so an
	// empty object add then finds is what MCP Tray left, not how the person had it.
	cleared bool
}

func (f jsonFormat) parse(src []byte) (document, error) { return f.parseDoc(src, true) }

// parseDoc is parse; spans false reads a file that could be read in spans with the general
// parser, for tests that compare the two.
func (f jsonFormat) parseDoc(src []byte, spans bool) (*jsonDoc, error) {
	d := &jsonDoc{f: f, created: map[*hujson.Object]string{}}
	if bytes.HasPrefix(src, utf8BOM) {
		d.bom, src = true, src[len(utf8BOM):]
	}
	d.src = src
	if !spans || !d.parseSpans() {
		root, err := parseJSON(src, f.strict)
		if err != nil {
			return nil, err
		}
		d.root = root
		d.lay = detectLayout(src, &d.root)
		d.open = len(bytes.TrimSpace(src)) > 0 && !bytes.HasSuffix(src, []byte("\n")) && bytes.HasSuffix(root.AfterExtra, []byte("\n"))
		d.empty = len(bytes.TrimSpace(src)) == 0 || root.StartOffset >= len(src)
	}
	d.path = f.shape.path
	if f.shape.pickPath != nil {
		meaning, err := standardMeaning(&d.root)
		if err != nil {
			return nil, err
		}
		d.path = f.shape.containerPath(meaning)
	}
	// Refuse early what could not be written back: a container that is not an object.
	v := &d.root
	for i, name := range d.path {
		_, m := findMember(v, name)
		if m == nil {
			break
		}
		if _, ok := m.Value.Value.(*hujson.Object); !ok {
			return nil, &contentError{
				line: lineAt(src, m.Value.StartOffset),
				msg:  fmt.Sprintf("holds %q as %s at line %d, where {client} expects an object", strings.Join(d.path[:i+1], "."), kindName(m.Value.Value.Kind()), lineAt(src, m.Value.StartOffset)),
			}
		}
		v = &m.Value
	}
	// A server listed twice is read differently by different clients; refuse to guess.
	if c := d.container(); c != nil {
		seen := map[string]bool{}
		for _, m := range c.Value.(*hujson.Object).Members {
			key := m.Name.Value.(hujson.Literal).String()
			if seen[key] {
				line := lineAt(src, m.Name.StartOffset)
				return nil, &contentError{line: line, msg: fmt.Sprintf("lists the server %q twice (again at line %d); remove one and try again", key, line)}
			}
			seen[key] = true
		}
	}
	return d, nil
}

// parseJSON parses src (empty means a new file) and applies the format's rules.
//
// Two files JSONC clients read (jsonc-parser, as VS Code, Zed and Gemini CLI do) that hujson
// does not are read too: one that ends in a line comment with no new line after it (hujson
// wants one: it is added, and the root's AfterExtra then ends with it, which jsonDoc leaves out
// again when it writes), and one that holds only comments (read as an empty object after them,
// on a line of its own).
func parseJSON(src []byte, strict bool) (hujson.Value, error) {
	if len(bytes.TrimSpace(src)) == 0 {
		return hujson.Value{Value: &hujson.Object{}, AfterExtra: []byte("\n")}, nil
	}
	root, err := hujson.Parse(src)
	if err != nil && errors.Is(err, io.ErrUnexpectedEOF) {
		if r, ok := parseWithEnd(src); ok {
			root, err = r, nil
		}
	}
	if err != nil {
		return root, jsonSyntaxError(err)
	}
	if root.Value.Kind() != '{' {
		return root, &contentError{msg: fmt.Sprintf("holds %s at the top instead of a JSON object", kindName(root.Value.Kind()))}
	}
	if strict && root.IsStandard() && !json.Valid(src) {
		// hujson is more lenient than the strict JSON these clients parse.
		var v any
		var se *json.SyntaxError
		if err := json.Unmarshal(src, &v); errors.As(err, &se) {
			off := int(se.Offset)
			return root, &syntaxError{line: lineAt(src, off), column: off - bytes.LastIndexByte(src[:min(off, len(src))], '\n'), msg: se.Error()}
		}
	}
	if strict && !root.IsStandard() {
		std := root.Clone()
		std.Standardize()
		line := lineAt(src, firstDifference(src, std.Pack()))
		return root, &contentError{line: line, msg: fmt.Sprintf("has a comment or a trailing comma at line %d, which {client} cannot read", line)}
	}
	return root, nil
}

// parseWithEnd reads src that hujson finds cut short, when only the end of a line comment
// or the lack of any value is the reason: src with a new line added, or src (with a new line
// when it has none at its end) and {} (the {} is then the root, all of src its BeforeExtra).
func parseWithEnd(src []byte) (hujson.Value, bool) {
	base := src[:len(src):len(src)]
	if !bytes.HasSuffix(src, []byte("\n")) {
		base = append(base, '\n')
		if root, err := hujson.Parse(base); err == nil {
			return root, true
		}
	}
	root, err := hujson.Parse(append(base, "{}"...))
	if err != nil || root.StartOffset != len(base) {
		return hujson.Value{}, false
	}
	root.AfterExtra = []byte("\n")
	return root, true
}

var hujsonErrorRE = regexp.MustCompile(`^hujson: line (\d+), column (\d+): (.*)$`)

// jsonSyntaxError turns hujson's error into line, column and a short reason.
func jsonSyntaxError(err error) error {
	m := hujsonErrorRE.FindStringSubmatch(err.Error())
	if m == nil {
		return &syntaxError{msg: err.Error()}
	}
	line, _ := strconv.Atoi(m[1])
	col, _ := strconv.Atoi(m[2])
	msg := m[3]
	if errors.Is(err, io.ErrUnexpectedEOF) {
		msg = "the file ends before the JSON does"
	}
	return &syntaxError{line: line, column: col, msg: msg}
}

func firstDifference(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func lineAt(src []byte, offset int) int {
	return 1 + bytes.Count(src[:min(offset, len(src))], []byte("\n"))
}

func kindName(k hujson.Kind) string {
	switch k {
	case '{':
		return "an object"
	case '[':
		return "a list"
	case '"':
		return "a string"
	case '0':
		return "a number"
	case 'n':
		return "null"
	default:
		return "a true/false value"
	}
}

// standardMeaning decodes v as plain Go values (maps, slices, strings, float64, bool, nil),
// as decodeJSON does.
func standardMeaning(v *hujson.Value) (any, error) {
	std := v.Clone()
	std.Standardize()
	out, err := decodeJSON(std.Pack())
	if err != nil {
		return nil, &syntaxError{msg: err.Error()}
	}
	return out, nil
}

// decodeJSON decodes the JSON text b into plain Go values as encoding/json does, except that a
// number a float64 cannot hold (1e400 is valid JSON, and a client reads it) stays a
// json.Number instead of failing the whole file: MCP Tray compares such values and writes
// them back as they were, it never computes with them.
func decodeJSON(b []byte) (any, error) {
	var v any
	err := json.Unmarshal(b, &v)
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		return v, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	v = nil
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return floatsWhereTheyFit(v), nil
}

// floatsWhereTheyFit turns the json.Numbers in v that a float64 holds into float64s, in place.
func floatsWhereTheyFit(v any) any {
	switch t := v.(type) {
	case json.Number:
		if f, err := t.Float64(); err == nil {
			return f
		}
	case map[string]any:
		for k, x := range t {
			t[k] = floatsWhereTheyFit(x)
		}
	case []any:
		for i, x := range t {
			t[i] = floatsWhereTheyFit(x)
		}
	}
	return v
}

func (f jsonFormat) meaning(src []byte, skip string) (any, error) {
	src = bytes.TrimPrefix(src, utf8BOM)
	if _, ok := scanStrictObject(src); ok {
		// Plain JSON means what encoding/json reads, without hujson's tree (big files).
		m, err := decodeJSON(src)
		if err != nil {
			return nil, &syntaxError{msg: err.Error()}
		}
		keepPersonsAllowed(m, f.shape, f.shape.containerPath(m), skip)
		return stripOurs(m, f.shape.containerPath(m), skip, nil), nil
	}
	root, err := parseJSON(src, false)
	if err != nil {
		return nil, err
	}
	m, err := standardMeaning(&root)
	if err != nil {
		return nil, err
	}
	keepPersonsAllowed(m, f.shape, f.shape.containerPath(m), skip)
	return stripOurs(m, f.shape.containerPath(m), skip, nil), nil
}

// findMember returns the index and member called name in the object v, the last one when
// the name repeats (as JSON parsers read it), or -1 and nil.
func findMember(v *hujson.Value, name string) (int, *hujson.ObjectMember) {
	obj, ok := v.Value.(*hujson.Object)
	if !ok {
		return -1, nil
	}
	for i := len(obj.Members) - 1; i >= 0; i-- {
		if lit, ok := obj.Members[i].Name.Value.(hujson.Literal); ok && lit.String() == name {
			return i, &obj.Members[i]
		}
	}
	return -1, nil
}

// container returns the value holding the servers, or nil when it does not exist yet.
func (d *jsonDoc) container() *hujson.Value {
	v := &d.root
	for _, name := range d.path {
		_, m := findMember(v, name)
		if m == nil {
			return nil
		}
		v = &m.Value
	}
	return v
}

// ensureContainer returns the value holding the servers, creating the missing objects.
func (d *jsonDoc) ensureContainer() *hujson.Value {
	v := &d.root
	for _, name := range d.path {
		_, m := findMember(v, name)
		if m == nil {
			if o := v.Value.(*hujson.Object); v == &d.root && len(o.Members) == 0 {
				d.inner = append([]byte{}, o.AfterExtra...) // the file's braces, before
			}
			obj := &hujson.Object{}
			d.addMember(v, name, func(indent string, _ bool) hujson.ValueTrimmed {
				d.created[obj] = indent
				return obj
			})
			d.made = d.made || len(d.path) == 1
			_, m = findMember(v, name)
		}
		v = &m.Value
	}
	return v
}

func (d *jsonDoc) servers() []Server {
	c := d.container()
	if c == nil {
		return nil
	}
	obj := c.Value.(*hujson.Object)
	var out []Server
	index := map[string]int{}
	for _, m := range obj.Members {
		key := m.Name.Value.(hujson.Literal).String()
		val, err := standardMeaning(&m.Value)
		if err != nil {
			continue
		}
		s := decodeServer(key, val)
		if i, seen := index[key]; seen {
			out[i] = s // a repeated key: the last one counts, in the first one's place
			continue
		}
		index[key] = len(out)
		out = append(out, s)
	}
	return out
}

func (d *jsonDoc) add(key string, e Entry) error {
	c := d.ensureContainer()
	d.noteFill(c)
	d.addMember(c, key, func(indent string, compact bool) hujson.ValueTrimmed {
		return d.entryObject(e, indent, compact, d.entriesUseTrailingCommas(c))
	})
	d.allow(key)
	return nil
}

func (d *jsonDoc) replace(key string, e Entry) error {
	c := d.container()
	if c == nil {
		return fmt.Errorf("%w: %q", ErrNotFound, key)
	}
	_, m := findMember(c, key)
	if m == nil {
		return fmt.Errorf("%w: %q", ErrNotFound, key)
	}
	m.Value.Value = d.entryObject(e, d.indentOfMember(m), d.isCompact(c), d.entriesUseTrailingCommas(c))
	return nil
}

func (d *jsonDoc) update(key string, e Entry) (bool, error) {
	c := d.container()
	if c == nil {
		return false, fmt.Errorf("%w: %q", ErrNotFound, key)
	}
	_, m := findMember(c, key)
	if m == nil {
		return false, fmt.Errorf("%w: %q", ErrNotFound, key)
	}
	if _, ok := m.Value.Value.(*hujson.Object); !ok {
		return true, d.replace(key, e)
	}
	// An entry in Cline's nested form keeps it: the program is set inside its "transport"
	// object, whose "type" (stdio, as the entry is ours) stays as the client wrote it.
	target, nested := &m.Value, false
	if _, t := findMember(&m.Value, "transport"); t != nil {
		if _, ok := t.Value.Value.(*hujson.Object); ok {
			target, nested = &t.Value, true
		}
	}
	changed := false
	for _, kv := range d.f.shape.members(e) {
		if nested && kv.name == "type" {
			continue
		}
		if d.setMember(target, kv.name, kv.value) {
			changed = true
		}
	}
	return changed, nil
}

func (d *jsonDoc) remove(key string) error {
	c := d.container()
	if c == nil {
		return fmt.Errorf("%w: %q", ErrNotFound, key)
	}
	i, _ := findMember(c, key)
	if i < 0 {
		return fmt.Errorf("%w: %q", ErrNotFound, key)
	}
	// The servers object stays, even when emptied: it may be the person's (clients create
	// an empty one). When MCP Tray added it, the edit takes it out afterwards (holdernote.go).
	obj := c.Value.(*hujson.Object)
	removeMember(obj, i)
	d.cleared = d.cleared || len(obj.Members) == 0
	d.disallow(key)
	return nil
}

func (d *jsonDoc) bytes() []byte { return d.parts().join() }

// parts is the document's bytes: in parts for a document read in spans (spanParts), else in one.
func (d *jsonDoc) parts() content {
	if d.spans != nil {
		return d.spanParts()
	}
	return content{d.packed()}
}

func (d *jsonDoc) packed() []byte {
	out := d.root.Pack()
	if d.open {
		out = bytes.TrimSuffix(out, []byte("\n"))
	}
	if d.bom {
		out = append(append([]byte{}, utf8BOM...), out...)
	}
	return out
}
