package daemon

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/kube/reconcile"
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
	d := &Daemon{kube: reconcile.New(reconcile.Options{Home: home, Sources: func() (string, string) { return kc, "" }}), cfg: &config.Config{Servers: map[string]*config.Server{
		"limited": {Command: "kube-mcp", Kube: &config.Kube{Context: "staging", Namespace: "apps"}},
		"open":    {Command: "kube-mcp", Kube: &config.Kube{Context: "staging"}},
	}}}
	for _, tc := range []struct {
		method  string
		params  string
		loosens bool
	}{
		{api.KubeForget.Name, `{"server":"open"}`, true},
		{api.KubeUse.Name, `{"server":"limited","context":"staging"}`, true},
		{api.KubeUse.Name, `{"server":"limited","context":"staging","namespace":"other"}`, true},
		{api.KubeUse.Name, `{"server":"limited","context":"staging","namespace":"apps"}`, false},
		{api.KubeUse.Name, `{"server":"open","context":"staging","namespace":"apps"}`, false},
		{api.KubeUse.Name, `{"server":"open","context":"staging"}`, false},
	} {
		if got := d.loosens(tc.method, []byte(tc.params)); got != tc.loosens {
			t.Errorf("%s %s loosens: %v, want %v", tc.method, tc.params, got, tc.loosens)
		}
	}
}
