package installer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/internal/testbin"
	"github.com/mcptray/mcptray/store"
)

func TestFreezePlan(t *testing.T) {
	c, err := catalog.Open("")
	if err != nil {
		t.Fatal(err)
	}
	entry := func(id string) catalog.Entry {
		e, ok := c.Lookup(id)
		if !ok {
			t.Fatalf("no catalog entry %s", id)
		}
		return e
	}
	fs := entry("filesystem")
	plan, err := catalog.Plan(fs, map[string]string{"allowed_directory": "/tmp/a\n/tmp/b"})
	if err != nil {
		t.Fatal(err)
	}
	p, args, ok := FreezePlan(fs, plan)
	want := store.Package{Registry: "npm", Name: "@modelcontextprotocol/server-filesystem", Version: fs.Version()}
	if !ok || !cmp.Equal(p, want) || !cmp.Equal(args, []string{"/tmp/a", "/tmp/b"}) {
		t.Errorf("FreezePlan(filesystem) = %+v %q %v; want %+v [/tmp/a /tmp/b]", p, args, ok, want)
	}
	// A runtime flag before -y changes what npx does: such a plan is not frozen.
	plan.Args = append([]string{"--node-options=--require=/x.js"}, plan.Args...)
	if _, _, ok := FreezePlan(fs, plan); ok {
		t.Error("a plan with an npx flag was frozen")
	}
	plan.Runtime, plan.Args = catalog.RuntimeUVX, []string{"mcp-server-time@1.0.0"}
	if _, _, ok := FreezePlan(fs, plan); ok {
		t.Error("a uvx plan of an npm entry was frozen")
	}
}

// An install that fails after its package was built into MCP Tray's folder removes it again.
func TestFailedFrozenInstallRemovesItsFiles(t *testing.T) {
	testbin.NeedNpx(t)
	in, rt, _ := setup(t, "")
	in.Store = HomeStore(in.Source.Home)
	t.Setenv("npm_config_cache", testbin.NpmCache())
	rt.probe = func(context.Context, string) ([]string, error) {
		return nil, errors.New("the server stopped before it listed its tools")
	}
	lines, err := collect(t, context.Background(), in, Request{ID: "everything"})
	if err == nil {
		t.Fatal("the install succeeded")
	}
	var built bool
	for _, l := range lines {
		built = built || l.Step == StepDownloading && strings.Contains(l.Message, "into MCP Tray's folder")
	}
	if !built {
		t.Fatalf("nothing was built: %+v", lines)
	}
	left, _ := os.ReadDir(filepath.Join(string(in.Source.Home), "servers", "everything"))
	if len(left) != 0 {
		t.Errorf("left in servers/everything: %v", left)
	}
	if _, ok := load(t, in).Servers["everything"]; ok {
		t.Error("the server is still in config.json")
	}
}

// A frozen install saves node and the installed file, with what was installed recorded.
func TestFrozenInstallSavesNode(t *testing.T) {
	testbin.NeedNpx(t)
	in, _, _ := setup(t, "")
	in.Store = HomeStore(in.Source.Home)
	t.Setenv("npm_config_cache", testbin.NpmCache())
	if _, err := collect(t, context.Background(), in, Request{ID: "everything"}); err != nil {
		t.Fatal(err)
	}
	s := load(t, in).Servers["everything"]
	dir := filepath.Join(string(in.Source.Home), "servers", "everything", s.Source.Version)
	if s.Frozen == nil || s.Frozen.Dir != dir || filepath.Base(s.Command) != "node" || len(s.Args) != 1 || !strings.HasPrefix(s.Args[0], dir) {
		t.Fatalf("saved %q %q frozen %+v", s.Command, s.Args, s.Frozen)
	}
	if err := store.Verify(*s.Frozen); err != nil {
		t.Fatal(err)
	}
}
