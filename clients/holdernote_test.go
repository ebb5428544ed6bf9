package clients

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// enableDisableNoted is enableDisable with the note edit keeps in the backup folder carried
// from the first edit to the second, as Apply carries it.
func enableDisableNoted(t *testing.T, id, src string) (enabled, disabled string) {
	t.Helper()
	c, ok := ByID(id)
	if !ok {
		t.Fatalf("no client %s", id)
	}
	want := []Entry{NewEntry("/usr/local/bin/mcptray", "demo")}
	out1, _, note, err := editNoted(c, []byte(src), nil, func(d document) (Result, error) { return reconcile(d, want) })
	if err != nil {
		t.Fatalf("%s: enable: %v", id, err)
	}
	out2, _, note, err := editNoted(c, out1, note, func(d document) (Result, error) { return reconcile(d, nil) })
	if err != nil {
		t.Fatalf("%s: disable: %v\nafter enable:\n%s", id, err, out1)
	}
	if note != nil {
		t.Errorf("%s: a note is kept after MCP Tray's last entry went: %+v", id, note)
	}
	return string(out1), string(out2)
}

// TestHolderMCPTrayAddedGoesAgain (red team): {"a":1}, which has no mcpServers, came back from
// enable and disable with "mcpServers": {} added. The servers' holder MCP Tray adds with its
// first entry goes with its last one, whatever the file's layout: one line, CRLF, tabs, a
// byte order mark, a comment at its end; an empty file, one of white space or of comments
// only gets exactly its bytes back.
func TestHolderMCPTrayAddedGoesAgain(t *testing.T) {
	json := []string{
		`{"a":1}`,
		"{\"a\":1}\n",
		"{\r\n  \"a\": 1\r\n}\r\n",
		"{\n\t\"a\": 1\n}\n",
		"\xef\xbb\xbf{\"a\": 1}\n",
		"{}",
		"{ }\n",
		"{\n}",
		"",
		"  \n",
		"\r\n",
		`{"a": 1e400, "b": {"c": [1, 2]}}`,
	}
	jsonc := []string{
		"{\"a\": 1, // one\n}\n",
		"{\"a\": 1} // the end",
		"// only a comment",
		"// only a comment\n",
		"/* one */\r\n// two\r\n",
		"\xef\xbb\xbf// bom and a comment\n",
		"{\n  // nothing yet\n}\n",
		"{ /* nothing yet */ }",
		"{/**/}",
	}
	cases := map[string][]string{
		"claude-desktop": json,
		"cursor":         json,
		"claude-code":    json,
		"copilot-cli":    json,
		"vscode":         append(append([]string{}, json...), jsonc...),
		"zed":            append(append([]string{}, json...), jsonc...),
		"gemini-cli":     append(append([]string{}, json...), jsonc...),
		"opencode":       append(append([]string{}, json...), jsonc...),
		"crush":          jsonc,
		"amp":            jsonc,
		"goose":          {"a: 1", "a: 1\n", "a: 1\r\nb: 2", "a: 1\r\nb: 2\r\n", "# only", "# only\n", "", "\n\n", "a:\n  - b\n"},
		"continue":       {"name: x\nversion: 1", "name: x\n", "", "  \n", "# only\n"},
	}
	for id, srcs := range cases {
		for _, src := range srcs {
			enabled, disabled := enableDisableNoted(t, id, src)
			if enabled == src {
				t.Errorf("%s: enable changed nothing in %q", id, src)
			}
			if diff := cmp.Diff(src, disabled); diff != "" {
				t.Errorf("%s: enable then disable did not give back %q (-input +result):\n%s\nafter enable:\n%q", id, src, diff, enabled)
			}
		}
	}
}

// TestEmptyHolderIsWrittenBackAsItWas: a holder that was there but empty comes back as it was
// written, not as {}: with white space between its braces, or as a YAML key with no value.
func TestEmptyHolderIsWrittenBackAsItWas(t *testing.T) {
	for id, srcs := range map[string][]string{
		"cursor":   {`{"mcpServers": { }}`, "{\"mcpServers\": {\n}}", "{\n  \"mcpServers\": {\n  }\n}\n", `{"mcpServers": {  }, "a": 1}`},
		"vscode":   {"{\"servers\": {\r\n\r\n}}\r\n", "{\"servers\": {\n\t}, // c\n}", "{\n  \"servers\": { /* none */ }\n}", "{\n  \"servers\": {\n    // none\n  }\n}"},
		"goose":    {"extensions:\n", "extensions:", "extensions:   # mine\n", "a: 1\r\nextensions:\r\n"},
		"continue": {"mcpServers:\n", "name: x\nmcpServers:  # c"},
	} {
		for _, src := range srcs {
			enabled, disabled := enableDisableNoted(t, id, src)
			if diff := cmp.Diff(src, disabled); diff != "" {
				t.Errorf("%s: enable then disable did not give back %q (-input +result):\n%s\nafter enable:\n%q", id, src, diff, enabled)
			}
		}
	}
}

// TestHolderEditedInBetween: the note holds only while the holder holds an entry of MCP
// Tray's. Whatever else the person changes in between stays; a holder they emptied, or took
// out and wrote again, is theirs and stays; their own entry keeps the holder.
func TestHolderEditedInBetween(t *testing.T) {
	c := mustClient(t, "cursor")
	home := t.TempDir()
	path := filepath.Join(home, "mcp.json")
	opts := ApplyOptions{Backups: backupsOf(home)}
	want := []Entry{NewEntry("/usr/local/bin/mcptray", "demo")}
	apply := func(want []Entry) string {
		t.Helper()
		if _, err := Apply(c, path, want, opts); err != nil {
			t.Fatal(err)
		}
		return string(mustRead(t, path))
	}
	edit := func(from, to string) {
		t.Helper()
		text := string(mustRead(t, path))
		if !strings.Contains(text, from) {
			t.Fatalf("%q not in %q", from, text)
		}
		writeFile(t, path, []byte(strings.Replace(text, from, to, 1)))
	}

	// The person changes another setting and adds one after the holder: both stay.
	writeFile(t, path, []byte("{\n  \"a\": 1\n}\n"))
	apply(want)
	edit(`"a": 1`, `"a": 2`)
	edit("\n}\n", ",\n  \"b\": true\n}\n")
	if got, want := apply(nil), "{\n  \"a\": 2,\n  \"b\": true\n}\n"; got != want {
		t.Errorf("after their edits and disable:\n%q\nwant\n%q", got, want)
	}

	// Their own server in the holder MCP Tray added: the holder stays, with it.
	writeFile(t, path, []byte(`{"a": 1}`))
	apply(want)
	edit(`"mcpServers": {`, `"mcpServers": {"mine": {"command": "x"}, `)
	if got := apply(nil); got != `{"a": 1, "mcpServers": {"mine": {"command": "x"}}}` {
		t.Errorf("their server went with the holder, or the holder with it: %q", got)
	}

	// They empty the holder by hand: it is theirs from then on and stays through the next
	// enable and disable.
	writeFile(t, path, []byte(`{"a": 1}`))
	apply(want)
	writeFile(t, path, []byte(`{"a": 1,"mcpServers": {}}`))
	apply(want)
	if got := apply(nil); got != `{"a": 1,"mcpServers": {}}` {
		t.Errorf("a holder the person emptied was taken away: %q", got)
	}

	// They take the holder out and their client writes its own: that one stays too.
	writeFile(t, path, []byte(`{"a": 1}`))
	apply(want)
	writeFile(t, path, []byte("{\"mcpServers\": {}, \"a\": 1}\n"))
	apply(want)
	if got := apply(nil); got != "{\"mcpServers\": {}, \"a\": 1}\n" {
		t.Errorf("a holder the client wrote was taken away: %q", got)
	}
	if _, err := os.Stat(backupsOf(home).holderNotePath(c.ID(), path)); !os.IsNotExist(err) {
		t.Errorf("a note is left in the backup folder: %v", err)
	}
}

// TestHolderNoteKeepsNoCredential: a file of comments only may hold a token in a comment;
// the note in the backup folder keeps a hash of it, never the text.
func TestHolderNoteKeepsNoCredential(t *testing.T) {
	c := mustClient(t, "vscode")
	home := t.TempDir()
	path := filepath.Join(home, "mcp.json")
	const secret = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"
	src := "// GITHUB_TOKEN=" + secret + "\n"
	writeFile(t, path, []byte(src))
	opts := ApplyOptions{Backups: backupsOf(home)}
	if _, err := Apply(c, path, []Entry{NewEntry("/usr/local/bin/mcptray", "demo")}, opts); err != nil {
		t.Skipf("no keychain to keep the backup's credential in: %v", err)
	}
	if note := mustRead(t, backupsOf(home).holderNotePath(c.ID(), path)); strings.Contains(string(note), secret) {
		t.Errorf("the note holds the token:\n%s", note)
	}
	if _, err := Apply(c, path, nil, opts); err != nil {
		t.Fatal(err)
	}
	if got := string(mustRead(t, path)); got != src {
		t.Errorf("after disable %q, want %q", got, src)
	}
}

// TestFileMCPTrayCreatedStaysAsWritten: a file that did not exist gets no note; taking MCP
// Tray's entries out leaves it as MCP Tray writes a new one (the holder with nothing in it).
func TestFileMCPTrayCreatedStaysAsWritten(t *testing.T) {
	c := mustClient(t, "cursor")
	home := t.TempDir()
	path := filepath.Join(home, "new", "mcp.json")
	opts := ApplyOptions{Backups: backupsOf(home)}
	if _, err := Apply(c, path, []Entry{NewEntry("/usr/local/bin/mcptray", "demo")}, opts); err != nil {
		t.Fatal(err)
	}
	if _, err := Apply(c, path, nil, opts); err != nil {
		t.Fatal(err)
	}
	if got := string(mustRead(t, path)); got != "{\n  \"mcpServers\": {}\n}\n" {
		t.Errorf("got %q", got)
	}
}

// TestHolderGoesFromABigFileReadInSpans: a ~/.claude.json big enough to be read in spans
// (json_large.go) without a top-level mcpServers gets it back out, byte for byte, and the
// check of that edit looks at the end of the file only.
func TestHolderGoesFromABigFileReadInSpans(t *testing.T) {
	full := bigClaudeJSON(2<<20, 5)
	s, ok := scanStrictObject(full)
	if !ok {
		t.Fatal("the generated file is not strict JSON")
	}
	var src []byte
	for i, m := range s.members {
		if string(m.name) == `"mcpServers"` && i > 0 {
			src = append(append([]byte{}, full[:s.members[i-1].valEnd]...), full[m.valEnd:]...)
		}
	}
	if src == nil || !json.Valid(src) {
		t.Fatal("could not take mcpServers out of the generated file")
	}
	c := mustClient(t, "claude-code")
	if d, err := c.spec().format.(jsonFormat).parseDoc(src, true); err != nil || d.spans == nil {
		t.Fatalf("the file is not read in spans (%v)", err)
	}
	home := t.TempDir()
	path := filepath.Join(home, ".claude.json")
	writeFile(t, path, src)
	opts := ApplyOptions{Backups: backupsOf(home)}
	if _, err := Apply(c, path, goldenWant(""), opts); err != nil {
		t.Fatal(err)
	}
	if _, err := Apply(c, path, nil, opts); err != nil {
		t.Fatal(err)
	}
	if back := mustRead(t, path); !bytes.Equal(back, src) {
		t.Fatalf("enable then disable did not give back the file byte for byte (%d → %d bytes): ends %q", len(src), len(back), back[max(0, len(back)-80):])
	}
}
