package clients

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBackupsKeepFiveGenerations changes one file seven times: every change backs up the
// content before it, only the last five backups stay, and Restore walks back through them.
func TestBackupsKeepFiveGenerations(t *testing.T) {
	home := t.TempDir()
	c := mustClient(t, "cursor")
	path := filepath.Join(home, ".cursor", "mcp.json")
	backups := backupsOf(home)
	writeFile(t, path, []byte("{\n  \"mcpServers\": {}\n}\n"))

	var contents [][]byte // contents[i] is the file before change i
	for i := range 7 {
		contents = append(contents, mustRead(t, path))
		res, err := Apply(c, path, []Entry{NewEntry("/opt/mcptray", fmt.Sprintf("server-%d", i))}, ApplyOptions{Backups: backups})
		if err != nil || !res.Changed || res.BackupPath == "" {
			t.Fatalf("change %d: %+v, %v", i, res, err)
		}
		if got := mustRead(t, res.BackupPath); string(got) != string(contents[i]) {
			t.Fatalf("backup of change %d holds %s, want %s", i, got, contents[i])
		}
	}
	list, err := Backups(c, path, backups)
	if err != nil || len(list) != KeepBackups {
		t.Fatalf("Backups = %d entries, %v; want %d", len(list), err, KeepBackups)
	}
	dir := filepath.Dir(list[0].Path)
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Errorf("backup folder mode = %v, want 0700", fi.Mode().Perm())
	}
	for i, b := range list {
		if b.Generation != 7-i {
			t.Errorf("backup %d is generation %d, want %d", i, b.Generation, 7-i)
		}
		if fi, _ := os.Stat(b.Path); fi.Mode().Perm() != 0o600 {
			t.Errorf("backup %s mode = %v, want 0600", b.Path, fi.Mode().Perm())
		}
		if !strings.HasSuffix(b.Path, ".json") {
			t.Errorf("backup %s does not keep the file's extension", b.Path)
		}
	}

	// Restore goes back one change at a time.
	current := mustRead(t, path)
	for i := 6; i >= 2; i-- {
		r, err := Restore(c, path, backups)
		if err != nil {
			t.Fatalf("restore to before change %d: %v", i, err)
		}
		if got := mustRead(t, path); string(got) != string(contents[i]) {
			t.Fatalf("after restore the file holds\n%s\nwant (before change %d)\n%s", got, i, contents[i])
		}
		if !strings.HasPrefix(r.Message, "Restored Cursor's config file "+path+" from the backup of ") {
			t.Errorf("message = %q", r.Message)
		}
		if kept := mustRead(t, filepath.Join(dir, preRestoreName+".json")); string(kept) != string(current) {
			t.Errorf("the content replaced by the restore was not kept")
		}
		current = contents[i]
	}
	_, err = Restore(c, path, backups)
	if !errors.Is(err, ErrNoBackup) {
		t.Fatalf("restore with no backup left: %v, want ErrNoBackup", err)
	}
	if want := "Cursor's config file " + path + " has no backup to restore"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %q", err)
	}
}

// TestBackupsArePerFile keeps two files of one client (VS Code profiles) apart.
func TestBackupsArePerFile(t *testing.T) {
	home := t.TempDir()
	c := mustClient(t, "vscode")
	a := filepath.Join(home, "User", "mcp.json")
	b := filepath.Join(home, "User", "profiles", "1a2b", "mcp.json")
	writeFile(t, a, []byte("{\"servers\": {}}\n"))
	writeFile(t, b, []byte("{\"servers\": {}, \"inputs\": []}\n"))
	for _, p := range []string{a, b} {
		if _, err := Apply(c, p, goldenWant(""), ApplyOptions{Backups: backupsOf(home)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{a, b} {
		if _, err := Restore(c, p, backupsOf(home)); err != nil {
			t.Fatal(err)
		}
	}
	if got := string(mustRead(t, a)); got != "{\"servers\": {}}\n" {
		t.Errorf("a = %s", got)
	}
	if got := string(mustRead(t, b)); got != "{\"servers\": {}, \"inputs\": []}\n" {
		t.Errorf("b = %s", got)
	}
}
