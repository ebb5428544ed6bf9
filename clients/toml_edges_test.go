package clients

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestTOMLStringLinesStartingWithHashAreNotComments (red team): a multi-line string whose
// last line starts with # was taken for a comment above the next table, so MCP Tray's table
// went inside the string, its own check caught it, and the person was told to report a bug.
// The table goes after the string, and taking it out gives back the file.
func TestTOMLStringLinesStartingWithHashAreNotComments(t *testing.T) {
	for _, src := range []string{
		"[mcp_servers.mine]\ncommand = \"x\"\nnote = \"\"\"\nfirst\n# not a comment\"\"\"\n[other]\ny = 1\n",
		"[mcp_servers.mine]\ncommand = \"x\"\nnote = '''\n# one\n  # two'''\n\n[other]\ny = 1\n",
		"[mcp_servers.mine]\ncommand = \"x\"\nnote = \"\"\"\n# a\n\"\"\"\n# a real comment about other\n[other]\ny = 1\n",
		"[mcp_servers.mine]\ncommand = \"x\"\nargs = [\n  \"a\",\n# inside the list\n]\n[other]\ny = 1\n",
	} {
		enabled, disabled := enableDisable(t, "codex", src)
		if !strings.Contains(enabled, "[mcp_servers.demo]") {
			t.Errorf("after enable there is no table of MCP Tray's:\n%s", enabled)
		}
		if diff := cmp.Diff(src, disabled); diff != "" {
			t.Errorf("enable then disable did not give back the file (-input +result):\n%s\nafter enable:\n%s", diff, enabled)
		}
	}
}

// TestTOMLFileEndsAsItDid (red team): a config.toml without a final new line got one after
// enable and disable, and blank lines at its end were lost. Taking MCP Tray's table out now
// gives back the file byte for byte, whatever its end: no new line, CRLF, blank lines, a
// comment, nothing at all. A byte order mark, which Codex's parser skips, is kept.
func TestTOMLFileEndsAsItDid(t *testing.T) {
	for _, src := range []string{
		`model = "o3"`,
		"model = \"o3\"\n",
		"model = \"o3\"\n\n\n",
		"model = 1\r\nfoo = 2",
		"model = 1\r\nfoo = 2\r\n\r\n",
		"# only a comment",
		"# only a comment\n",
		"",
		"\n",
		"\t\n",
		"[mcp_servers.mine]\ncommand = \"x\"",
		"[mcp_servers.mine]\r\ncommand = \"x\"\r\n\r\n# the end",
		"\xef\xbb\xbfmodel = 1\n",
		"\xef\xbb\xbf[mcp_servers.mine]\ncommand = \"x\"",
	} {
		enabled, disabled := enableDisable(t, "codex", src)
		if diff := cmp.Diff(src, disabled); diff != "" {
			t.Errorf("enable then disable did not give back %q (-input +result):\n%s\nafter enable:\n%q", src, diff, enabled)
		}
		if strings.HasPrefix(src, "\xef\xbb\xbf") != strings.HasPrefix(enabled, "\xef\xbb\xbf") {
			t.Errorf("the byte order mark of %q was not kept:\n%q", src, enabled)
		}
	}
}

// TestTOMLNewTableLooksTyped: the table MCP Tray appends is set off by one blank line, and a
// file that ends without a new line still ends without one (the person's habit).
func TestTOMLNewTableLooksTyped(t *testing.T) {
	for src, want := range map[string]string{
		`model = "o3"`:       "model = \"o3\"\n\n[mcp_servers.demo]\ncommand = \"/usr/local/bin/mcptray\"\nargs = [\"connect\", \"demo\"]",
		"model = \"o3\"\n":   "model = \"o3\"\n\n[mcp_servers.demo]\ncommand = \"/usr/local/bin/mcptray\"\nargs = [\"connect\", \"demo\"]\n",
		"model = \"o3\"\r\n": "model = \"o3\"\r\n\r\n[mcp_servers.demo]\r\ncommand = \"/usr/local/bin/mcptray\"\r\nargs = [\"connect\", \"demo\"]\r\n",
	} {
		enabled, _ := enableDisable(t, "codex", src)
		if diff := cmp.Diff(want, enabled); diff != "" {
			t.Errorf("after enable of %q (-want +got):\n%s", src, diff)
		}
	}
}
