//go:build !windows

package clients

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestBigBackupIsTheOldFile: the backup of a big file without credentials is the old file
// itself under a second name (no copy written): it holds the old content, is private, shares
// nothing with the new file, and stays the old content when the client then rewrites its
// file in place. The first change's original is the same old file.
func TestBigBackupIsTheOldFile(t *testing.T) {
	home := t.TempDir()
	c := mustClient(t, "claude-code")
	path := filepath.Join(home, ".claude.json")
	old := []byte(`{"numStartups": 1, "projects": {"/p": {"history": [{"display": "` + strings.Repeat("long prompt ", minLinkSize/12+1) + `"}]}}}`)
	if err := os.WriteFile(path, old, 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Apply(c, path, []Entry{NewEntry("/opt/mcptray", "github")}, ApplyOptions{Backups: backupsOf(home)})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(mustRead(t, res.BackupPath), old) {
		t.Fatal("the backup is not the old content")
	}
	orig, ok := OriginalOf(c, path, backupsOf(home))
	if !ok {
		t.Fatal("no original")
	}
	for _, p := range []string{res.BackupPath, orig.Path} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v", p, fi.Mode().Perm())
		}
		if fi.Sys().(*syscall.Stat_t).Nlink != 2 {
			t.Errorf("%s: %d names, want the backup's and the original's", p, fi.Sys().(*syscall.Stat_t).Nlink)
		}
	}
	live, _ := os.Stat(path)
	if live.Mode().Perm() != 0o644 {
		t.Errorf("the client file's mode changed to %v", live.Mode().Perm())
	}
	// The client rewrites its file in place.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"rewritten": true}`)
	f.Close()
	if !bytes.Equal(mustRead(t, res.BackupPath), old) || !bytes.Equal(mustRead(t, orig.Path), old) {
		t.Error("the client's rewrite reached the backup")
	}
	if _, err := RestoreOriginal(c, path, backupsOf(home)); err != nil || !bytes.Equal(mustRead(t, path), old) {
		t.Errorf("restore: %v", err)
	}
}

// TestBigBackupOfAHardLinkedFileIsACopy: a file the person keeps under a second name too is
// copied, so the other name keeps its mode and never shares the backup's content; the file is
// written in place (inplace.go), so the other name still is the file.
func TestBigBackupOfAHardLinkedFileIsACopy(t *testing.T) {
	home := t.TempDir()
	c := mustClient(t, "claude-code")
	path := filepath.Join(home, ".claude.json")
	old := []byte(`{"projects": {"/p": {"history": [{"display": "` + strings.Repeat("long prompt ", minLinkSize/12+1) + `"}]}}}`)
	if err := os.WriteFile(path, old, 0o644); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(home, "dotfiles-claude.json")
	if err := os.Link(path, other); err != nil {
		t.Fatal(err)
	}
	res, err := Apply(c, path, []Entry{NewEntry("/opt/mcptray", "github")}, ApplyOptions{Backups: backupsOf(home)})
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(other)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o644 || fi.Sys().(*syscall.Stat_t).Nlink != 2 {
		t.Errorf("the person's other name: mode %v, %d names, want 0644 and 2 (the file and the other name)", fi.Mode().Perm(), fi.Sys().(*syscall.Stat_t).Nlink)
	}
	if live, err := os.Stat(path); err != nil || !os.SameFile(live, fi) {
		t.Errorf("the other name is no longer the client's file (%v)", err)
	}
	if bi, err := os.Stat(res.BackupPath); err != nil || os.SameFile(bi, fi) {
		t.Errorf("the backup shares the file (%v)", err)
	}
	if !bytes.Equal(mustRead(t, res.BackupPath), old) {
		t.Error("the backup is not the old content")
	}
}

// A backup still linked to the live file (its replacement failed) gets content of its own, so
// that the client's later writes in place do not change it; a backup that is a copy is left.
func TestDetachBackupWhenTheWriteFailed(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "settings.json")
	old := []byte(`{"a": 1}`)
	if err := os.WriteFile(path, old, 0o644); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "000001-x.json")
	orig := filepath.Join(dir, "original.json")
	for _, name := range []string{backup, orig} {
		if err := os.Link(path, name); err != nil {
			t.Fatal(err)
		}
	}
	detachBackup(path, backup, old)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"a": 2}`)
	f.Close()
	for _, name := range []string{backup, orig} {
		if got := mustRead(t, name); !bytes.Equal(got, old) {
			t.Errorf("%s changed with the client's write in place: %s", filepath.Base(name), got)
		}
	}
}
