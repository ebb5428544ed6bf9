package clients

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/internal/testbin"
)

// TestOriginalNeverRotatesOut changes a file that holds a credential twenty times: the copy
// from before the first change is still kept (without the credential), after a Restore too,
// and RestoreOriginal gives back the first file byte for byte, twice.
func TestOriginalNeverRotatesOut(t *testing.T) {
	home := t.TempDir()
	c := mustClient(t, "cursor")
	path := filepath.Join(home, ".cursor", "mcp.json")
	const token = "ghp_0123456789abcdefghijABCDEFGHIJ012345"
	first := []byte("{\r\n  \"mcpServers\": {\"github\": {\"command\": \"npx\", \"env\": {\"GITHUB_TOKEN\": \"" + token + "\"}}}\r\n}\r\n")
	writeFile(t, path, first)
	backups := backupsOf(home)
	if _, ok := OriginalOf(c, path, backups); ok {
		t.Fatal("an original before any change")
	}
	for i := range 20 {
		if _, err := Apply(c, path, []Entry{NewEntry("/opt/mcptray", fmt.Sprintf("s%d", i))}, ApplyOptions{Backups: backups}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Restore(c, path, backups); err != nil {
		t.Fatal(err)
	}
	list, _ := Backups(c, path, backups)
	if len(list) != KeepBackups-1 || list[len(list)-1].Generation == 1 {
		t.Fatalf("backups %+v", list)
	}
	orig, ok := OriginalOf(c, path, backups)
	if !ok || orig.Absent {
		t.Fatalf("original %+v, %v", orig, ok)
	}
	testbin.AssertNoSecrets(t, []string{token}, string(backups))
	for range 2 {
		r, err := RestoreOriginal(c, path, backups)
		if err != nil {
			t.Fatal(err)
		}
		if got := mustRead(t, path); string(got) != string(first) {
			t.Fatalf("restored:\n%q\nwant:\n%q", got, first)
		}
		if !strings.Contains(r.Message, "before MCP Tray's first change") {
			t.Errorf("message %q", r.Message)
		}
	}
	// Another change after the restore keeps the same original.
	if _, err := Apply(c, path, []Entry{NewEntry("/opt/mcptray", "again")}, ApplyOptions{Backups: backups}); err != nil {
		t.Fatal(err)
	}
	if _, err := RestoreOriginal(c, path, backups); err != nil || string(mustRead(t, path)) != string(first) {
		t.Fatalf("after another change: %v", err)
	}
}

// TestOriginalOfACreatedFileIsNoFile: when MCP Tray's first change created the file, restoring
// the original removes it, and later changes do not make a later content the original.
func TestOriginalOfACreatedFileIsNoFile(t *testing.T) {
	home := t.TempDir()
	c := mustClient(t, "cursor")
	path := filepath.Join(home, ".cursor", "mcp.json")
	backups := backupsOf(home)
	for i := range 3 {
		if _, err := Apply(c, path, []Entry{NewEntry("/opt/mcptray", fmt.Sprintf("s%d", i))}, ApplyOptions{Backups: backups}); err != nil {
			t.Fatal(err)
		}
	}
	if orig, ok := OriginalOf(c, path, backups); !ok || !orig.Absent {
		t.Fatalf("original %+v, %v", orig, ok)
	}
	if _, err := RestoreOriginal(c, path, backups); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the file is still there: %v", err)
	}
	// The folder the first change made went too, and home stays.
	if _, err := os.Stat(filepath.Join(home, ".cursor")); !os.IsNotExist(err) {
		t.Errorf("the folder MCP Tray made is still there: %v", err)
	}
	if _, err := os.Stat(home); err != nil {
		t.Error(err)
	}
}

// TestOriginalFromAnOlderVersionsBackups: a folder an older MCP Tray filled (generations, no
// original) gets its first generation as the original while it is still kept, and none once
// it has rotated out.
func TestOriginalFromAnOlderVersionsBackups(t *testing.T) {
	for _, firstKept := range []bool{true, false} {
		home := t.TempDir()
		c := mustClient(t, "cursor")
		path := filepath.Join(home, ".cursor", "mcp.json")
		backups := backupsOf(home)
		dir := backups.dirFor(c.ID(), path)
		mkdir := func(p string, data string) {
			if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
				t.Fatal(err)
			}
			writeFile(t, p, []byte(data))
		}
		gen := 1
		if !firstKept {
			gen = 4
		}
		mkdir(filepath.Join(dir, fmt.Sprintf("%06d-20250101T000000Z.json", gen)), `{"first": true}`)
		writeFile(t, path, []byte(`{"mcpServers": {}}`))
		if _, err := Apply(c, path, []Entry{NewEntry("/opt/mcptray", "s")}, ApplyOptions{Backups: backups}); err != nil {
			t.Fatal(err)
		}
		orig, ok := OriginalOf(c, path, backups)
		if ok != firstKept {
			t.Fatalf("first generation kept %v: original %+v, %v", firstKept, orig, ok)
		}
		if ok && string(mustRead(t, orig.Path)) != `{"first": true}` {
			t.Errorf("original holds %s", mustRead(t, orig.Path))
		}
	}
}

// TestMarkersInFileAcrossPieces finds markers wherever they sit in a file read a megabyte at a
// time, also across the border of two pieces.
func TestMarkersInFileAcrossPieces(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.json")
	content := []byte(strings.Repeat("x", 1<<20-10) + backupMarkerPrefix + "C0123456789abcdef" + strings.Repeat("y", 1<<20) + backupMarkerPrefix + "Cfedcba9876543210")
	writeFile(t, path, content)
	ids := map[string]bool{}
	markersInFile(path, ids)
	if len(ids) != 2 || !ids["C0123456789abcdef"] || !ids["Cfedcba9876543210"] {
		t.Errorf("found %v", ids)
	}
}
