//go:build !windows

package clients

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestHardLinkedFileStaysOneFile (red team): a client file with a second name (a hard link,
// as a dotfiles manager or a person sharing one server list between two clients makes) was
// replaced by a new file, so the other name silently kept the old content. Enable, disable
// and restore now write such a file in place: both names see every change, it stays one
// file with its mode, the backup is a copy of its own, and disable gives both names back the
// person's bytes.
func TestHardLinkedFileStaysOneFile(t *testing.T) {
	home := t.TempDir()
	c := mustClient(t, "cursor")
	path := filepath.Join(home, ".cursor", "mcp.json")
	other := filepath.Join(home, "dotfiles", "mcp.json")
	src := []byte("{\n  \"mcpServers\": {\n    \"mine\": {\"command\": \"x\"}\n  }\n}\n")
	writeFile(t, other, src)
	if err := os.Chmod(other, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(other, path); err != nil {
		t.Fatal(err)
	}
	before, err := os.Stat(other)
	if err != nil {
		t.Fatal(err)
	}
	oneFile := func(when string) {
		t.Helper()
		a, err1 := os.Stat(path)
		b, err2 := os.Stat(other)
		if err1 != nil || err2 != nil || !os.SameFile(a, b) || !os.SameFile(a, before) {
			t.Fatalf("%s, %s and %s are no longer one file (%v %v)", when, path, other, err1, err2)
		}
		if b.Mode().Perm() != 0o640 || b.Sys().(*syscall.Stat_t).Nlink != 2 {
			t.Errorf("%s, the file has mode %v and %d names, want 0640 and 2", when, b.Mode().Perm(), b.Sys().(*syscall.Stat_t).Nlink)
		}
		for _, dir := range []string{filepath.Dir(path), filepath.Dir(other)} {
			for _, name := range dirNames(t, dir) {
				if name != "mcp.json" {
					t.Errorf("%s, %s holds a leftover %s", when, dir, name)
				}
			}
		}
	}
	opts := ApplyOptions{Backups: backupsOf(home)}

	res, err := Apply(c, path, []Entry{NewEntry("/usr/local/bin/mcptray", "demo")}, opts)
	if err != nil {
		t.Fatal(err)
	}
	oneFile("after enable")
	if got := string(mustRead(t, other)); !strings.Contains(got, `"demo"`) || !strings.Contains(got, `"mine"`) {
		t.Errorf("the other name does not see MCP Tray's entry:\n%s", got)
	}
	if bi, err := os.Stat(res.BackupPath); err != nil || os.SameFile(bi, before) || string(mustRead(t, res.BackupPath)) != string(src) {
		t.Errorf("the backup is not a copy of the old content of its own (%v)", err)
	}

	if _, err := Apply(c, path, nil, opts); err != nil {
		t.Fatal(err)
	}
	oneFile("after disable")
	if got := mustRead(t, other); string(got) != string(src) {
		t.Errorf("after disable the other name holds\n%s\nwant\n%s", got, src)
	}

	if _, err := Restore(c, path, backupsOf(home)); err != nil {
		t.Fatal(err)
	}
	oneFile("after restore")
	if got := string(mustRead(t, other)); !strings.Contains(got, `"demo"`) {
		t.Errorf("restore did not reach the other name:\n%s", got)
	}
	if _, err := RestoreOriginal(c, path, backupsOf(home)); err != nil {
		t.Fatal(err)
	}
	oneFile("after restoring the original")
	if got := mustRead(t, other); string(got) != string(src) {
		t.Errorf("after restoring the original the other name holds\n%s", got)
	}
}

// TestLinkToAHardLinkedFile: a symbolic link to a file that has a second name is followed and
// the file written in place; the symbolic link stays a link.
func TestLinkToAHardLinkedFile(t *testing.T) {
	home := t.TempDir()
	c := mustClient(t, "codex")
	real := filepath.Join(home, "dotfiles", "config.toml")
	writeFile(t, real, []byte("model = \"o3\"\n"))
	second := filepath.Join(home, "backup-of-mine.toml")
	if err := os.Link(real, second); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(home, ".codex", "config.toml")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, path); err != nil {
		t.Fatal(err)
	}
	if _, err := Apply(c, path, []Entry{NewEntry("/usr/local/bin/mcptray", "demo")}, ApplyOptions{Backups: backupsOf(home)}); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(path); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("%s is no longer a link (%v)", path, err)
	}
	a, _ := os.Stat(real)
	b, _ := os.Stat(second)
	if !os.SameFile(a, b) || !strings.Contains(string(mustRead(t, second)), "[mcp_servers.demo]") {
		t.Errorf("the second name of the file was split off:\n%s", mustRead(t, second))
	}
}
