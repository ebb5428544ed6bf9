package policy

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoGUIDependencies keeps the core free of Fyne: policy emits events, the app renders them.
func TestNoGUIDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps failed (is the go command on PATH?): %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "fyne.io/") {
			t.Errorf("policy depends on %s; it must not import the GUI toolkit", dep)
		}
	}
}
