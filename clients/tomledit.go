package clients

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Edits of config.toml, as text: each one builds the new content and re-scans it.

func (d *tomlDoc) add(key string, e Entry) error {
	for _, kv := range d.top {
		if len(kv.path) == 1 && kv.path[0] == tomlRoot {
			return &contentError{line: lineAt(d.src, kv.start), msg: fmt.Sprintf("keeps %s as an inline table (line %d), which MCP Tray cannot add to", tomlRoot, lineAt(d.src, kv.start))}
		}
	}
	if v, ok := d.meaning[tomlRoot]; ok {
		if _, isTable := v.(map[string]any); !isTable {
			return &contentError{msg: fmt.Sprintf("uses %s for something other than a table of servers, which MCP Tray cannot add to", tomlRoot)}
		}
	}
	block := d.entryText(key, e)
	pos := -1
	for _, b := range d.blocks {
		if hasPrefix(b.path, tomlRoot) {
			pos = b.end
		}
	}
	src := d.src
	var out []byte
	if pos < 0 || pos == len(src) {
		// At the end: one blank line before the table, and a file that did not end with a new
		// line still does not. remove undoes exactly this.
		out = append(out, src...)
		switch {
		case len(src) == 0:
		case bytes.HasSuffix(src, []byte("\n")):
			out = append(out, d.nl...)
		default:
			out = append(out, d.nl+d.nl...)
			block = bytes.TrimSuffix(block, []byte(d.nl))
		}
		out = append(out, block...)
	} else {
		out = append(out, src[:pos]...)
		blank := endsWithBlankLine(out)
		if !blank {
			out = append(out, d.nl...)
		}
		out = append(out, block...)
		if blank {
			out = append(out, d.nl...)
		}
		out = append(out, src[pos:]...)
	}
	return d.load(out)
}

func endsWithBlankLine(b []byte) bool {
	return bytes.HasSuffix(b, []byte("\n\n")) || bytes.HasSuffix(b, []byte("\n\r\n"))
}

func (d *tomlDoc) update(key string, e Entry) (bool, error) {
	all, _ := d.meaning[tomlRoot].(map[string]any)
	s := decodeServer(key, all[key])
	if s.Command == e.Command && sameArgs(s.Args, e.Args) {
		return false, nil
	}
	idx, err := d.entryBlocks(key)
	if err != nil {
		return false, err
	}
	b := d.blocks[idx[0]]
	var cmd, args *tomlKeyval
	for i := range b.keyvals {
		switch strings.Join(b.keyvals[i].path, ".") {
		case "command":
			cmd = &b.keyvals[i]
		case "args":
			args = &b.keyvals[i]
		}
	}
	if cmd == nil {
		return false, &contentError{msg: fmt.Sprintf("has no command line in [%s.%s]", tomlRoot, tomlKey(key))}
	}
	// Edit from the end of the file backwards so earlier offsets stay valid.
	type edit struct {
		start, end int
		text       string
	}
	var edits []edit
	if s.Command != e.Command {
		edits = append(edits, edit{cmd.start, cmd.end, "command = " + tomlString(e.Command)})
	}
	switch {
	case args != nil && !sameArgs(s.Args, e.Args):
		edits = append(edits, edit{args.start, args.end, "args = " + tomlStrings(e.Args)})
	case args == nil:
		edits = append(edits, edit{cmd.end, cmd.end, d.nl + "args = " + tomlStrings(e.Args)})
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].start > edits[j].start })
	out := append([]byte{}, d.src...)
	for _, ed := range edits {
		out = append(out[:ed.start:ed.start], append([]byte(ed.text), out[ed.end:]...)...)
	}
	return true, d.load(out)
}

func (d *tomlDoc) replace(key string, e Entry) error {
	idx, err := d.entryBlocks(key)
	if err != nil {
		return err
	}
	first := d.blocks[idx[0]]
	body := d.src[first.start:first.end]
	trail := body[len(bytes.TrimRight(body, " \t\r\n")):]
	if bytes.HasPrefix(trail, []byte(d.nl)) {
		trail = trail[len(d.nl):] // the entry text ends with its own new line
	}
	out := append([]byte{}, d.src[:first.start]...)
	out = append(out, d.entryText(key, e)...)
	out = append(out, trail...)
	last := first.end
	for _, i := range idx[1:] {
		out = append(out, d.src[last:d.blocks[i].start]...)
		last = d.blocks[i].end
	}
	out = append(out, d.src[last:]...)
	if len(d.src) > 0 && !bytes.HasSuffix(d.src, []byte("\n")) {
		out = bytes.TrimSuffix(out, []byte(d.nl)) // the table was last, and the file had no final new line
	}
	return d.load(out)
}

func (d *tomlDoc) remove(key string) error {
	idx, err := d.entryBlocks(key)
	if err != nil {
		return err
	}
	src := d.src
	var out []byte
	kept, atEOF := 0, false
	for _, i := range idx {
		start, end := d.blocks[i].start, d.blocks[i].end
		if end == len(src) {
			atEOF = true
		} else if !endsWithBlankLine(src[start:end]) && endsWithBlankLine(src[:start]) {
			// Take the blank line add put before the table, so the file reads as before.
			if prev := bytes.LastIndexByte(src[:start-1], '\n') + 1; prev >= kept {
				start = prev
			}
		}
		out = append(out, src[kept:start]...)
		kept = end
	}
	out = append(out, src[kept:]...)
	if atEOF {
		// At the end of the file: take the blank line add put before the table too, and give
		// back a file that ended without a new line.
		nl := []byte(d.nl)
		if !bytes.HasSuffix(src, []byte("\n")) {
			out = bytes.TrimSuffix(bytes.TrimSuffix(out, nl), nl)
		} else if rest, ok := bytes.CutSuffix(out, nl); ok && bytes.HasSuffix(rest, []byte("\n")) {
			out = rest
		}
	}
	return d.load(out)
}

func (d *tomlDoc) bytes() []byte {
	if d.bom {
		return append(append([]byte{}, utf8BOM...), d.src...)
	}
	return d.src
}

// entryText is MCP Tray's table for e, ending with a new line.
func (d *tomlDoc) entryText(key string, e Entry) []byte {
	return []byte(strings.Join([]string{
		"[" + tomlRoot + "." + tomlKey(key) + "]",
		"command = " + tomlString(e.Command),
		"args = " + tomlStrings(e.Args),
	}, d.nl) + d.nl)
}

var bareKey = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

func tomlKey(k string) string {
	if bareKey.MatchString(k) {
		return k
	}
	return strconv.Quote(k)
}

// tomlString writes s as a literal string when that needs no escapes (Windows paths read
// better without doubled backslashes), as a basic string otherwise.
func tomlString(s string) string {
	if strings.ContainsAny(s, `\`) && !strings.ContainsAny(s, "'\n\r\t\x7f") && strings.IndexFunc(s, func(r rune) bool { return r < 0x20 }) < 0 {
		return "'" + s + "'"
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func tomlStrings(list []string) string {
	parts := make([]string, len(list))
	for i, s := range list {
		parts[i] = tomlString(s)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
