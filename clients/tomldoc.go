package clients

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// tomlFormat is OpenAI Codex's config.toml. Codex entries are [mcp_servers.<name>] tables.
// The file is never re-encoded: MCP Tray's tables are appended, replaced or cut out as text,
// so every other byte (comments, spacing, quoting, order) stays as the person left it.
// go-toml validates the file and locates its tables.
type tomlFormat struct{}

const tomlRoot = "mcp_servers"

func (tomlFormat) kind() string { return "TOML" }

// tomlBlock is a [table] header and the lines after it up to the next header (without the
// comment lines directly above that header, which belong to it).
type tomlBlock struct {
	path       []string // the table's key, such as ["mcp_servers", "github"]
	start, end int      // byte range: header line start, block end
	array      bool     // an [[array table]]
	keyvals    []tomlKeyval
}

// tomlKeyval is one `key = value` line (or lines, for a multi-line value).
type tomlKeyval struct {
	path       []string // relative to the block's table
	start, end int      // from the key to the end of the value
}

// tomlDoc is one parsed config.toml; every edit re-scans the text it produced.
type tomlDoc struct {
	src     []byte // without a byte order mark
	bom     bool   // the file starts with one, which Codex's parser (toml_edit) skips
	nl      string
	meaning map[string]any
	top     []tomlKeyval // key/values before the first header
	blocks  []tomlBlock
}

func (f tomlFormat) parse(src []byte) (document, error) {
	d := &tomlDoc{nl: "\n"}
	if bytes.HasPrefix(src, utf8BOM) {
		d.bom, src = true, src[len(utf8BOM):]
	}
	if i := bytes.IndexByte(src, '\n'); i > 0 && src[i-1] == '\r' {
		d.nl = "\r\n"
	}
	return d, d.load(src)
}

// load parses src into d.
func (d *tomlDoc) load(src []byte) error {
	d.src, d.meaning, d.top, d.blocks = src, map[string]any{}, nil, nil
	if err := toml.Unmarshal(src, &d.meaning); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			row, col := de.Position()
			return &syntaxError{line: row, column: col, msg: strings.TrimPrefix(de.Error(), "toml: ")}
		}
		return &syntaxError{msg: err.Error()}
	}
	var p unstable.Parser
	p.Reset(src)
	p.KeepComments = true
	comments := map[int]bool{} // the starts of the lines that hold only a comment
	for p.NextExpression() {
		n := p.Expression()
		switch n.Kind {
		case unstable.Comment:
			comments[bytes.LastIndexByte(src[:n.Raw.Offset], '\n')+1] = true
		case unstable.Table, unstable.ArrayTable:
			path, first := keyPath(n.Key())
			start := bytes.LastIndexByte(src[:first], '\n') + 1
			if len(d.blocks) > 0 {
				d.blocks[len(d.blocks)-1].end = commentsAbove(src, start, comments)
			}
			d.blocks = append(d.blocks, tomlBlock{path: path, start: start, end: len(src), array: n.Kind == unstable.ArrayTable})
		case unstable.KeyValue:
			path, _ := keyPath(n.Key())
			kv := tomlKeyval{path: path, start: int(n.Raw.Offset), end: int(n.Raw.Offset + n.Raw.Length)}
			if len(d.blocks) == 0 {
				d.top = append(d.top, kv)
			} else {
				b := &d.blocks[len(d.blocks)-1]
				b.keyvals = append(b.keyvals, kv)
			}
		}
	}
	if err := p.Error(); err != nil {
		return &syntaxError{msg: err.Error()}
	}
	return nil
}

// keyPath reads a key's parts and the offset of its first byte.
func keyPath(it unstable.Iterator) ([]string, int) {
	var parts []string
	first := -1
	for it.Next() {
		k := it.Node()
		if first < 0 {
			first = int(k.Raw.Offset)
		}
		parts = append(parts, string(k.Data))
	}
	return parts, first
}

// commentsAbove moves start (a line start) up over the comment lines directly above it, as
// the parser found them (comments holds their starts): a line of a multi-line string that
// starts with # is the string's, not a comment.
func commentsAbove(src []byte, start int, comments map[int]bool) int {
	for start > 0 {
		prev := bytes.LastIndexByte(src[:start-1], '\n') + 1
		if !comments[prev] {
			break
		}
		start = prev
	}
	return start
}

func hasPrefix(path []string, prefix ...string) bool {
	if len(path) < len(prefix) {
		return false
	}
	for i := range prefix {
		if path[i] != prefix[i] {
			return false
		}
	}
	return true
}

// names lists the servers in the order the file first mentions them.
func (d *tomlDoc) names() []string {
	var order []string
	seen := map[string]bool{}
	note := func(path []string) {
		if len(path) >= 2 && path[0] == tomlRoot && !seen[path[1]] {
			seen[path[1]] = true
			order = append(order, path[1])
		}
	}
	for _, kv := range d.top {
		note(kv.path)
	}
	for _, b := range d.blocks {
		note(b.path)
		for _, kv := range b.keyvals {
			note(append(append([]string{}, b.path...), kv.path...))
		}
	}
	servers, _ := d.meaning[tomlRoot].(map[string]any)
	var rest []string
	for name := range servers {
		if !seen[name] {
			rest = append(rest, name)
		}
	}
	sort.Strings(rest)
	return append(order, rest...)
}

func (d *tomlDoc) servers() []Server {
	all, _ := d.meaning[tomlRoot].(map[string]any)
	var out []Server
	for _, name := range d.names() {
		if v, ok := all[name]; ok {
			out = append(out, decodeServer(name, v))
		}
	}
	return out
}

// entryBlocks returns the indexes of the blocks that make up server name (its table and its
// sub-tables), or a contentError when the server is also defined elsewhere (inline, or with
// dotted keys), which MCP Tray does not edit.
func (d *tomlDoc) entryBlocks(name string) ([]int, error) {
	var idx []int
	mentioned := false
	check := func(path []string) {
		if hasPrefix(path, tomlRoot, name) || (len(path) == 1 && path[0] == tomlRoot) {
			mentioned = true
		}
	}
	for _, kv := range d.top {
		check(kv.path)
	}
	for i, b := range d.blocks {
		if hasPrefix(b.path, tomlRoot, name) {
			idx = append(idx, i)
			continue
		}
		for _, kv := range b.keyvals {
			check(append(append([]string{}, b.path...), kv.path...))
		}
	}
	if mentioned || len(idx) == 0 || len(d.blocks[idx[0]].path) != 2 || d.blocks[idx[0]].array {
		return nil, &contentError{msg: fmt.Sprintf("defines the server %q in a form MCP Tray does not edit (only a [%s.%s] table is)", name, tomlRoot, tomlKey(name))}
	}
	return idx, nil
}

func (f tomlFormat) meaning(src []byte, skip string) (any, error) {
	m := map[string]any{}
	if err := toml.Unmarshal(bytes.TrimPrefix(src, utf8BOM), &m); err != nil {
		return nil, err
	}
	return stripOurs(m, []string{tomlRoot}, skip, nil), nil
}
