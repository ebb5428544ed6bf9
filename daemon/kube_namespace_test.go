package daemon

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/mcptray/mcptray/config"
)

// Saying a server is not a Kubernetes server, and lifting or changing a namespace limit, only
// the person may do; adding a limit may come from anywhere.
func TestKubeForgetAndNamespaceLiftLoosen(t *testing.T) {
	home := config.Home(t.TempDir())
	kc := filepath.Join(t.TempDir(), "config")
	os.WriteFile(kc, []byte(`apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
contexts: [{name: staging, context: {cluster: c}}]
`), 0o600)
	d := &Daemon{kube: newKubeBook(home), cfg: &config.Config{Servers: map[string]*config.Server{
		"limited": {Command: "kube-mcp", Kube: &config.Kube{Context: "staging", Namespace: "apps"}},
		"open":    {Command: "kube-mcp", Kube: &config.Kube{Context: "staging"}},
	}}}
	d.kube.sources = func() (string, string) { return kc, "" }
	for _, tc := range []struct {
		method, params string
		loosens        bool
	}{
		{"kube.forget", `{"server":"open"}`, true},
		{"kube.use", `{"server":"limited","context":"staging"}`, true},
		{"kube.use", `{"server":"limited","context":"staging","namespace":"other"}`, true},
		{"kube.use", `{"server":"limited","context":"staging","namespace":"apps"}`, false},
		{"kube.use", `{"server":"open","context":"staging","namespace":"apps"}`, false},
		{"kube.use", `{"server":"open","context":"staging"}`, false},
	} {
		if got := d.loosens(tc.method, []byte(tc.params)); got != tc.loosens {
			t.Errorf("%s %s loosens: %v, want %v", tc.method, tc.params, got, tc.loosens)
		}
	}
}

// A server declared not a Kubernetes server is not one, whatever it starts; it has no
// context or namespace.
func TestForgottenServerIsNotKube(t *testing.T) {
	s := &config.Server{Command: "kubectl-ai", Args: []string{"--context=x"}, Kube: &config.Kube{None: true, Context: "x", Namespace: "n"}}
	if isKubeServer(s) || kubeContextOf(s) != "" || kubeNamespaceOf(s) != "" {
		t.Errorf("a forgotten server: kube %v, context %q, namespace %q", isKubeServer(s), kubeContextOf(s), kubeNamespaceOf(s))
	}
	s.Kube = nil
	if !isKubeServer(s) {
		t.Errorf("kubectl-ai with --context is not recognised once none is taken back")
	}
}
