package clients

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// spanCases are inputs for the comparison of the two ways of reading a strict JSON file:
// layouts, escapes, where the servers are (or are not), and files that are not strict JSON.
var spanCases = []string{
	``, "  \n", `{}`, `{ }`, "{\n}\n", `{"a":1}`, `{"mcpServers":{}}`, `{"mcpServers": {}}`,
	`{"a":[1, 2],"mcpServers":{"x":{"command":"y","args":[]}},"b":{"c":null}}`,
	"{\r\n\t\"a\": true,\r\n\t\"mcpServers\": {\r\n\t\t\"x\": {\"command\": \"y\"}\r\n\t}\r\n}\r\n",
	"{\n    \"mcp\\u0053ervers\": {\n        \"x\": {\n            \"command\": \"y\"\n        }\n    }\n}\n",
	"{\"mcpServers\": {\"old\": {\"command\": \"a\"}}, \"mcpServers\": {\"x\": {\"command\": \"y\"}}}",
	"{\n  \"projects\": {\"/p\": {\"mcpServers\": {\"inner\": {\"command\": \"z\"}}}},\n  \"n\": -0.5e+10\n}",
	"{\n  \"s\": \"tab\\t \\\"q\\\" \\\\ \\/ \\u2028 日本 \\ud83d\\ude80\",\n  \"z\": [[], {}, [{}]]\n}",
	"\n\n  {\"a\" :1 , \"b\" : [ 1 ,2 ] }  \n\n",
	"{\"a\":{\"b\":{\"c\":[1,\n2]}}}",
	"{\n  \"mcpServers\": {\n    \"github\": {\"command\": \"npx\"},\n    \"github\": {\"command\": \"npx\"}\n  }\n}",
	// Not strict JSON, or not what the clients read: both ways must refuse alike.
	`{"a":01}`, "{\"a\":\"\x01\"}", `{"a":1,}`, `[1]`, `{"a":1} x`, `{"a":"\x"}`, `{"a":"\u12"}`,
	`{"a":tru}`, `{"a":-}`, `{"a":1.}`, `{"a":1e}`, `{"mcpServers":[]}`, `{"mcpServers":"x"}`,
	"{// c\n}", `{"a":1`, `{"a" 1}`, `{,}`, `{"a":1 "b":2}`, `"x"`,
}

// TestSpansMatchGeneralParser: for every strict-JSON client, a file read in spans gives the
// same servers, the same bytes after the same edits, and the same refusals as the file read
// whole by hujson: the golden files' inputs, the edge cases above, and a generated
// ~/.claude.json.
func TestSpansMatchGeneralParser(t *testing.T) {
	inputs := map[string][]byte{}
	for i, s := range spanCases {
		inputs[fmt.Sprintf("case %d", i)] = []byte(s)
	}
	for _, dir := range []string{"claude-code", "claude-desktop", "cursor"} {
		matches, _ := filepath.Glob(filepath.Join("testdata", dir, "*.json"))
		for _, m := range matches {
			b, err := os.ReadFile(m)
			if err != nil {
				t.Fatal(err)
			}
			inputs[m] = b
			inputs[m+" (BOM)"] = append(append([]byte{}, utf8BOM...), b...)
		}
	}
	inputs["generated"] = bigClaudeJSON(200<<10, 7)
	for name, src := range inputs {
		for _, id := range []string{"claude-code", "claude-desktop", "cursor"} {
			compareSpans(t, name, mustClientT(t, id), src)
		}
	}
}

func mustClientT(t *testing.T, id string) Client {
	c, ok := ByID(id)
	if !ok {
		t.Fatalf("no client %q", id)
	}
	return c
}

// compareSpans runs the same edits on src read in spans and read whole and fails on any
// difference; it also checks the scanner accepts exactly what encoding/json does.
func compareSpans(t *testing.T, name string, c Client, src []byte) {
	t.Helper()
	f := c.spec().format.(jsonFormat)
	body := bytes.TrimPrefix(src, utf8BOM)
	if _, ok := scanStrictObject(body); ok != (json.Valid(body) && bytes.TrimLeft(body, " \t\r\n")[0] == '{') {
		t.Fatalf("%s: the scanner says valid=%v, encoding/json says %v:\n%q", name, ok, json.Valid(body), src)
	}
	wants := [][]Entry{goldenWant(""), {NewEntry(winBinary, "github"), NewEntry(macBinary, "other")}, nil}
	cur := [2][]byte{src, src}
	for step, want := range wants {
		var outs [2][]byte
		var errs [2]error
		for way, spans := range []bool{true, false} {
			outs[way], errs[way] = editWay(f, cur[way], spans, "", func(d document) (Result, error) { return reconcile(d, want) })
		}
		if (errs[0] == nil) != (errs[1] == nil) || (errs[0] != nil && errs[0].Error() != errs[1].Error()) {
			t.Fatalf("%s, %s, step %d: in spans: %v; whole: %v\n%q", name, c.ID(), step, errs[0], errs[1], cur[0])
		}
		if errs[0] != nil {
			return
		}
		if !bytes.Equal(outs[0], outs[1]) {
			t.Fatalf("%s, %s, step %d: in spans:\n%s\nwhole:\n%s", name, c.ID(), step, outs[0], outs[1])
		}
		cur = outs
	}
	// Replacing a person's entry with ours, and the servers listed, alike.
	var first string
	for way, spans := range []bool{true, false} {
		d, err := f.parseDoc(src, spans)
		if err != nil {
			return
		}
		servers := d.servers()
		if way == 0 {
			for _, s := range servers {
				if !s.Ours {
					first = s.Key
					break
				}
			}
		}
		if first == "" {
			return
		}
		out, err := editWay(f, src, spans, first, func(d document) (Result, error) {
			return Result{Updated: []string{"x"}}, d.replace(first, NewEntry(macBinary, "x"))
		})
		if err != nil {
			t.Fatalf("%s, %s: replacing %q (spans %v): %v", name, c.ID(), first, spans, err)
		}
		cur[way] = out
	}
	if !bytes.Equal(cur[0], cur[1]) {
		t.Fatalf("%s, %s: replacing %q in spans:\n%s\nwhole:\n%s", name, c.ID(), first, cur[0], cur[1])
	}
}

// editWay is editBytes with the way of reading chosen: parse, change, render, check.
func editWay(f jsonFormat, src []byte, spans bool, skip string, change func(document) (Result, error)) ([]byte, error) {
	d, err := f.parseDoc(src, spans)
	if err != nil {
		return nil, err
	}
	res, err := change(d)
	if err != nil {
		return nil, err
	}
	parts := d.parts()
	out := parts.join()
	if !res.hasChanges() || bytes.Equal(out, src) {
		return out, nil
	}
	if d.spans != nil {
		err = d.verifySpans(parts, skip)
	} else {
		err = verifyEdit(f, src, out, skip)
	}
	return out, err
}

// FuzzSpans compares the two ways of reading on arbitrary content (seeded with the cases
// above and the golden inputs):
//
//	go test ./clients -run '^$' -fuzz FuzzSpans -fuzztime 30s
func FuzzSpans(f *testing.F) {
	for _, s := range spanCases {
		f.Add([]byte(s))
	}
	for _, dir := range []string{"claude-code", "claude-desktop", "cursor"} {
		matches, _ := filepath.Glob(filepath.Join("testdata", dir, "*.json"))
		for _, m := range matches {
			f.Add(mustReadF(f, m))
		}
	}
	c, _ := ByID("claude-code")
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(bytes.TrimSpace(bytes.TrimPrefix(src, utf8BOM))) == 0 {
			return
		}
		compareSpans(t, "fuzz", c, src)
	})
}

// TestBigClaudeJSONRoundTrip: on a 100 MB ~/.claude.json, Apply adds MCP Tray's entries and
// Apply(nil) takes them out again, through real files, and every byte outside the servers'
// object stays as it was; the file without MCP Tray's entries comes back byte for byte.
func TestBigClaudeJSONRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 100 MB files several times")
	}
	home := t.TempDir()
	path := filepath.Join(home, ".claude.json")
	src := bigClaudeJSON(bigFileSize, 3)
	if err := os.WriteFile(path, src, 0o600); err != nil {
		t.Fatal(err)
	}
	c := mustClientT(t, "claude-code")
	opts := ApplyOptions{Backups: BackupDir(filepath.Join(home, "backups"))}
	res, err := Apply(c, path, goldenWant(""), opts)
	if err != nil || !res.Changed || len(res.Added) != 2 {
		t.Fatalf("Apply: %+v, %v", res, err)
	}
	out, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, ok := scanStrictObject(src)
	if !ok {
		t.Fatal("the generated file is not strict JSON")
	}
	var from, to int
	for _, m := range s.members {
		if string(m.name) == `"mcpServers"` {
			from, to = m.valStart, m.valEnd
		}
	}
	grown := len(out) - len(src)
	if grown <= 0 || !bytes.Equal(out[:from], src[:from]) || !bytes.Equal(out[to+grown:], src[to:]) {
		t.Fatalf("Apply changed bytes outside mcpServers (%d → %d bytes)", len(src), len(out))
	}
	if !json.Valid(out) {
		t.Fatal("Apply wrote invalid JSON")
	}
	var servers struct {
		MCPServers map[string]json.RawMessage `json:"mcpServers"`
	}
	if err := json.Unmarshal(out, &servers); err != nil || len(servers.MCPServers) != 3 {
		t.Fatalf("mcpServers after Apply: %v, %v", servers.MCPServers, err)
	}
	if res, err := Apply(c, path, nil, opts); err != nil || !res.Changed {
		t.Fatalf("Apply(nil): %+v, %v", res, err)
	}
	back, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back, src) {
		t.Fatalf("Apply then Apply(nil) did not give back the file byte for byte (%d → %d bytes)", len(src), len(back))
	}
	if _, err := Apply(c, path, nil, opts); err != nil && !errors.Is(err, ErrNotFound) {
		t.Fatalf("a second Apply(nil): %v", err)
	}
}
