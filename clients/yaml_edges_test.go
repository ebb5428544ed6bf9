package clients

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestYAMLFileEndsAsItDid (red team): a Goose or Continue file without a final new line got
// one after enable and disable. With the servers' holder already there, taking MCP Tray's
// entry out gives back the file byte for byte, whatever its end.
func TestYAMLFileEndsAsItDid(t *testing.T) {
	for id, srcs := range map[string][]string{
		"goose": {
			"extensions:\n  mine:\n    cmd: x",
			"extensions:\n  mine:\n    cmd: x\n",
			"extensions:\r\n  mine:\r\n    cmd: x",
			"extensions: {}",
			"extensions: {}\r\n",
			"a: 1\nextensions:\n  mine:\n    cmd: x\n# the end",
			"\xef\xbb\xbfextensions:\n  mine:\n    cmd: x",
		},
		"continue": {
			"name: x\nmcpServers:\n  - name: mine\n    command: x",
			"name: x\r\nmcpServers: []",
		},
	} {
		for _, src := range srcs {
			enabled, disabled := enableDisable(t, id, src)
			if diff := cmp.Diff(src, disabled); diff != "" {
				t.Errorf("%s: enable then disable did not give back %q (-input +result):\n%s\nafter enable:\n%q", id, src, diff, enabled)
			}
		}
	}
}
