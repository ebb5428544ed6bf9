package release

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestPackageDatabaseOwnerIsFound asks the real package database about a program it owns:
// dpkg-query itself (Debian, Ubuntu) or rpm itself (Fedora and the like).
func TestPackageDatabaseOwnerIsFound(t *testing.T) {
	want := map[string]string{"dpkg-query": "sudo apt update && sudo apt install --only-upgrade ", "rpm": "sudo dnf upgrade "}
	for _, tool := range []string{"dpkg-query", "rpm"} {
		path, err := exec.LookPath(tool)
		if err != nil {
			continue
		}
		m, ok := Managed(path)
		if !ok || !strings.HasPrefix(m.Command, want[tool]) {
			t.Fatalf("Managed(%s) = %+v, %v; want a command starting %q", path, m, ok, want[tool])
		}
		if !strings.Contains(m.Sentence(), "which also updates it: run "+m.Command) {
			t.Errorf("sentence %q", m.Sentence())
		}
		if _, ok := Managed(t.TempDir() + "/mcptray"); ok {
			t.Error("a program in a scratch folder counted as a package's")
		}
		return
	}
	t.Fatal("neither dpkg-query nor rpm is installed, so package-manager detection cannot be tested here")
}

// TestPackageQueriesLeaveTheHomeAlone: asking whether a package owns a program writes nothing
// in the person's home. On Debian and Ubuntu the rpm tool (installed for building .rpm files)
// has no system database and, asked plainly, makes one at ~/.rpmdb; MCP Tray asks it only
// about a database that exists.
func TestPackageQueriesLeaveTheHomeAlone(t *testing.T) {
	if _, err := exec.LookPath("rpm"); err != nil {
		t.Fatal("rpm is not installed (scripts/deps.sh installs it), so its query cannot be tested here")
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	if _, ok := Managed(filepath.Join(t.TempDir(), "mcptray")); ok {
		t.Fatal("a program in a scratch folder counted as a package's")
	}
	entries, err := os.ReadDir(home)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("asking the package databases left %s in the home", e.Name())
	}
}

// TestAnRPMDatabaseIsFoundByItsFiles: a folder counts as rpm's database only with one of its
// files in it (Debian ships an empty /var/lib/rpm).
func TestAnRPMDatabaseIsFoundByItsFiles(t *testing.T) {
	empty, sqlite := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(sqlite, "rpmdb.sqlite"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if db, ok := rpmDatabase([]string{empty}); ok {
		t.Errorf("an empty folder counted as rpm's database: %s", db)
	}
	if db, ok := rpmDatabase([]string{empty, sqlite}); !ok || db != sqlite {
		t.Errorf("rpmDatabase = %q, %v; want %s", db, ok, sqlite)
	}
}
