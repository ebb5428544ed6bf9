package clients

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// jsonClients are the JSON clients whose files differ in how they are read: strict and read in
// spans (Cursor, Claude Desktop, Claude Code), JSONC with the servers under one key (VS Code,
// Zed, Crush, Amp), with an allow-list (Gemini CLI) and with the holder chosen by content
// (opencode).
var jsonClients = []string{"cursor", "claude-desktop", "claude-code", "vscode", "zed", "gemini-cli", "opencode", "crush", "amp"}

// holderOf is the key that holds the client's servers in a file that has none yet.
func holderOf(t *testing.T, id string) string {
	t.Helper()
	c, _ := ByID(id)
	return c.spec().format.(jsonFormat).shape.containerPath(map[string]any{})[0]
}

// TestValidJSONIsNotRefused (red team): valid JSON that encoding/json cannot put in a float64
// (1e400), or whose keys hold a lone surrogate escape (\ud800), made MCP Tray refuse with "its
// own check failed (please report this)". Both are read, MCP Tray's entry goes in and out, and
// every other byte stays.
func TestValidJSONIsNotRefused(t *testing.T) {
	for _, id := range jsonClients {
		holder := holderOf(t, id)
		for _, src := range []string{
			`{"big": 1e400, "small": -1E+400, "` + holder + `": {"mine": {"command": "x", "timeout": 1e400}}}` + "\n",
			`{"` + holder + `": {"mine": {"command": "x", "args": [1e400, 2]}}, "n": [1e999]}`,
			`{"\ud800": 1, "` + holder + `": {"\udc00x": {"command": "x"}}, "a": "\ud800\u0041"}` + "\n",
			`{"` + holder + `": {"mine": {"command": "x", "env": {"\udfff": "v"}}}, "\ud800\ud800": {"k\ud800": 1e400}}`,
		} {
			enabled, disabled := enableDisable(t, id, src)
			if !strings.Contains(enabled, `"demo"`) {
				t.Errorf("%s: after enable the file holds no entry of MCP Tray's:\n%s", id, enabled)
			}
			if diff := cmp.Diff(src, disabled); diff != "" {
				t.Errorf("%s: enable then disable did not give back the file (-input +result):\n%s\nafter enable:\n%s", id, diff, enabled)
			}
		}
	}
}

// TestJSONCEndingInALineComment (red team): a JSONC file may end in a // comment with no new
// line after it (VS Code's parser reads it, hujson does not), and may hold nothing but
// comments. Neither is called invalid; the comment stays where it was, and a file that had no
// final new line still has none.
func TestJSONCEndingInALineComment(t *testing.T) {
	for _, id := range []string{"vscode", "zed", "gemini-cli", "opencode", "crush", "amp"} {
		holder := holderOf(t, id)
		for _, src := range []string{
			`{"` + holder + `": {"mine": {"command": "x"}}} // the end`,
			"{\n  \"" + holder + "\": {}\n}\n// the end",
			"{\r\n  \"" + holder + "\": {\r\n    \"mine\": {\"command\": \"x\"}\r\n  }\r\n}\r\n// the end",
			"{\"" + holder + "\": {}} /* block */ // line",
		} {
			enabled, disabled := enableDisable(t, id, src)
			if !strings.Contains(enabled, `"demo"`) || strings.HasSuffix(enabled, "\n") {
				t.Errorf("%s: after enable (want MCP Tray's entry and no final new line):\n%q", id, enabled)
			}
			if diff := cmp.Diff(src, disabled); diff != "" {
				t.Errorf("%s: enable then disable did not give back the file (-input +result):\n%s\nafter enable:\n%s", id, diff, enabled)
			}
		}
		for _, src := range []string{"// nothing here yet", "// nothing here yet\n", "/* a\n   b */\n\n"} {
			enabled, _ := enableDisable(t, id, src)
			if !strings.HasPrefix(enabled, src) || !strings.Contains(enabled, `"demo"`) {
				t.Errorf("%s: a file of comments only (%q) became\n%q\nwant the comments first, then MCP Tray's entry", id, src, enabled)
			}
		}
	}
}

// TestJSONStillRefusedWhenCutShort: the readings above do not let a file that really ends too
// early through, nor a comment in a strict client's file.
func TestJSONStillRefusedWhenCutShort(t *testing.T) {
	for _, tc := range []struct {
		id, src string
		err     error
	}{
		{"vscode", `{"servers": {}`, ErrInvalidFile},
		{"vscode", `{"servers": {} /* open`, ErrInvalidFile},
		{"vscode", "// note\n{\"servers\": ", ErrInvalidFile},
		{"vscode", `{"servers": "x // y`, ErrInvalidFile},
		{"cursor", `{"mcpServers": {}} // note`, ErrUnsupportedContent},
		{"cursor", `// note`, ErrUnsupportedContent},
	} {
		c, _ := ByID(tc.id)
		_, _, err := editBytes(c, "cfg", []byte(tc.src), "", func(d document) (Result, error) {
			return reconcile(d, []Entry{NewEntry("/usr/local/bin/mcptray", "demo")})
		})
		if !errors.Is(err, tc.err) {
			t.Errorf("%s %q: error %v, want %v", tc.id, tc.src, err, tc.err)
		}
	}
}
