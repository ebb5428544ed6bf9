package kube

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoGUIOrClusterDependencies keeps kube a core package: no GUI toolkit, and no
// Kubernetes client library (it never talks to a cluster).
func TestNoGUIOrClusterDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps failed (is the go command on PATH?): %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "fyne.io/") || strings.HasPrefix(dep, "k8s.io/") {
			t.Errorf("kube depends on %s; it must not import the GUI toolkit or a cluster client", dep)
		}
	}
}
