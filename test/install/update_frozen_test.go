package install

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/internal/testbin"
)

// TestFrozenUpdateBuildsBesideAndRollsBack: a server installed into MCP Tray's folder at an
// older version is updated by building the new version beside the old one, which stays on
// disk; `update --rollback` returns to the old one in one step and again lists tools.
func TestFrozenUpdateBuildsBesideAndRollsBack(t *testing.T) {
	testbin.NeedNpx(t)
	testbin.NeedNode(t, "@modelcontextprotocol/sdk")
	testbin.NeedSandbox(t)
	u := newUser(t, "off", testbin.NpmCache())
	ver := testbin.Pinned(t, "everything")
	const old = "2026.8.18"
	u.OK("server", "add", "everything", "--", "npx", "-y", "@modelcontextprotocol/server-everything@"+old)
	u.OK("server", "freeze", "everything")
	// As an install of the catalog's entry at that version records it.
	setInstalledSource(t, u, "everything", map[string]any{"catalog": "everything", "version": old, "values": map[string]string{}})
	before := checkFrozen(t, u, "everything", "@modelcontextprotocol/server-everything", old)

	u.Daemon()
	u.WaitRunning("everything")
	out := u.OK("update", "everything", "--yes")
	if !strings.Contains(out, "Building version "+ver+" of everything beside version "+old) || !strings.Contains(out, "is now at version "+ver+" and works") {
		t.Fatalf("update said:\n%s", out)
	}
	// The new build's tools were listed in the scan sandbox before the switch, not only
	// checked as it starts (the sandbox hides MCP Tray's home but lets the build be read).
	if strings.Contains(out, "cannot be looked at before switching") {
		t.Errorf("the new version's tools were not checked before switching:\n%s", out)
	}
	after := checkFrozen(t, u, "everything", "@modelcontextprotocol/server-everything", ver)
	if _, err := os.Stat(before.Frozen.Dir); err != nil {
		t.Errorf("the old version's files are gone after the update: %v", err)
	}
	if tools := tsListTools(t, u, "everything"); len(tools) == 0 {
		t.Fatal("the updated server lists no tools")
	}

	out = u.OK("update", "everything", "--rollback")
	if !strings.Contains(out, "is now at version "+old+" and works") {
		t.Fatalf("rollback said:\n%s", out)
	}
	back := checkFrozen(t, u, "everything", "@modelcontextprotocol/server-everything", old)
	if back.Command != before.Command || strings.Join(back.Args, " ") != strings.Join(before.Args, " ") {
		t.Errorf("after rollback it runs %q %q, want %q %q", back.Command, back.Args, before.Command, before.Args)
	}
	if _, err := os.Stat(after.Frozen.Dir); err != nil {
		t.Errorf("the newer version's files, kept for going forward, are gone: %v", err)
	}
	if tools := tsListTools(t, u, "everything"); len(tools) == 0 {
		t.Fatal("the rolled-back server lists no tools")
	}
}

// setInstalledSource sets a server's "source" in config.json, keeping everything else.
func setInstalledSource(t *testing.T, u *testbin.User, server string, source map[string]any) {
	t.Helper()
	path := filepath.Join(u.Home, "config.json")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	c["servers"].(map[string]any)[server].(map[string]any)["source"] = source
	b, _ = json.MarshalIndent(c, "", "  ")
	writeConfig(t, u, string(b))
}
