package atomicfile

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/windows"
)

// A file replaced on Windows keeps its attributes (here: hidden), as ReplaceFileW promises and
// a rename would not.
func TestWriteFileKeepsAttributes(t *testing.T) {
	p := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	p16, err := windows.UTF16PtrFromString(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := windows.SetFileAttributes(p16, windows.FILE_ATTRIBUTE_HIDDEN); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(p, []byte("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(p); string(got) != "new" {
		t.Fatalf("content = %q, want new", got)
	}
	attrs, err := windows.GetFileAttributes(p16)
	if err != nil {
		t.Fatal(err)
	}
	if attrs&windows.FILE_ATTRIBUTE_HIDDEN == 0 {
		t.Fatalf("attributes %#x lost FILE_ATTRIBUTE_HIDDEN", attrs)
	}
}

// With nothing to replace yet, the temporary file is renamed into place.
func TestWriteFileCreatesOnWindows(t *testing.T) {
	p := filepath.Join(t.TempDir(), "new.json")
	if err := WriteFile(p, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(p); string(got) != "x" {
		t.Fatalf("content = %q, want x", got)
	}
}
