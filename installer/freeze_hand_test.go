package installer

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/store"
)

func TestFreezable(t *testing.T) {
	for _, tc := range []struct {
		command string
		args    []string
		want    store.Package
		rest    []string
		why     string // part of the reason when it cannot be frozen
	}{
		{"npx", []string{"-y", "@scope/server@1.2.3", "stdio"}, store.Package{Registry: "npm", Name: "@scope/server", Version: "1.2.3"}, []string{"stdio"}, ""},
		{"/usr/bin/npx", []string{"--yes", "--package=pkg@2026.8.31", "pkg-cli", "--port", "1"}, store.Package{Registry: "npm", Name: "pkg", Version: "2026.8.31", Bin: "pkg-cli"}, []string{"--port", "1"}, ""},
		{"npx", []string{"-y", "pkg"}, store.Package{}, nil, "names no exact version"},
		{"npx", []string{"-y", "pkg@^1.0.0"}, store.Package{}, nil, "names no exact version"},
		{"npx", []string{"--registry=https://x.example", "pkg@1.0.0"}, store.Package{}, nil, "cannot carry over"},
		{"uvx", []string{"mcp-server-time==0.6.2", "--local-timezone", "UTC"}, store.Package{Registry: "pypi", Name: "mcp-server-time", Version: "0.6.2"}, []string{"--local-timezone", "UTC"}, ""},
		{"uvx", []string{"mcp-server-git@2025.1.14"}, store.Package{Registry: "pypi", Name: "mcp-server-git", Version: "2025.1.14"}, []string{}, ""},
		{"uvx", []string{"--index-url", "https://pypi.example/simple", "--from", "tool==1.0.0", "tool-mcp"}, store.Package{Registry: "pypi", Name: "tool", Version: "1.0.0", Bin: "tool-mcp", RegistryURL: "https://pypi.example/simple"}, []string{}, ""},
		{"uvx", []string{"--index-url", "file:///tmp/evil", "tool==1.0.0"}, store.Package{}, nil, "not a web address"},
		{"uvx", []string{"mcp-server-fetch"}, store.Package{}, nil, "names no exact version"},
		{"uvx", []string{"--with", "extra", "tool==1.0.0"}, store.Package{}, nil, "cannot carry over"},
		{"node", []string{"server.js"}, store.Package{}, nil, "neither npx nor uvx"},
	} {
		p, rest, why := Freezable(&config.Server{Command: tc.command, Args: tc.args})
		if tc.why != "" {
			if !strings.Contains(why, tc.why) {
				t.Errorf("%s %q: why = %q, want it to say %q", tc.command, tc.args, why, tc.why)
			}
			continue
		}
		if why != "" {
			t.Errorf("%s %q: refused: %s", tc.command, tc.args, why)
			continue
		}
		if diff := cmp.Diff(tc.want, p); diff != "" {
			t.Errorf("%s %q: package (-want +got):\n%s", tc.command, tc.args, diff)
		}
		if diff := cmp.Diff(tc.rest, rest); diff != "" && !(len(tc.rest) == 0 && len(rest) == 0) {
			t.Errorf("%s %q: server args (-want +got):\n%s", tc.command, tc.args, diff)
		}
	}
}
