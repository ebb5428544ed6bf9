package install

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/internal/testbin"
)

// TestFreezeHandAddedServer: a server added by hand as `npx -y package@version` is offered a
// freeze in `server list`; `server freeze` installs it into MCP Tray's folder and switches it
// to node, keeping its arguments; a changed file in that folder then stops it with a
// sentence naming the file, and it stays stopped; removing it deletes its files.
func TestFreezeHandAddedServer(t *testing.T) {
	testbin.NeedNpx(t)
	testbin.NeedNode(t, "@modelcontextprotocol/sdk")
	u := newUser(t, "off", testbin.NpmCache())
	ver := testbin.Pinned(t, "everything")
	u.OK("server", "add", "ev", "--", "npx", "-y", "@modelcontextprotocol/server-everything@"+ver, "stdio")
	u.OK("server", "add", "loose", "--", "npx", "-y", "@modelcontextprotocol/server-everything")

	list := u.OK("server", "list")
	if !strings.Contains(list, "mcptray server freeze ev") || strings.Contains(list, "mcptray server freeze loose") {
		t.Errorf("server list offers a freeze for the wrong servers:\n%s", list)
	}
	out, errs, code := u.Run("server", "freeze", "loose")
	if code == 0 || !strings.Contains(errs, "names no exact version") {
		t.Errorf("freezing a server without an exact version: exit %d\n%s%s", code, out, errs)
	}
	out = u.OK("server", "freeze", "ev")
	if !strings.Contains(out, "now runs @modelcontextprotocol/server-everything "+ver) {
		t.Errorf("server freeze said:\n%s", out)
	}
	s := checkFrozen(t, u, "ev", "@modelcontextprotocol/server-everything", ver)
	if s.Args[len(s.Args)-1] != "stdio" {
		t.Errorf("ev lost its own argument: %q", s.Args)
	}
	if list := u.OK("server", "list"); strings.Contains(list, "mcptray server freeze ev") {
		t.Errorf("server list still offers to freeze ev:\n%s", list)
	}

	u.Daemon()
	u.WaitRunning("ev")
	if tools := tsListTools(t, u, "ev"); len(tools) == 0 {
		t.Fatal("the frozen ev lists no tools")
	}

	changed := filepath.Join("node_modules", "@modelcontextprotocol", "server-everything", "package.json")
	f, err := os.OpenFile(filepath.Join(s.Frozen.Dir, changed), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("\n")
	f.Close()
	u.OK("server", "restart", "ev")
	u.Eventually("ev fails", func() bool { return u.State("ev").State == "failed" })
	want := "The installed files of ev were changed since MCP Tray installed them (" + changed + "); reinstall it"
	if status := u.OK("server", "status", "ev"); !strings.Contains(status, want) {
		t.Errorf("server status ev says no %q:\n%s", want, status)
	}
	if st := u.State("ev"); st.State != "failed" || st.Restarts != 0 {
		t.Errorf("ev after the change: %+v; want failed without restarts", st)
	}

	out = u.OK("server", "remove", "ev")
	if !strings.Contains(out, "Deleted its installed files.") {
		t.Errorf("server remove said:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(u.Home, "servers", "ev")); !os.IsNotExist(err) {
		t.Errorf("servers/ev is still there after remove: %v", err)
	}
}
