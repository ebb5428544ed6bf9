//go:build !windows

package atomicfile

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A person's config kept by a dotfile manager is a link into another folder: the file it
// points to is replaced there, the link stays, and no temporary file is left in either folder.
func TestWriteFileReplacesALinksTargetAndKeepsTheLink(t *testing.T) {
	dotfiles, home := t.TempDir(), t.TempDir()
	real := filepath.Join(dotfiles, "mcp.json")
	if err := os.WriteFile(real, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A chain, as stow and home-manager make: home/mcp.json -> home/.mid -> dotfiles/mcp.json.
	mid := filepath.Join(home, ".mid")
	link := filepath.Join(home, "mcp.json")
	if err := os.Symlink(real, mid); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(mid, link); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(link, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{link, mid} {
		if fi, err := os.Lstat(l); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			t.Fatalf("%s is no longer a link (%v)", l, err)
		}
	}
	if got, _ := os.ReadFile(real); string(got) != "new" {
		t.Fatalf("the link's target holds %q, want new", got)
	}
	if fi, _ := os.Stat(real); fi.Mode().Perm() != 0o600 {
		t.Fatalf("the target's mode is %v, want 0600 kept", fi.Mode().Perm())
	}
	assertEntries(t, dotfiles, "mcp.json")
	assertEntries(t, home, ".mid", "mcp.json")
}

// Anything at the path that is not a file — or a link to one — is left as it is, with an error
// matching ErrNotRegular that names it in words; nothing is created beside it.
func TestWriteFileRefusesWhatIsNotAFile(t *testing.T) {
	for _, tc := range []struct {
		name string
		make func(t *testing.T, dir, p string)
		what string
	}{
		{"folder", func(t *testing.T, _, p string) { must(t, os.Mkdir(p, 0o700)) }, "is a folder"},
		{"named pipe", func(t *testing.T, _, p string) { must(t, syscall.Mkfifo(p, 0o600)) }, "is a named pipe"},
		{"socket", func(t *testing.T, _, p string) {
			l, err := net.Listen("unix", p)
			must(t, err)
			t.Cleanup(func() { l.Close() })
		}, "is a socket"},
		{"link to a named pipe", func(t *testing.T, dir, p string) {
			fifo := filepath.Join(dir, "fifo")
			must(t, syscall.Mkfifo(fifo, 0o600))
			must(t, os.Symlink(fifo, p))
		}, "is a link to a named pipe"},
		{"link to a folder", func(t *testing.T, dir, p string) {
			sub := filepath.Join(dir, "sub")
			must(t, os.Mkdir(sub, 0o700))
			must(t, os.Symlink(sub, p))
		}, "is a link to a folder"},
		{"link to nothing", func(t *testing.T, dir, p string) {
			must(t, os.Symlink(filepath.Join(dir, "gone.json"), p))
		}, "gone.json, which does not exist"},
		{"link in a loop", func(t *testing.T, dir, p string) {
			other := filepath.Join(dir, "other")
			must(t, os.Symlink(other, p))
			must(t, os.Symlink(p, other))
		}, "which does not exist"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "config.json")
			tc.make(t, dir, p)
			before := entries(t, dir)
			beforeMode := lmode(t, p)
			err := WriteFile(p, []byte("new"), 0o600)
			if !errors.Is(err, ErrNotRegular) {
				t.Fatalf("WriteFile = %v, want an error matching ErrNotRegular", err)
			}
			if msg := err.Error(); !strings.Contains(msg, tc.what) || !strings.Contains(msg, "MCP Tray will not replace it") {
				t.Errorf("error %q does not say %q in words", msg, tc.what)
			}
			if got := lmode(t, p); got != beforeMode {
				t.Errorf("the path was changed: mode %v, was %v", got, beforeMode)
			}
			assertEntries(t, dir, before...)
		})
	}
}

// A device is refused like the rest. It is checked on its description only: a test that linked
// to a real device would, run as root against a WriteFile that follows links blindly, replace
// that device (once, /dev/null) with a file.
func TestNotFileNamesADevice(t *testing.T) {
	if got := notFile(fakeInfo(fs.ModeDevice | fs.ModeCharDevice)); got != "a device" {
		t.Fatalf("notFile(character device) = %q, want a device", got)
	}
	if got := notFile(fakeInfo(fs.ModeDevice)); got != "a device" {
		t.Fatalf("notFile(block device) = %q, want a device", got)
	}
	if got := notFile(fakeInfo(fs.ModeIrregular)); got != "not a regular file" {
		t.Fatalf("notFile(irregular) = %q on Unix", got)
	}
}

type fakeInfo fs.FileMode

func (m fakeInfo) Name() string       { return "x" }
func (m fakeInfo) Size() int64        { return 0 }
func (m fakeInfo) Mode() fs.FileMode  { return fs.FileMode(m) }
func (m fakeInfo) ModTime() time.Time { return time.Time{} }
func (m fakeInfo) IsDir() bool        { return fs.FileMode(m).IsDir() }
func (m fakeInfo) Sys() any           { return nil }

func TestWriteFileCreatesAMissingFileWithPerm(t *testing.T) {
	p := filepath.Join(t.TempDir(), "new.json")
	if err := WriteFile(p, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(p)
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o600 {
		t.Fatalf("created %v (%v), want a regular file with mode 0600", fi.Mode(), err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func lmode(t *testing.T, p string) fs.FileMode {
	t.Helper()
	fi, err := os.Lstat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode()
}

func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func assertEntries(t *testing.T, dir string, want ...string) {
	t.Helper()
	if got := entries(t, dir); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("%s holds %q, want %q", dir, got, want)
	}
}
