//go:build !windows

package e2e

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSymlinkedClientFileStaysALink: a person whose dotfile manager keeps ~/.cursor/mcp.json as
// a relative link into their dotfiles folder enables and disables Cursor, first without MCP
// Tray running, then through it. The file in the dotfiles folder is edited in place (their
// own entry kept), the link stays the same link, and no temporary file is left in either
// folder.
func TestSymlinkedClientFileStaysALink(t *testing.T) {
	u := clientUser(t)
	real := filepath.Join(u.Dir, "dotfiles", "cursor-mcp.json")
	writeFile(t, real, `{"mcpServers": {"mine": {"command": "my-server", "args": ["--x"]}}}`)
	link := filepath.Join(u.Dir, ".cursor", "mcp.json")
	if err := os.MkdirAll(filepath.Dir(link), 0o700); err != nil {
		t.Fatal(err)
	}
	const dest = "../dotfiles/cursor-mcp.json" // as stow makes it
	if err := os.Symlink(dest, link); err != nil {
		t.Fatal(err)
	}
	stillALink := func(when string) {
		t.Helper()
		fi, err := os.Lstat(link)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			t.Fatalf("%s, %s is no longer a link (%v)", when, link, err)
		}
		if got, _ := os.Readlink(link); got != dest {
			t.Fatalf("%s, the link points to %q, want %q", when, got, dest)
		}
		for _, dir := range []string{filepath.Dir(link), filepath.Dir(real)} {
			es, _ := os.ReadDir(dir)
			for _, e := range es {
				if strings.Contains(e.Name(), ".tmp") {
					t.Errorf("%s, %s holds a leftover %s", when, dir, e.Name())
				}
			}
		}
	}
	u.OK("server", "add", "echo", "--", fake)
	want := entry{Command: bin(t, u), Args: []string{"connect", "echo"}}
	mine := entry{Command: "my-server", Args: []string{"--x"}}

	u.OK("client", "enable", "cursor") // MCP Tray is not running: the command writes the file
	stillALink("after client enable without MCP Tray")
	if got := entries(t, real); !cmp.Equal(got, map[string]entry{"echo": want, "mine": mine}) {
		t.Fatalf("the dotfiles copy holds %+v", got)
	}

	u.Daemon()
	u.OK("client", "disable", "cursor")
	stillALink("after client disable through MCP Tray")
	if got := entries(t, real); !cmp.Equal(got, map[string]entry{"mine": mine}) {
		t.Fatalf("after client disable the dotfiles copy holds %+v", got)
	}
	u.OK("client", "enable", "cursor")
	stillALink("after client enable through MCP Tray")
	if got := entries(t, real); !cmp.Equal(got, map[string]entry{"echo": want, "mine": mine}) {
		t.Fatalf("after client enable through MCP Tray the dotfiles copy holds %+v", got)
	}
}
