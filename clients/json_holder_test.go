package clients

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// changeOfServers is what the reconciler asks of a file when the set of servers changes
// between an enable and a disable: one edit takes github out and puts gitlab in.
var changeOfServers = [][]Entry{
	{NewEntry("/usr/local/bin/mcptray", "github")},
	{NewEntry("/usr/local/bin/mcptray", "gitlab")},
	nil,
}

// editInTurn makes the edits of wants one after the other on src, carrying the holder note
// from one to the next as Apply does, and returns the last result.
func editInTurn(t *testing.T, c Client, src string, wants [][]Entry) string {
	t.Helper()
	var note *holderNote
	out := []byte(src)
	for _, want := range wants {
		var err error
		out, _, note, err = editNoted(c, out, note, func(d document) (Result, error) { return reconcile(d, want) })
		if err != nil {
			t.Fatalf("%s: %q: %v", c.ID(), src, err)
		}
	}
	if note != nil {
		t.Errorf("%s: %q: a note is kept after MCP Tray's last entry went: %+v", c.ID(), src, note)
	}
	return string(out)
}

// TestJSONHolderNoteOutlivesAChangeOfServers (known bug): {"a":1} came back from enable, a
// change of servers and disable as {"a":1,"mcpServers":{}}. The {} that remove left for a
// moment in the edit that changed the servers was noted as the person's empty holder, which
// replaced the note that MCP Tray had added it. It is MCP Tray's: the note of how the holder
// was before MCP Tray's first entry stays, whether MCP Tray added the holder, the person had
// it empty (with any white space, or a comment, between its braces) or with a server of their
// own in it; strict JSON (read in spans) and JSONC alike.
func TestJSONHolderNoteOutlivesAChangeOfServers(t *testing.T) {
	for _, id := range []string{"claude-desktop", "claude-code", "copilot-cli", "vscode", "zed", "gemini-cli", "opencode", "crush", "amp"} {
		c := mustClient(t, id)
		f := c.spec().format.(jsonFormat)
		key := `"` + f.shape.containerPath(nil)[0] + `"`
		sources := []string{
			`{"a":1}`,
			"{\n  \"a\": 1\n}\n",
			"{\r\n\t\"a\": 1\r\n}\r\n",
			"\xef\xbb\xbf{\"a\": 1}\n",
			"{}",
			"",
			"  \n",
			`{"a":1,` + key + `:{}}`,
			`{"a":1,` + key + `:{ ` + "\t" + ` }}`,
			"{\n  " + key + ": {\n\n  },\n  \"a\": 1\n}\n",
			"{\r\n  " + key + ":  {\r\n  }\r\n}\r\n",
			`{` + key + `:{"mine":{"command":"x"}}}`,
			"{\n  \"a\": 1,\n  " + key + ": {\n    \"mine\": {\"command\": \"x\"}\n  }\n}\n",
		}
		if f.kind() == "JSONC" {
			sources = append(sources,
				`{`+key+`: { /* mine */ }}`,
				"{\n  "+key+": {\n    // mine\n  },\n}\n",
				"// only a comment\n",
				"{\"a\": 1, // the end\n}",
			)
		}
		for _, src := range sources {
			if diff := cmp.Diff(src, editInTurn(t, c, src, changeOfServers)); diff != "" {
				t.Errorf("%s: enable, a change of servers and disable did not give back %q (-input +result):\n%s", id, src, diff)
			}
		}
	}
}

// TestJSONHolderNoteOutlivesAChangeOfServersInTheBackupFolder is the known bug as a person
// met it: through Apply, with the holder note in the backup folder.
func TestJSONHolderNoteOutlivesAChangeOfServersInTheBackupFolder(t *testing.T) {
	for _, id := range []string{"claude-desktop", "vscode"} {
		c := mustClient(t, id)
		home := t.TempDir()
		path := filepath.Join(home, "config.json")
		src := `{"a":1}`
		writeFile(t, path, []byte(src))
		opts := ApplyOptions{Backups: backupsOf(home)}
		for _, want := range changeOfServers {
			if _, err := Apply(c, path, want, opts); err != nil {
				t.Fatal(err)
			}
			if want == nil {
				break
			}
			note := string(mustRead(t, backupsOf(home).holderNotePath(c.ID(), path)))
			if !strings.Contains(note, "added: MCP Tray added them") {
				t.Errorf("%s: after enabling %s the note no longer says MCP Tray added the holder:\n%s", id, want[0].Name, note)
			}
		}
		if got := string(mustRead(t, path)); got != src {
			t.Errorf("%s: after disable %q, want %q", id, got, src)
		}
		if _, err := os.Stat(backupsOf(home).holderNotePath(c.ID(), path)); !os.IsNotExist(err) {
			t.Errorf("%s: the note is left in the backup folder: %v", id, err)
		}
	}
}

// TestTOMLChangeOfServersGivesBackTheFile: Codex's tables have no holder, but taking MCP
// Tray's table out and putting another in, in one edit, must still leave the file as it was
// once the last one goes, whatever its end and whatever tables the person has.
func TestTOMLChangeOfServersGivesBackTheFile(t *testing.T) {
	c := mustClient(t, "codex")
	for _, src := range []string{
		"",
		"\n",
		`model = "o3"`,
		"model = \"o3\"\n",
		"model = \"o3\"\n\n\n",
		"model = 1\r\nfoo = 2",
		"# only a comment",
		"\xef\xbb\xbfmodel = 1\n",
		"[mcp_servers.mine]\ncommand = \"x\"",
		"[mcp_servers.mine]\ncommand = \"x\"\n",
		"[mcp_servers.mine]\r\ncommand = \"x\"\r\n\r\n# the end",
		"[mcp_servers.mine]\ncommand = \"x\"\n[other]\ny = 1\n",
		"[mcp_servers.mine]\ncommand = \"x\"\n\n[other]\ny = 1",
		"[other]\ny = 1\n\n[mcp_servers.mine]\ncommand = \"x\"\n\n# about z\n[z]\nw = 2\n",
	} {
		if diff := cmp.Diff(src, editInTurn(t, c, src, changeOfServers)); diff != "" {
			t.Errorf("enable, a change of servers and disable did not give back %q (-input +result):\n%s", src, diff)
		}
	}
}
