package install

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/internal/testbin"
)

// frozenServer is a server in config.json with what MCP Tray installed for it.
type frozenServer struct {
	Command string   `json:"command"`
	Args    []string `json:"args"`
	Frozen  *struct {
		Registry, Package, Version, Dir, Lock, Tree string
	} `json:"frozen"`
}

func frozenServers(t testing.TB, u *testbin.User) map[string]frozenServer {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(u.Home, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Servers map[string]frozenServer `json:"servers"`
	}
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c.Servers
}

// checkFrozen fails t unless server runs node on a file inside its installed folder
// servers/NAME/VERSION, with the lock kept there.
func checkFrozen(t testing.TB, u *testbin.User, server, pkg, version string) frozenServer {
	t.Helper()
	s, ok := frozenServers(t, u)[server]
	dir := filepath.Join(u.Home, "servers", server, version)
	switch {
	case !ok:
		t.Fatalf("config.json has no server %s", server)
	case s.Frozen == nil || s.Frozen.Dir != dir || s.Frozen.Package != pkg || s.Frozen.Version != version ||
		!strings.HasPrefix(s.Frozen.Lock, "sha256:") || !strings.HasPrefix(s.Frozen.Tree, "sha256:"):
		t.Fatalf("config.json's %s is not installed into %s: %+v", server, dir, s)
	case filepath.Base(s.Command) != "node" || !filepath.IsAbs(s.Command) || len(s.Args) == 0 || !strings.HasPrefix(s.Args[0], dir+string(filepath.Separator)):
		t.Fatalf("%s runs %q %q; want node on a file in %s", server, s.Command, s.Args, dir)
	}
	if _, err := os.Stat(filepath.Join(dir, "package-lock.json")); err != nil {
		t.Errorf("%s's package-lock.json was not kept: %v", server, err)
	}
	return s
}

// offline makes the user's npm unable to fetch anything: an empty cache and a registry at
// an address where nothing answers.
func offline(t testing.TB, u *testbin.User) {
	u.Env = append(u.Env, "npm_config_cache="+t.TempDir(), "npm_config_registry=http://127.0.0.1:9/", "NPM_CONFIG_OFFLINE=false")
}

// TestInstalledServersStartOffline installs everything and filesystem from the catalog (npm
// installs them into MCP Tray's folder), then takes npm's cache and registry away and starts
// MCP Tray again: both servers start, and a real client lists their tools and calls one.
func TestInstalledServersStartOffline(t *testing.T) {
	testbin.NeedNpx(t)
	testbin.NeedNode(t, "@modelcontextprotocol/sdk")
	u := newUser(t, "off", testbin.NpmCache())
	docs := filepath.Join(u.Dir, "Docs")
	if err := os.MkdirAll(docs, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(docs, "note.txt"), []byte("written before going offline"), 0o600); err != nil {
		t.Fatal(err)
	}
	ever, fs := testbin.Pinned(t, "everything"), testbin.Pinned(t, "filesystem")
	out, errs, code := u.RunInput("", "install", "everything")
	if code != 0 {
		t.Fatalf("install everything: exit %d\n%s%s", code, out, errs)
	}
	for _, want := range []string{"into MCP Tray's folder", "checksum"} {
		if !strings.Contains(out, want) {
			t.Errorf("install everything says nothing about %q:\n%s", want, out)
		}
	}
	if out, errs, code := u.RunInput("", "install", "filesystem", "--set", "allowed_directory="+docs); code != 0 {
		t.Fatalf("install filesystem: exit %d\n%s%s", code, out, errs)
	}
	t.Logf("install everything said:\n%s", out)
	checkFrozen(t, u, "everything", "@modelcontextprotocol/server-everything", ever)
	if s := checkFrozen(t, u, "filesystem", "@modelcontextprotocol/server-filesystem", fs); s.Args[len(s.Args)-1] != docs {
		t.Errorf("filesystem's arguments %q do not end with its folder", s.Args)
	}

	stopDaemon(t, u)
	offline(t, u)
	u.Daemon()
	u.WaitRunning("everything")
	u.WaitRunning("filesystem")

	if tools := tsListTools(t, u, "everything"); !slices.Contains(tools, "echo") {
		t.Errorf("everything offline lists %v; want echo among them", tools)
	}
	res, _ := testbin.NodeClient(t, u.Env, "call", "echo", `{"message":"hello offline"}`, "--", u.Bin, "connect", "everything")
	if !strings.Contains(string(res), "hello offline") {
		t.Errorf("calling echo offline: %s", res)
	}
	res, _ = testbin.NodeClient(t, u.Env, "call", "read_text_file", `{"path":`+jsonString(filepath.Join(docs, "note.txt"))+`}`, "--", u.Bin, "connect", "filesystem")
	if !strings.Contains(string(res), "written before going offline") {
		t.Errorf("calling read_text_file offline: %s", res)
	}
	if st := u.State("everything"); st.State != "running" {
		t.Errorf("everything is %q; want running", st.State)
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
