package install

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/internal/testbin"
)

// TestFreezeHandAddedUvxServer: a server added by hand as `uvx --index-url URL pkg==VERSION`
// is offered a freeze in `server list`; `server freeze` installs it from that index into MCP
// Tray's folder with its dependencies locked, and it then starts and answers with the index
// gone and no uvx on the computer at all.
func TestFreezeHandAddedUvxServer(t *testing.T) {
	ix, _, _, _, _ := tinyIndex(t)

	u := newUser(t, "off", testbin.NpmCache())
	u.Env = withoutEnv(u.Env, "PYTHONDONTWRITEBYTECODE")
	u.OK("server", "add", "tiny", "--", "uvx", "--index-url", ix.SimpleURL(), "tiny-mcp==1.0.0")
	if list := u.OK("server", "list"); !strings.Contains(list, "tiny runs through uvx") || !strings.Contains(list, "mcptray server freeze tiny") {
		t.Errorf("server list offers no freeze for the uvx server:\n%s", list)
	}
	out := u.OK("server", "freeze", "tiny")
	if !strings.Contains(out, "tiny now runs tiny-mcp 1.0.0 from") {
		t.Errorf("server freeze said:\n%s", out)
	}
	s := checkFrozenPyPI(t, u, "tiny", "tiny-mcp", "1.0.0")
	if slices.Contains(s.Args, "--index-url") {
		t.Errorf("the frozen server still names uvx's options: %q %q", s.Command, s.Args)
	}

	ix.Close()
	u.Daemon()
	u.WaitRunning("tiny")
	if tools := tsListTools(t, u, "tiny"); !slices.Equal(tools, []string{"shout"}) {
		t.Errorf("the frozen tiny lists %v; want [shout]", tools)
	}
}

// checkFrozenPyPI is checkFrozen for a PyPI server: its environment's python runs its script,
// both in servers/NAME/VERSION/venv.
func checkFrozenPyPI(t testing.TB, u *testbin.User, server, pkg, version string) frozenServer {
	t.Helper()
	s, ok := frozenServers(t, u)[server]
	dir := filepath.Join(u.Home, "servers", server, version)
	if !ok || s.Frozen == nil || s.Frozen.Registry != "pypi" || s.Frozen.Package != pkg || s.Frozen.Version != version || s.Frozen.Dir != dir ||
		s.Command != filepath.Join(dir, "venv", "bin", "python") || len(s.Args) == 0 || !strings.HasPrefix(s.Args[0], dir+string(filepath.Separator)) {
		t.Fatalf("config.json's %s is not installed into %s: %+v", server, dir, s)
	}
	return s
}
