package release

import (
	"os/exec"
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
