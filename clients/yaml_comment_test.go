package clients

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// A comment the person put on the holder's key line while MCP Tray's entries were under it
// stays a comment when the last entry goes: YAML wants white space before a comment, and
// `extensions: {}# c` is no comment to stricter readers (libyaml, which Goose's and
// Continue's YAML libraries are built like, refuses the file). It came back so.
func TestYAMLCommentOnTheKeyLineStaysAComment(t *testing.T) {
	want := []Entry{NewEntry("/usr/local/bin/mcptray", "demo")}
	for _, h := range yamlHolders {
		c := mustClient(t, h.id)
		for _, src := range []string{"a: 1\n", h.key + ":\n", h.key + ": " + h.empty + "\n"} {
			enabled, note := notedStep(t, c, src, nil, want)
			lines := strings.Split(enabled, "\n")
			edited := false
			for i, l := range lines {
				if strings.TrimRight(l, " ") == h.key+":" {
					lines[i] = h.key + ": # the person's note"
					edited = true
				}
			}
			if !edited {
				t.Fatalf("%s: no bare %s: line after enabling %q:\n%s", c.ID(), h.key, src, enabled)
			}
			disabled, _ := notedStep(t, c, strings.Join(lines, "\n"), note, nil)
			for _, l := range strings.Split(disabled, "\n") {
				if strings.HasPrefix(l, h.key+":") && !strings.Contains(l, " # the person's note") {
					t.Errorf("%s: from %q, the key line came back as %q: the comment is no longer one", c.ID(), src, l)
				}
			}
			var v any
			if err := yaml.Unmarshal([]byte(disabled), &v); err != nil {
				t.Errorf("%s: from %q, the result does not read: %v\n%s", c.ID(), src, err, disabled)
			}
		}
	}
}
