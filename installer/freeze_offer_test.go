package installer

import (
	"testing"

	"github.com/mcptray/mcptray/config"
)

func TestFreezeOffer(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    *config.Server
		want string
	}{
		{"files", &config.Server{Command: "npx", Args: []string{"-y", "@modelcontextprotocol/server-filesystem@2026.1.14", "/tmp"}},
			"files runs through npx, which may fetch its dependencies afresh at any start; install it into MCP Tray's folder with: mcptray server freeze files"},
		{"time", &config.Server{Command: "uvx", Args: []string{"mcp-server-time==2025.1.1"}},
			"time runs through uvx, which may fetch its dependencies afresh at any start; install it into MCP Tray's folder with: mcptray server freeze time"},
		{"frozen", &config.Server{Command: "npx", Args: []string{"-y", "pkg@1.0.0"}, Frozen: &config.Frozen{}}, ""},
		{"latest", &config.Server{Command: "npx", Args: []string{"-y", "pkg"}}, ""},
		{"own", &config.Server{Command: "/usr/bin/my-server"}, ""},
	} {
		if got := FreezeOffer(tc.name, tc.s); got != tc.want {
			t.Errorf("%s: FreezeOffer = %q, want %q", tc.name, got, tc.want)
		}
	}
}
