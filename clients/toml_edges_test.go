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
