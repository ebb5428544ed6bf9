package clients

import (
	"bytes"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
)

// The fuzz targets run the whole edit in memory (editBytes, the same code Apply runs between
// reading and writing) on arbitrary content and an arbitrary server name. For every content
// the client accepts: Apply(want) leaves everything that is not MCP Tray's meaning the same
// and holds exactly want; a second Apply changes nothing; Apply(nil) gives back the meaning
// of the input. Run one bounded, as CI does:
//
//	go test ./clients -run '^$' -fuzz FuzzApplyJSONC -fuzztime 10s

func FuzzApplyStrictJSON(f *testing.F) {
	fuzzApply(f, "claude-desktop", "cursor", "claude-code", "copilot-cli")
}
func FuzzApplyJSONC(f *testing.F) {
	fuzzApply(f, "vscode", "zed", "gemini-cli", "opencode", "qwen-code", "crush", "amp")
}
func FuzzApplyTOML(f *testing.F) { fuzzApply(f, "codex") }
func FuzzApplyYAML(f *testing.F) { fuzzApply(f, "goose", "continue") }

// redTeamSeeds are valid files, by format, that MCP Tray once refused with "please report
// this" or did not give back byte for byte; every fuzz target of the format starts from them.
var redTeamSeeds = map[string][]string{
	"JSON": {
		`{"a": 1e400, "mcpServers": {"mine": {"command": "x", "timeout": -1E+400}}}`,
		`{"\ud800": 1, "mcpServers": {"\udc00": {"command": "x"}}, "\ud800\ud800": "\ud800"}` + "\n",
		`{"a":1}`,
		"{\r\n  \"a\": 1\r\n}\r\n",
		"\xef\xbb\xbf{\n\t\"a\": 1\n}",
		"",
		"  \n",
	},
	"JSONC": {
		`{"servers": {"mine": {"command": "x"}}} // the end`,
		"{\"mcp\": {}, \"context_servers\": {}}\n// the end",
		"// only a comment",
		"/* only */\n// comments\n",
		`{"servers": {"x": {"command": "y", "n": 1e400}}, "\ud800": [1e999]}`,
	},
	"TOML": {
		"model = \"o3\"",
		"# only a comment",
		"model = 1\r\nfoo = 2",
		"model = 1\n\n\n",
		"[mcp_servers.mine]\ncommand = \"x\"\ns = \"\"\"\na\n# b\"\"\"\n[other]\ny = 1\n",
		"[mcp_servers.mine]\ncommand = \"x\"\ns = '''\n# b\n# c'''\n[other]\ny = 1",
		"\xef\xbb\xbfmodel = 1\n",
	},
	"YAML": {
		"a: 1",
		"# only",
		"a: 1\r\nb: 2",
		"extensions:\n  mine:\n    cmd: x",
		"mcpServers:\n  - name: mine\n    command: x",
		"\xef\xbb\xbfa: 1\n",
		"",
	},
}

func fuzzApply(f *testing.F, ids ...string) {
	var clients []Client
	seeded := map[string]bool{}
	for _, id := range ids {
		c, ok := ByID(id)
		if !ok {
			f.Fatalf("no client %q", id)
		}
		clients = append(clients, c)
		inputs, _ := filepath.Glob(filepath.Join("testdata", id, "*.in.*"))
		for _, in := range inputs {
			f.Add(mustReadF(f, in), "github")
		}
		kinds := []string{c.Format()}
		if c.Format() == "JSONC" {
			kinds = append(kinds, "JSON")
		}
		for _, kind := range kinds {
			if !seeded[kind] {
				seeded[kind] = true
				for _, s := range redTeamSeeds[kind] {
					f.Add([]byte(s), "github")
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte, name string) {
		want := []Entry{NewEntry(macBinary, name), NewEntry(winBinary, name+"-2")}
		if validateEntries(want) != nil {
			return // Apply refuses such names before reading any file
		}
		for _, c := range clients {
			checkRoundTrip(t, c, src, want)
		}
	})
}

func checkRoundTrip(t *testing.T, c Client, src []byte, want []Entry) {
	t.Helper()
	f := c.spec().format
	before, err := f.meaning(src, "")
	if err != nil {
		return // not a file the client reads; TestCorruptFileStaysByteIdentical covers those
	}
	var note *holderNote // what the backup folder would say about the servers' holder
	apply := func(in []byte, want []Entry) ([]byte, Result, bool) {
		out, res, next, err := editNoted(c, in, note, func(d document) (Result, error) { return reconcile(d, want) })
		if err == nil {
			note = next
		}
		var fe *FileError
		if errors.As(err, &fe) && (errors.Is(err, ErrUnsupportedContent) || errors.Is(err, ErrInvalidFile)) {
			return nil, res, false // refused with a sentence, file untouched: allowed
		}
		if err != nil {
			t.Fatalf("%s: Apply(%d entries) on\n%q\nfailed: %v", c.ID(), len(want), in, err)
		}
		return out, res, true
	}
	hadOurs := false
	if doc, err := f.parse(src); err == nil {
		hadOurs = holdsOurs(doc)
	}
	out, _, ok := apply(src, want)
	if !ok {
		return
	}
	if ours, wantMap := ourEntries(t, c, out), byName(want); !reflect.DeepEqual(ours, wantMap) {
		t.Fatalf("%s: MCP Tray's entries after Apply = %v, want %v\n%q", c.ID(), ours, wantMap, out)
	}
	if got, _ := f.meaning(out, ""); !reflect.DeepEqual(got, before) {
		t.Fatalf("%s: Apply changed what is not MCP Tray's:\n%q\n%q", c.ID(), src, out)
	}
	if again, res, ok := apply(out, want); !ok || res.hasChanges() || string(again) != string(out) {
		t.Fatalf("%s: a second Apply changed the file (%+v):\n%q\n%q", c.ID(), res, out, again)
	}
	enabledNote := note
	removed, _, ok := apply(out, nil)
	if !ok {
		t.Fatalf("%s: Apply(nil) refused content MCP Tray wrote:\n%q", c.ID(), out)
	}
	if got, _ := f.meaning(removed, ""); !reflect.DeepEqual(got, before) {
		t.Fatalf("%s: Apply then Apply(nil) did not give back the input's meaning:\n%q\n%q", c.ID(), src, removed)
	}
	if !hadOurs && !bytes.Equal(removed, src) {
		t.Fatalf("%s: Apply then Apply(nil) did not give back the input byte for byte:\n%q\n%q\nafter Apply:\n%q", c.ID(), src, removed, out)
	}

	// A change of servers in between: one edit takes every entry of MCP Tray's out and puts
	// another in, as the reconciler does when the person's set of servers changes.
	other := []Entry{NewEntry(macBinary, want[0].Name+"-3")}
	if validateEntries(other) != nil {
		return
	}
	note = enabledNote
	changed, _, ok := apply(out, other)
	if !ok {
		t.Fatalf("%s: a change of servers refused content MCP Tray wrote:\n%q", c.ID(), out)
	}
	if ours, wantMap := ourEntries(t, c, changed), byName(other); !reflect.DeepEqual(ours, wantMap) {
		t.Fatalf("%s: MCP Tray's entries after a change of servers = %v, want %v\n%q", c.ID(), ours, wantMap, changed)
	}
	if got, _ := f.meaning(changed, ""); !reflect.DeepEqual(got, before) {
		t.Fatalf("%s: a change of servers changed what is not MCP Tray's:\n%q\n%q", c.ID(), src, changed)
	}
	removed, _, ok = apply(changed, nil)
	if !ok {
		t.Fatalf("%s: Apply(nil) refused content MCP Tray wrote:\n%q", c.ID(), changed)
	}
	if got, _ := f.meaning(removed, ""); !reflect.DeepEqual(got, before) {
		t.Fatalf("%s: Apply, a change of servers and Apply(nil) did not give back the input's meaning:\n%q\n%q", c.ID(), src, removed)
	}
	if !hadOurs && !bytes.Equal(removed, src) {
		t.Fatalf("%s: Apply, a change of servers and Apply(nil) did not give back the input byte for byte:\n%q\n%q\nafter the change:\n%q", c.ID(), src, removed, changed)
	}
}

// ourEntries is MCP Tray's entries in the written content out, by server name.
func ourEntries(t *testing.T, c Client, out []byte) map[string]Entry {
	t.Helper()
	doc, err := c.spec().format.parse(out)
	if err != nil {
		t.Fatalf("%s: the written content does not parse: %v\n%q", c.ID(), err, out)
	}
	ours := map[string]Entry{}
	for _, s := range doc.servers() {
		if s.Ours {
			ours[s.ServerName] = Entry{Name: s.ServerName, Command: s.Command, Args: s.Args}
		}
	}
	return ours
}

// byName is entries by server name.
func byName(entries []Entry) map[string]Entry {
	m := map[string]Entry{}
	for _, e := range entries {
		m[e.Name] = e
	}
	return m
}

func mustReadF(f *testing.F, path string) []byte {
	f.Helper()
	b, err := readFileBytes(path)
	if err != nil {
		f.Fatal(err)
	}
	return b
}

func readFileBytes(path string) ([]byte, error) {
	b, _, err := readFile(path)
	return b, err
}
