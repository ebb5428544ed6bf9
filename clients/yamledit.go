package clients

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// yamlLayout is how the file indents, learnt from the file itself.
type yamlLayout struct {
	unit int // spaces per nesting level of mappings
	seq  int // how far "- " sits to the right of its key (0: at the key's column)
}

func (d *yamlDoc) layout() yamlLayout {
	l := yamlLayout{unit: 2, seq: d.shape.seqIndent}
	foundUnit, foundSeq := false, false
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind != yaml.MappingNode || n.Style&yaml.FlowStyle != 0 {
			for _, c := range n.Content {
				walk(c)
			}
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if v.Style&yaml.FlowStyle == 0 && len(v.Content) > 0 && v.Line > k.Line {
				switch v.Kind {
				case yaml.MappingNode:
					if !foundUnit && v.Content[0].Column > k.Column {
						l.unit, foundUnit = v.Content[0].Column-k.Column, true
					}
				case yaml.SequenceNode:
					if !foundSeq {
						line := d.lines[v.Line-1]
						if dash := bytes.IndexByte(line, '-'); dash >= 0 && dash >= k.Column-1 {
							l.seq, foundSeq = dash-(k.Column-1), true
						}
					}
				}
			}
			walk(v)
		}
	}
	if d.root != nil {
		walk(d.root)
	}
	return l
}

// yamlScalar writes s plain when YAML reads it back as the same string, double-quoted
// otherwise.
func yamlScalar(s string) string {
	if s != "" && !strings.ContainsAny(s, "\n\r\t") && strings.TrimSpace(s) == s {
		var back map[string]any
		if err := yaml.Unmarshal([]byte("k: "+s+"\n"), &back); err == nil {
			if got, ok := back["k"].(string); ok && got == s {
				return s
			}
		}
	}
	return strconv.Quote(s)
}

func yamlValue(v any) string {
	switch t := v.(type) {
	case bool:
		return strconv.FormatBool(t)
	case string:
		return yamlScalar(t)
	}
	panic("clients: unsupported YAML value")
}

// commandLine and argsLines write command and args with the key at column col.
func (d *yamlDoc) commandLine(e Entry, col int) string {
	return fmt.Sprintf("%s%s: %s%s", strings.Repeat(" ", col), d.shape.cmdKey, yamlScalar(e.Command), d.nl)
}

func (d *yamlDoc) argsLines(e Entry, col int, lay yamlLayout) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%sargs:%s", strings.Repeat(" ", col), d.nl)
	for _, a := range e.Args {
		fmt.Fprintf(&b, "%s- %s%s", strings.Repeat(" ", col+lay.seq), yamlScalar(a), d.nl)
	}
	return b.String()
}

// entryText is MCP Tray's entry for e whose key (or "-") sits at column col.
func (d *yamlDoc) entryText(key string, e Entry, col int, lay yamlLayout) []byte {
	pad := strings.Repeat(" ", col)
	var b strings.Builder
	inner := col + lay.unit
	if d.shape.list {
		fmt.Fprintf(&b, "%s- name: %s%s", pad, yamlScalar(key), d.nl)
		inner = col + 2
	} else {
		fmt.Fprintf(&b, "%s%s:%s", pad, yamlScalar(key), d.nl)
	}
	if d.shape.head != nil {
		for _, f := range d.shape.head(key) {
			fmt.Fprintf(&b, "%s%s: %s%s", strings.Repeat(" ", inner), f.key, yamlValue(f.value), d.nl)
		}
	}
	b.WriteString(d.commandLine(e, inner))
	b.WriteString(d.argsLines(e, inner, lay))
	for _, f := range d.shape.extra {
		fmt.Fprintf(&b, "%s%s: %s%s", strings.Repeat(" ", inner), f.key, yamlValue(f.value), d.nl)
	}
	return []byte(b.String())
}

// editable refuses edits of a container written with YAML features a line edit could break.
func (d *yamlDoc) editable() error {
	d.entries() // notices entries it cannot place
	if d.unsafe != "" {
		return &contentError{msg: d.unsafe + ", which MCP Tray does not edit"}
	}
	return nil
}

var yamlDocEnd = regexp.MustCompile(`(?m)^(\.\.\.|---)[ \t]*\r?$`)

func (d *yamlDoc) add(key string, e Entry) error {
	if err := d.editable(); err != nil {
		return err
	}
	lay := d.layout()
	if d.contKey == nil {
		if loc := yamlDocEnd.FindIndex(d.src); loc != nil && loc[0] > 0 {
			return &contentError{msg: "marks the end of its YAML document before the end of the file, which MCP Tray does not edit"}
		}
		col := lay.unit
		if d.shape.list {
			col = lay.seq
		}
		var text []byte
		if len(bytes.TrimSpace(d.src)) == 0 {
			for _, f := range d.shape.preamble {
				text = append(text, f.key+": "+yamlValue(f.value)+d.nl...)
			}
		}
		text = append(text, d.shape.container+":"+d.nl...)
		text = append(text, d.entryText(key, e, col, lay)...)
		d.made = true
		return d.splice(len(d.lines), len(d.lines), text)
	}
	keyLine, keyCol := d.contKey.Line-1, d.contKey.Column-1
	col := keyCol + lay.unit
	if d.shape.list {
		col = keyCol + lay.seq
	}
	if entries := d.entries(); len(entries) > 0 {
		last := entries[len(entries)-1]
		return d.splice(last.last+1, last.last+1, d.entryText(key, e, last.col, lay))
	}
	// An empty container: `key:` or `key: {}` / `key: []`.
	line := d.lines[keyLine]
	d.bare = d.cont.Kind == yaml.ScalarNode
	if d.cont.Kind != yaml.ScalarNode {
		token := d.emptyValue()
		i := bytes.Index(line[keyCol:], token)
		if i < 0 {
			return &contentError{line: keyLine + 1, msg: fmt.Sprintf("writes an empty %s at line %d in a way MCP Tray does not edit", d.shape.container, keyLine+1)}
		}
		i += keyCol
		start := i
		for start > 0 && (line[start-1] == ' ' || line[start-1] == '\t') {
			start--
		}
		rest := line[i+len(token):]
		if colon := colonAfter(line, keyCol); start == colon+1 && !d.cleared {
			// Only white space between the colon and the token: note it, and what follows
			// the token, for undoHolder to write back (add and remove alone keep one space).
			after := bytes.TrimRight(rest, "\r\n")
			comment := bytes.HasPrefix(bytes.TrimLeft(after, " \t"), []byte("#"))
			after = after[:len(after)-len(bytes.TrimLeft(after, " \t"))]
			d.flow = &flowSpace{before: bytes.Clone(line[start:i]), after: bytes.Clone(after), comment: comment}
		}
		if len(bytes.TrimSpace(rest)) > 0 {
			start = i // a comment after it keeps its place
		}
		line = append(append([]byte{}, line[:start]...), rest...)
	}
	text := append([]byte{}, line...)
	if !bytes.HasSuffix(text, []byte("\n")) {
		text = append(text, d.nl...) // the last line of a file without a final new line
	}
	text = append(text, d.entryText(key, e, col, lay)...)
	return d.splice(keyLine, keyLine+1, text)
}

func (d *yamlDoc) replace(key string, e Entry) error {
	if err := d.editable(); err != nil {
		return err
	}
	entry, err := d.find(key)
	if err != nil {
		return err
	}
	return d.splice(entry.first, entry.last+1, d.entryText(key, e, entry.col, d.layout()))
}

func (d *yamlDoc) update(key string, e Entry) (bool, error) {
	if err := d.editable(); err != nil {
		return false, err
	}
	entry, err := d.find(key)
	if err != nil {
		return false, err
	}
	var v any
	_ = entry.node.Decode(&v)
	s := decodeServer(key, v)
	if s.Command == e.Command && sameArgs(s.Args, e.Args) {
		return false, nil
	}
	if entry.node.Kind != yaml.MappingNode || entry.node.Style&yaml.FlowStyle != 0 {
		return true, d.replace(key, e)
	}
	// Rewrite only the command and args lines that differ; the person's other settings,
	// and their formatting, stay.
	lay := d.layout()
	replaceAt := map[int]string{} // first line of a span → its new text
	drop := map[int]bool{}
	cmdEnd, cmdCol, hasArgs := -1, 0, false
	for i := 0; i+1 < len(entry.node.Content); i += 2 {
		k := entry.node.Content[i]
		if k.Value != d.shape.cmdKey && k.Value != "args" {
			continue
		}
		first, col := k.Line-1, k.Column-1
		last := d.blockEnd(first, col, true)
		if first == entry.first {
			return true, d.replace(key, e) // on the "- " line: rewrite the whole entry
		}
		if k.Value == "args" {
			hasArgs = true
			if sameArgs(s.Args, e.Args) {
				continue
			}
			replaceAt[first] = d.argsLines(e, col, lay)
		} else {
			cmdEnd, cmdCol = last, col
			if s.Command == e.Command {
				continue
			}
			replaceAt[first] = d.commandLine(e, col)
		}
		for j := first; j <= last; j++ {
			drop[j] = true
		}
	}
	if cmdEnd < 0 {
		return true, d.replace(key, e)
	}
	var out []byte
	for i, l := range d.lines {
		out = append(out, replaceAt[i]...)
		if !drop[i] {
			out = append(out, l...)
		}
		if i == cmdEnd && !hasArgs {
			out = append(out, d.argsLines(e, cmdCol, lay)...)
		}
	}
	return true, d.load(out)
}

func (d *yamlDoc) remove(key string) error {
	if err := d.editable(); err != nil {
		return err
	}
	entry, err := d.find(key)
	if err != nil {
		return err
	}
	if err := d.splice(entry.first, entry.last+1, nil); err != nil {
		return err
	}
	if d.contKey != nil && d.cont.Kind == yaml.ScalarNode {
		// The container is now empty: say so, or YAML would read it as null.
		keyLine := d.contKey.Line - 1
		line := d.lines[keyLine]
		colon := colonAfter(line, d.contKey.Column-1)
		empty := d.emptyValue()
		rest := line[colon+1:]
		if len(bytes.TrimSpace(rest)) > 0 && bytes.HasPrefix(rest, []byte(" ")) {
			rest = rest[1:] // `key: {}  # note` reads back as it was before add
		}
		// Else rest is what followed `{}` (add took the space before it): `key: {} ` stays.
		if bytes.HasPrefix(rest, []byte("#")) {
			// A comment the person put on the key line meanwhile (`key: # note`) must stay
			// apart from {}: `{}# note` is no comment to YAML (Continue's reader refuses it).
			rest = concat([]byte(" "), rest)
		}
		text := concat(line[:colon+1], []byte(" "), empty, rest)
		d.cleared = true
		return d.splice(keyLine, keyLine+1, text)
	}
	return nil
}

func (f yamlFormat) meaning(src []byte, skip string) (any, error) {
	_, m, err := decodeYAML(src)
	if err != nil {
		return nil, err
	}
	if m == nil {
		m = map[string]any{} // an empty file means the same as an empty mapping
	}
	root, ok := m.(map[string]any)
	if !ok {
		return m, nil
	}
	// The preamble MCP Tray writes into a file it creates is part of making that file, not a
	// change to the person's settings.
	for _, p := range f.shape.preamble {
		if root[p.key] == p.value {
			delete(root, p.key)
		}
	}
	switch c := root[f.shape.container].(type) {
	case nil:
		delete(root, f.shape.container)
	case map[string]any:
		stripOurs(root, []string{f.shape.container}, skip, nil)
	case []any:
		var kept []any
		for _, item := range c {
			m, _ := item.(map[string]any)
			name, _ := m["name"].(string)
			if name != skip && !decodeServer(name, item).Ours {
				kept = append(kept, item)
			}
		}
		if len(kept) == 0 {
			delete(root, f.shape.container)
		} else {
			root[f.shape.container] = kept
		}
	}
	return root, nil
}

// The servers' holder, as holdernote.go sees it: the top-level container key.

func (d *yamlDoc) holderNote() *holderNote {
	switch {
	case d.made:
		return &holderNote{made: true}
	case d.bare:
		return &holderNote{filled: true, bare: true}
	case d.flow != nil:
		return &holderNote{filled: true, flow: d.flow}
	}
	return nil
}

func (d *yamlDoc) valueless() bool { return d.empty }

// undoHolder takes out the emptied container's line (made), or writes it back as the bare key
// it was (bare), when that line holds what remove left there: the key and an empty {} or [].
// A container that was an empty {} or [] gets the white space around it back (filled).
func (d *yamlDoc) undoHolder(n *holderNote) bool {
	if d.contKey == nil || d.cont == nil || len(d.cont.Content) > 0 || d.unsafe != "" {
		return false
	}
	if n.filled && !n.bare {
		return n.flow != nil && d.respace(n.flow)
	}
	if d.contKey.Column != 1 {
		return false
	}
	line := d.contKey.Line - 1
	if d.blockEnd(line, 0, true) != line {
		return false // lines below belong to it (a comment, say): the person's
	}
	text := string(bytes.TrimRight(d.lines[line], "\r\n"))
	switch key := d.shape.container + ":"; {
	case n.made && (text == key+" {}" || text == key+" []"):
		return d.splice(line, line+1, nil) == nil
	case n.bare && (strings.HasPrefix(text, key+" {}") || strings.HasPrefix(text, key+" []")) && bytes.HasPrefix(d.keyLine, []byte(key)):
		return d.splice(line, line+1, d.keyLine) == nil
	}
	return false
}

// respace writes the white space around the emptied container's {} or [] as s says, keeping
// a comment after it. remove wrote one space before it and kept what followed. The token is
// found from the colon, not from YAML's column, which does not count a byte order mark.
func (d *yamlDoc) respace(s *flowSpace) bool {
	if len(s.before) == 0 || !onlyBlanks(s.before) || !onlyBlanks(s.after) {
		return false // not what add notes
	}
	token := d.emptyValue()
	keyLine, keyCol := d.contKey.Line-1, d.contKey.Column-1
	line := d.lines[keyLine]
	colon := colonAfter(line, keyCol)
	if d.cont.Line != d.contKey.Line || colon < keyCol {
		return false
	}
	body := bytes.TrimRight(line[colon+1:], "\r\n")
	eol := line[colon+1+len(body):]
	value, ok := bytes.CutPrefix(bytes.TrimLeft(body, " \t"), token)
	tail := bytes.TrimLeft(value, " \t")
	if !ok || len(tail) > 0 && tail[0] != '#' {
		return false // a tag, say: not what remove left
	}
	after := s.after
	if len(after) == 0 && len(tail) > 0 && !s.comment {
		// A comment the person put on the line meanwhile: YAML wants white space before it
		// (`{}# note` is no comment to Continue's reader).
		after = []byte(" ")
	}
	text := concat(line[:colon+1], s.before, token, after, tail, eol)
	return bytes.Equal(text, line) || d.splice(keyLine, keyLine+1, text) == nil
}

// emptyValue is how the servers' container is written empty: {} for a mapping, [] for a list.
func (d *yamlDoc) emptyValue() []byte {
	if d.shape.list {
		return []byte("[]")
	}
	return []byte("{}")
}

// colonAfter is the index in line of the first colon at or after col (the key's own), or
// col-1 when there is none.
func colonAfter(line []byte, col int) int { return bytes.IndexByte(line[col:], ':') + col }

// onlyBlanks reports whether b holds only spaces and tabs (or nothing).
func onlyBlanks(b []byte) bool { return len(bytes.Trim(b, " \t")) == 0 }

// asRead: the file as it is; line edits leave nothing of MCP Tray's behind.
func (d *yamlDoc) asRead() [][]byte { return nil }
