package reconcile

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestFileStampTellsAWrittenFile: stat vouches for a client file only when it is the same
// file, of the same size and time, and that time was well before the stamp; a file written in
// the same tick as its stamp, or replaced by another with the same size and time, is read.
func TestFileStampTellsAWrittenFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.json")
	write(t, path, `{"a": 1}`)
	if stampOf(path).unchanged(path) {
		t.Error("a file written just now was trusted by stat")
	}
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	s := stampOf(path)
	if !s.unchanged(path) {
		t.Error("an old file not written since was not trusted by stat")
	}
	// A file rewritten in place with the same size and time is what stat cannot tell, by
	// design (as make and git): what it must tell is a replaced file and a size change.
	other := filepath.Join(dir, "g.json")
	write(t, other, `{"c": 3}`)
	if err := os.Chtimes(other, old, old); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(other, path); err != nil {
		t.Fatal(err)
	}
	if s.unchanged(path) {
		t.Error("a file replaced by a rename (as clients save) was trusted by stat")
	}
	s = stampOf(path)
	write(t, path, `{"c": 33}`)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	if s.unchanged(path) {
		t.Error("a file whose size changed was trusted by stat")
	}
	if (fileStamp{}).unchanged(path) {
		t.Error("no stamp was trusted")
	}
}
