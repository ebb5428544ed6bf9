package clients

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// TestUneditableContentIsRefused covers files that parse but that MCP Tray cannot change
// without changing what they mean to someone: each is refused with a sentence, untouched.
func TestUneditableContentIsRefused(t *testing.T) {
	tests := []struct {
		client, input, says string
	}{
		{"cursor", `{"mcpServers": {"a": {"command": "npx"}, "a": {"command": "uvx"}}}`, `lists the server "a" twice`},
		{"cursor", `{"mcpServers": []}`, `holds "mcpServers" as a list at line 1, where Cursor expects an object`},
		{"cursor", `[1, 2]`, "holds a list at the top instead of a JSON object"},
		{"opencode", `{"mcp": "off"}`, `holds "mcp" as a string`},
		{"codex", "[[mcp_servers]]\nname = \"a\"\n", "uses mcp_servers for something other than a table"},
		{"codex", "[mcp_servers]\ngithub = { command = \"/opt/mcptray\", args = [\"connect\", \"github\"] }\n", `defines the server "github" in a form MCP Tray does not edit`},
		{"goose", "base: &b\n  enabled: true\nextensions:\n  a:\n    <<: *b\n    cmd: x\n  <<: {}\n", "uses YAML anchors or aliases in extensions"},
		{"goose", "extensions: &e\n  a:\n    cmd: x\nother: *e\n", "shares extensions with other parts of the file through a YAML anchor"},
		{"goose", "extensions: {a: {cmd: x}}\n", "writes extensions in YAML's one-line style"},
		{"goose", "extensions: [a]\n", "holds extensions at line 1 as something other than a mapping"},
		{"goose", "{extensions: {}}\n", "one-line {…} style"},
		{"continue", "- a\n- b\n", "does not hold a YAML mapping at the top"},
		{"continue", "name: x\n---\nname: y\n", "more than one YAML document"},
	}
	for _, tt := range tests {
		c := mustClient(t, tt.client)
		home := t.TempDir()
		path := filepath.Join(home, "config"+defaultExt(c))
		writeFile(t, path, []byte(tt.input))
		want := []Entry{NewEntry("/new/mcptray", "github")}
		_, err := Apply(c, path, want, ApplyOptions{Backups: backupsOf(home)})
		if !errors.Is(err, ErrUnsupportedContent) || !strings.Contains(err.Error(), tt.says) || !strings.HasSuffix(err.Error(), "; MCP Tray left it untouched.") {
			t.Errorf("%s %q: error %v, want ErrUnsupportedContent saying %q", tt.client, tt.input, err, tt.says)
		}
		if got := string(mustRead(t, path)); got != tt.input {
			t.Errorf("%s: the file changed to %q", tt.client, got)
		}
	}
}

func TestYAMLListItemWithDashAlone(t *testing.T) {
	c := mustClient(t, "continue")
	home := t.TempDir()
	path := filepath.Join(home, "config.yaml")
	input := "mcpServers:\n  -\n    name: memory\n    command: /old/mcptray\n    args: [connect, memory]\n  - name: time\n    command: uvx\n"
	writeFile(t, path, []byte(input))
	if _, err := Apply(c, path, nil, ApplyOptions{Backups: backupsOf(home)}); err != nil {
		t.Fatal(err)
	}
	if got, want := string(mustRead(t, path)), "mcpServers:\n  - name: time\n    command: uvx\n"; got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
