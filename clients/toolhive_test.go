package clients

import (
	"path/filepath"
	"testing"
)

// TestManagerPaths checks where the other managers keep their setups on each system:
// ToolHive under adrg/xdg's StateHome (XDG_STATE_HOME first), Docker's MCP Toolkit under
// ~/.docker/mcp everywhere.
func TestManagerPaths(t *testing.T) {
	for _, tc := range []struct {
		env         Env
		state, want string
	}{
		{Env{GOOS: "linux", Home: "/home/ana"}, "", "/home/ana/.local/state/toolhive/runconfigs"},
		{Env{GOOS: "linux", Home: "/home/ana"}, "/srv/state", "/srv/state/toolhive/runconfigs"},
		{Env{GOOS: "darwin", Home: "/Users/ana"}, "", "/Users/ana/Library/Application Support/toolhive/runconfigs"},
		{Env{GOOS: "windows", Home: `C:\Users\ana`, LocalAppData: `D:\Local`}, "", filepath.Join(`D:\Local`, "toolhive", "runconfigs")},
		{Env{GOOS: "linux"}, "", ""},
	} {
		if got := ToolHiveDir(tc.env, tc.state); got != tc.want {
			t.Errorf("ToolHiveDir(%+v, %q) = %q, want %q", tc.env, tc.state, got, tc.want)
		}
	}
	if got := DockerMCPDir(Env{GOOS: "darwin", Home: "/Users/ana"}); got != "/Users/ana/.docker/mcp" {
		t.Errorf("DockerMCPDir = %q", got)
	}
}

// TestDockerMCPExpand fills Docker's {{SERVER.KEY}} templates from the person's settings and
// refuses what it cannot fill: a setting not set, another server's, the gateway's filters.
func TestDockerMCPExpand(t *testing.T) {
	s := DockerMCPServer{Name: "sqlite", config: map[string]any{"db": "notes.db", "size": 4096, "paths": []any{"/a"}}}
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"/mcp/{{sqlite.db}}", "/mcp/notes.db", true},
		{"{{ sqlite.size }}", "4096", true},
		{"plain", "plain", true},
		{"{{sqlite.missing}}", "", false},
		{"{{other.db}}", "", false},
		{"{{sqlite.paths|volume|into}}", "", false},
		{"{{sqlite.paths}}", "", false},
	} {
		got, ok := s.Expand(tc.in)
		if ok != tc.ok || ok && got != tc.want {
			t.Errorf("Expand(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
