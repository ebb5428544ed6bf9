package daemon

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/kube/reconcile"
)

// Saying a server is not a Kubernetes server, choosing its context (a first one or another),
// and lifting or changing a namespace limit, only the person may do; adding a limit to the
// same context may come from anywhere.
func TestKubeForgetAndNamespaceLiftLoosen(t *testing.T) {
	home := config.Home(t.TempDir())
	kc := filepath.Join(t.TempDir(), "config")
	os.WriteFile(kc, []byte(`apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
contexts: [{name: staging, context: {cluster: c}}, {name: dev, context: {cluster: c}}]
`), 0o600)
	d := &Daemon{kube: reconcile.New(reconcile.Options{Home: home, Sources: func() (string, string) { return kc, "" }}), cfg: &config.Config{Servers: map[string]*config.Server{
		"limited": {Command: "kube-mcp", Kube: &config.Kube{Context: "staging", Namespace: "apps"}},
		"open":    {Command: "kube-mcp", Kube: &config.Kube{Context: "staging"}},
		"new":     {Command: "kube-mcp", Kube: &config.Kube{}},
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
		// Another cluster than the person chose, or the first choice, production or not.
		{api.KubeUse.Name, `{"server":"open","context":"dev"}`, true},
		{api.KubeUse.Name, `{"server":"new","context":"staging"}`, true},
	} {
		if got := d.loosens(tc.method, []byte(tc.params)); got != tc.loosens {
			t.Errorf("%s %s loosens: %v, want %v", tc.method, tc.params, got, tc.loosens)
		}
	}
}
