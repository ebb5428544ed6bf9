package clients

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/tailscale/hujson"
)

// allowedIn is Gemini CLI's mcp.allowed in the JSONC src.
func allowedIn(t *testing.T, src string) []string {
	t.Helper()
	v, err := hujson.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	m, err := standardMeaning(&v)
	if err != nil {
		t.Fatal(err)
	}
	list, _ := stringList(m, geminiShape.allowed)
	return list
}

// TestAllowListGivesBackPersonsItems: enable then disable gives back the allow-list as the
// person had it: their own items (one that names MCP Tray's server too), their comments and
// their trailing comma. In between the list names MCP Tray's entry, so Gemini CLI loads it,
// and no comment of the person's is copied.
func TestAllowListGivesBackPersonsItems(t *testing.T) {
	mine := `"mcpServers": {"mine": {"command": "x"}}`
	for _, src := range []string{
		"{\n  \"mcp\": {\"allowed\": [\n    // first\n    \"demo\",\n    // second\n    \"mine\"\n  ]},\n  " + mine + "\n}\n",
		"{\n  \"mcp\": {\"allowed\": [\"demo\"]},\n  \"mcpServers\": {}\n}\n",
		"{\n  \"mcp\": {\"allowed\": [\n    \"mine\",\n  ]},\n  " + mine + "\n}\n",
		"{\n  \"mcp\": {\"allowed\": [\n    // first\n    \"mine\"\n  ]},\n  " + mine + "\n}\n",
		"{\n  \"mcp\": {\"allowed\": [\"mine\" // mine\n  ]},\n  " + mine + "\n}\n",
		"{\n  \"mcp\": {\"allowed\": [\"mine\"]},\n  " + mine + "\n}\n",
		"{\n  \"mcp\": {\"allowed\": [\"mine\",]},\n  " + mine + "\n}\n",
		"{\n  \"mcp\": {\"allowed\": []},\n  " + mine + "\n}\n",
		"{\n  \"mcp\": {\"allowed\": [\n  ]},\n  " + mine + "\n}\n",
	} {
		enabled, disabled := enableDisable(t, "gemini-cli", src)
		if diff := cmp.Diff(src, disabled); diff != "" {
			t.Errorf("enable then disable did not give back the file (-input +result):\n%s\nafter enable:\n%s", diff, enabled)
		}
		if !slices.Contains(allowedIn(t, enabled), "demo") {
			t.Errorf("after enable mcp.allowed leaves out MCP Tray's entry:\n%s", enabled)
		}
		for _, c := range []string{"// first", "// second", "// mine"} {
			if strings.Count(enabled, c) != strings.Count(src, c) {
				t.Errorf("after enable %q appears %d times, in the input %d:\n%s", c, strings.Count(enabled, c), strings.Count(src, c), enabled)
			}
		}
	}
}

// TestAllowListNewNameAfterPersonsLineComment: a name MCP Tray adds goes after the comment
// that ends the person's last line, not in front of it.
func TestAllowListNewNameAfterPersonsLineComment(t *testing.T) {
	src := "{\n  \"mcp\": {\"allowed\": [\"mine\" // mine\n  ]},\n  \"mcpServers\": {\"mine\": {\"command\": \"x\"}}\n}\n"
	enabled, _ := enableDisable(t, "gemini-cli", src)
	if !strings.Contains(enabled, "\"mine\", // mine\n") {
		t.Errorf("after enable the person's comment no longer ends their line:\n%s", enabled)
	}
}
