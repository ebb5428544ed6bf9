package kube

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// kubectl returns the kubectl binary, failing the test with what to install.
func kubectl(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("kubectl")
	if err != nil {
		t.Fatal("kubectl is not installed; the kubeconfig tests compare MCP Tray with it: install kubectl (https://kubernetes.io/docs/tasks/tools/)")
	}
	return p
}

// kubectlMinify is what `kubectl config view --minify --flatten` writes for context.
func kubectlMinify(t testing.TB, bin string, files []string, context string) []byte {
	t.Helper()
	cmd := exec.Command(bin, "config", "view", "--minify", "--flatten", "--raw", "--context", context)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+strings.Join(files, string(os.PathListSeparator)))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("kubectl config view: %v\n%s", err, stderr.String())
	}
	return out
}

// TestMinifyAgreesWithKubectl checks the one-context file against kubectl's own minify and
// flatten on several files with relative certificate paths and exec plugins.
func TestMinifyAgreesWithKubectl(t *testing.T) {
	bin := kubectl(t)
	a, b := twoFiles(t)
	files := []string{a, b}
	c, err := Load(files)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"staging", "prod-eu"} {
		ours, err := c.Minify(name)
		if err != nil {
			t.Fatal(err)
		}
		want := parsed(t, kubectlMinify(t, bin, files, name))
		got := parsed(t, ours)
		// Where MCP Tray differs on purpose: kubectl writes an empty preferences and a
		// provideClusterInfo default, drops fields it does not know, and leaves tokenFile and
		// exec command paths relative to a file the written copy no longer sits beside.
		delete(want, "preferences")
		for _, u := range want["users"].([]any) {
			user := u.(map[string]any)["user"].(map[string]any)
			if tf, ok := user["tokenFile"].(string); ok {
				user["tokenFile"] = resolve(tf, b)
			}
			if exec, ok := user["exec"].(map[string]any); ok {
				delete(exec, "provideClusterInfo")
				exec["command"] = resolve(exec["command"].(string), b)
				exec["futureField"] = "kept"
				// kubectl before 1.23 (Debian's kubernetes-client) does not know interactiveMode
				// either, and drops it too.
				exec["interactiveMode"] = "Never"
			}
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s: MCP Tray's file differs from kubectl's (-kubectl +ours):\n%s", name, d)
		}
	}
}
