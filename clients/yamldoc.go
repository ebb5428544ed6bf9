package clients

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// yamlFormat is a YAML client file (Goose, Continue). YAML is never re-encoded: a round trip
// through a YAML library reorders, re-indents and drops comments. MCP Tray's entries are
// inserted, replaced or cut out as whole lines; the YAML library only validates the file and
// says where each entry starts. Every other line stays byte for byte.
type yamlFormat struct {
	shape *yamlShape
}

// yamlShape is where a YAML client keeps its servers and how it spells an entry.
type yamlShape struct {
	container string // the top-level key: "extensions" (Goose), "mcpServers" (Continue)
	list      bool   // entries are a list of mappings identified by "name" (Continue)
	cmdKey    string // "cmd" (Goose) or "command" (Continue)
	// seqIndent is how far "- " sits under its key when the file shows no preference.
	seqIndent int
	// extra are settings written after command and args, such as Goose's enabled: true.
	extra []yamlField
	// head are settings written before command, given the key.
	head func(key string) []yamlField
	// preamble are top-level settings a file that MCP Tray creates starts with: Continue's
	// schema requires name and version in config.yaml and in every block file.
	preamble []yamlField
}

type yamlField struct {
	key   string
	value any // string or bool
}

var (
	gooseShape = &yamlShape{
		container: "extensions", cmdKey: "cmd", seqIndent: 0,
		head: func(key string) []yamlField {
			return []yamlField{{"name", key}, {"type", "stdio"}}
		},
		extra: []yamlField{{"enabled", true}},
	}
	continueShape = &yamlShape{container: "mcpServers", list: true, cmdKey: "command", seqIndent: 2,
		preamble: []yamlField{{"name", "MCP Tray"}, {"version", "1.0.0"}, {"schema", "v1"}}}
)

func (yamlFormat) kind() string { return "YAML" }

// yamlDoc is one parsed YAML file; every edit re-parses the text it produced.
type yamlDoc struct {
	shape   *yamlShape
	src     []byte
	nl      string
	lines   [][]byte // src split after each new line
	root    *yaml.Node
	cont    *yaml.Node // the container's value, nil when absent
	contKey *yaml.Node
	meaning any
	// unsafe, when set, says why the container cannot be edited line by line (anchors,
	// aliases, merge keys); reading still works.
	unsafe string
	// empty: the file as read held no value (only white space or comments); made: an edit
	// added the container; bare: an edit put the first entry under a container key that had
	// no value (holdernote.go).
	empty, made, bare bool
	// keyLine is the container's key line as read, for writing it back bare.
	keyLine []byte
	// flow: an edit put the first entry into a container that was an empty {} or [] on its
	// key's line, written with this white space around it (holdernote.go). cleared: remove
	// wrote that {} or [] itself, so a {} add then finds is MCP Tray's, not the person's.
	flow    *flowSpace
	cleared bool
}

var (
	yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	// yamlExotic finds syntax a line edit cannot reason about: explicit keys and directives.
	yamlExotic = regexp.MustCompile(`(?m)^[ \t-]*\?([ \t]|\r?$)|^%`)
	// yamlOddBreak finds a lone \r, NEL, LINE SEPARATOR or PARAGRAPH SEPARATOR.
	yamlOddBreak = regexp.MustCompile("\r([^\n]|$)|\u0085|\u2028|\u2029")
)

func (f yamlFormat) parse(src []byte) (document, error) {
	d := &yamlDoc{shape: f.shape, nl: "\n"}
	if i := bytes.IndexByte(src, '\n'); i > 0 && src[i-1] == '\r' {
		d.nl = "\r\n"
	}
	err := d.load(src)
	d.empty = d.root == nil
	if d.contKey != nil {
		d.keyLine = d.lines[d.contKey.Line-1]
	}
	return d, err
}

// decodeYAML parses src, which must hold one document whose top is a block mapping (or
// nothing at all).
func decodeYAML(src []byte) (*yaml.Node, any, error) {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil, nil
		}
		if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
			line, _ := strconv.Atoi(m[1])
			return nil, nil, &syntaxError{line: yamlErrorLine(src, line), msg: m[2]}
		}
		return nil, nil, &syntaxError{msg: strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	var more yaml.Node
	if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
		return nil, nil, &contentError{msg: "holds more than one YAML document, which MCP Tray does not edit"}
	}
	if len(doc.Content) == 0 {
		return nil, nil, nil
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil, nil, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, nil, &contentError{msg: "does not hold a YAML mapping at the top"}
	}
	if root.Style&yaml.FlowStyle != 0 {
		return nil, nil, &contentError{msg: "is written in YAML's one-line {…} style, which MCP Tray does not edit"}
	}
	var meaning any
	if err := root.Decode(&meaning); err != nil {
		return nil, nil, &syntaxError{msg: strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	return root, meaning, nil
}

// yamlErrorLine finds the line a YAML error is on. The YAML library often reports the line
// where the enclosing block starts instead; the real line is the first one from which every
// longer prefix of the file fails to parse. Big files keep the library's answer.
func yamlErrorLine(src []byte, reported int) int {
	lines := splitLines(src)
	if len(lines) > 2000 {
		return reported
	}
	ends := make([]int, len(lines)) // ends[i]: offset just after line i
	for i, l := range lines {
		ends[i] = len(l)
		if i > 0 {
			ends[i] += ends[i-1]
		}
	}
	for i := len(lines) - 1; i >= 0; i-- {
		var n yaml.Node
		if yaml.Unmarshal(src[:ends[i]], &n) == nil {
			return i + 2
		}
	}
	return 1
}

func (d *yamlDoc) load(src []byte) error {
	root, meaning, err := decodeYAML(src)
	if err != nil {
		return err
	}
	d.src, d.root, d.meaning, d.cont, d.contKey, d.unsafe = src, root, meaning, nil, nil, ""
	d.lines = splitLines(src)
	if yamlExotic.Match(src) {
		d.unsafe = "uses YAML's explicit keys (?) or directives (%)"
	}
	if yamlOddBreak.Match(src) {
		// YAML counts these as line breaks too, so its line numbers would not be ours.
		d.unsafe = "has line breaks other than \\n and \\r\\n"
	}
	if root == nil {
		return nil
	}
	if _, ok := meaning.(map[string]any); !ok {
		d.unsafe = "has top-level keys that are not text"
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == d.shape.container {
			d.contKey, d.cont = root.Content[i], root.Content[i+1]
		}
	}
	if d.cont == nil {
		return nil
	}
	wantKind, what := yaml.MappingNode, "a mapping"
	if d.shape.list {
		wantKind, what = yaml.SequenceNode, "a list"
	}
	if d.cont.Anchor != "" || d.cont.Kind == yaml.AliasNode {
		d.unsafe = fmt.Sprintf("shares %s with other parts of the file through a YAML anchor (line %d)", d.shape.container, d.cont.Line)
	}
	for i, n := range d.cont.Content {
		if !d.shape.list && i%2 == 0 && (n.Kind != yaml.ScalarNode || n.Tag != "!!str") {
			d.unsafe = fmt.Sprintf("names an entry of %s with something other than text (line %d)", d.shape.container, n.Line)
		}
		if n.Kind == yaml.AliasNode || n.Value == "<<" || n.Anchor != "" {
			d.unsafe = fmt.Sprintf("uses YAML anchors or aliases in %s (line %d)", d.shape.container, n.Line)
		}
	}
	isNull := d.cont.Kind == yaml.ScalarNode && d.cont.Tag == "!!null"
	switch {
	case isNull && d.cont.Value == "":
	case d.cont.Kind != wantKind:
		return &contentError{line: d.cont.Line, msg: fmt.Sprintf("holds %s at line %d as something other than %s, which {client} expects there", d.shape.container, d.cont.Line, what)}
	case d.cont.Style&yaml.FlowStyle != 0 && len(d.cont.Content) > 0:
		return &contentError{line: d.cont.Line, msg: fmt.Sprintf("writes %s in YAML's one-line style (line %d), which MCP Tray does not edit", d.shape.container, d.cont.Line)}
	}
	return nil
}

func splitLines(src []byte) [][]byte {
	var out [][]byte
	for len(src) > 0 {
		i := bytes.IndexByte(src, '\n')
		if i < 0 {
			out = append(out, src)
			break
		}
		out = append(out, src[:i+1])
		src = src[i+1:]
	}
	return out
}

// yamlEntry is one server in the file: its name, its node and the lines it spans.
type yamlEntry struct {
	key         string
	node        *yaml.Node // the entry's mapping
	first, last int        // line indexes, inclusive
	col         int        // column (0-based) of the key, or of the "-" for list items
}

func (d *yamlDoc) entries() []yamlEntry {
	if d.cont == nil || d.cont.Kind == yaml.ScalarNode {
		return nil
	}
	var out []yamlEntry
	if d.shape.list {
		for _, item := range d.cont.Content {
			name := ""
			for i := 0; i+1 < len(item.Content); i += 2 {
				if item.Content[i].Value == "name" {
					name = item.Content[i+1].Value
				}
			}
			line := item.Line - 1
			col := bytes.LastIndexByte(d.lines[line][:min(item.Column-1, len(d.lines[line]))], '-')
			for col < 0 && line > 0 { // "-" alone on a line above the item
				line--
				text := bytes.TrimSpace(d.lines[line])
				if len(text) > 0 && text[0] != '#' {
					col = bytes.IndexByte(d.lines[line], '-')
					if !bytes.HasPrefix(text, []byte("-")) {
						col = -2
					}
				}
			}
			if col < 0 {
				d.unsafe = fmt.Sprintf("writes the entry at line %d of %s in a way MCP Tray does not edit", item.Line, d.shape.container)
				continue
			}
			out = append(out, yamlEntry{key: name, node: item, first: line, last: d.blockEnd(line, col, false), col: col})
		}
		return out
	}
	for i := 0; i+1 < len(d.cont.Content); i += 2 {
		k := d.cont.Content[i]
		line, col := k.Line-1, k.Column-1
		out = append(out, yamlEntry{key: k.Value, node: d.cont.Content[i+1], first: line, last: d.blockEnd(line, col, true), col: col})
	}
	return out
}

// blockEnd is the last line of the block that starts on line first at column col: the lines
// after it indented deeper than col, up to the last such line that is not blank (comments at
// col or less after it belong to what follows). For a mapping key (key true), lines at col
// that start with "- " are its value too: YAML lets a list sit at its key's column.
func (d *yamlDoc) blockEnd(first, col int, key bool) int {
	last := first
	for i := first + 1; i < len(d.lines); i++ {
		text := bytes.TrimRight(d.lines[i], "\r\n")
		trimmed := bytes.TrimLeft(text, " ")
		indent := len(text) - len(trimmed)
		switch {
		case len(trimmed) == 0:
			continue
		case indent > col:
			last = i
		case key && indent == col && (bytes.HasPrefix(trimmed, []byte("- ")) || string(trimmed) == "-"):
			last = i
		case trimmed[0] == '#':
			continue
		default:
			return last
		}
	}
	return last
}

func (d *yamlDoc) servers() []Server {
	var out []Server
	for _, e := range d.entries() {
		var v any
		if err := e.node.Decode(&v); err != nil {
			continue
		}
		out = append(out, decodeServer(e.key, v))
	}
	return out
}

func (d *yamlDoc) find(key string) (yamlEntry, error) {
	var found *yamlEntry
	for _, e := range d.entries() {
		if e.key == key {
			found = &e
		}
	}
	if found == nil {
		return yamlEntry{}, fmt.Errorf("%w: %q", ErrNotFound, key)
	}
	return *found, nil
}

func (d *yamlDoc) bytes() []byte { return d.src }

// splice replaces lines [from, to) with text and re-parses. A file that did not end with a
// new line still does not when the change reaches its end, so that taking out what was added
// there gives back the file as it was.
func (d *yamlDoc) splice(from, to int, text []byte) error {
	var out []byte
	for _, l := range d.lines[:from] {
		out = append(out, l...)
	}
	if from > 0 && len(text) > 0 && !bytes.HasSuffix(out, []byte("\n")) {
		out = append(out, d.nl...) // the file did not end with a new line
	}
	out = append(out, text...)
	for _, l := range d.lines[to:] {
		out = append(out, l...)
	}
	if open := len(d.src) > 0 && !bytes.HasSuffix(d.src, []byte("\n")); open && to == len(d.lines) {
		if rest, ok := bytes.CutSuffix(out, []byte(d.nl)); ok {
			out = rest
		} else {
			out = bytes.TrimSuffix(out, []byte("\n"))
		}
	}
	return d.load(out)
}
