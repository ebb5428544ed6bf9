package layout

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// core lists the packages that must never import Fyne (DESIGN.md, "Packages").
var core = []string{"config", "supervisor", "daemon", "gateway", "policy", "keychain", "clients",
	"catalog", "installer", "kube", "autostart", "socket", "control", "redact", "assets"}

func TestCorePackagesDoNotImportFyne(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	var pkgs []string
	for _, p := range core {
		if _, err := os.Stat(filepath.Join(root, p)); err == nil {
			pkgs = append(pkgs, "./"+p+"/...")
		}
	}
	if len(pkgs) < 5 {
		t.Fatalf("found only %v; the core packages moved?", pkgs)
	}
	cmd := exec.Command("go", append([]string{"list", "-deps", "-f", "{{.ImportPath}}"}, pkgs...)...)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "fyne.io/") {
			t.Errorf("a core package depends on %s; keep Fyne in app/ and cmd/", dep)
		}
	}
}
