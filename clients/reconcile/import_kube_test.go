package reconcile

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/keychain"
)

// An entry that reaches Kubernetes is imported as a Kubernetes server with no context; the
// current context of the kubeconfig its KUBECONFIG names is offered, never chosen, and
// production is named as such. Other entries stay plain servers.
func TestImportMakesKubernetesEntriesGuarded(t *testing.T) {
	w := newClientWorld(t, "cursor")
	kubeconfig := filepath.Join(t.TempDir(), "config")
	write(t, kubeconfig, `apiVersion: v1
kind: Config
current-context: prod-eu
clusters:
- {name: prod, cluster: {server: "https://prod.example:6443"}}
contexts:
- {name: prod-eu, context: {cluster: prod, user: ops}}
users:
- {name: ops, user: {token: t}}
`)
	write(t, w.Path("cursor"), `{"mcpServers": {
  "k8s": {"command": "my-tools", "env": {"KUBECONFIG": "`+kubeconfig+`"}},
  "helm": {"command": "npx", "args": ["-y", "mcp-server-kubernetes"]},
  "files": {"command": "node", "args": ["x.js"]}
}}`)
	t.Setenv("KUBECONFIG", kubeconfig) // the kubeconfig MCP Tray reads has the context
	plan, err := PlanImport(ImportOptions{Home: w.Home, Env: w.Env, Binary: testBinary, Keys: keychain.NewMemory()}, "cursor")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]ImportServer{}
	for _, s := range plan.Servers {
		got[s.Key] = s
	}
	k := got["k8s"]
	if k.Server.Kube == nil || k.Server.Kube.Context != "" || k.KubeContext != "prod-eu" || !k.KubeProduction ||
		!strings.Contains(k.Note, "mcptray kube use k8s prod-eu --yes") {
		t.Errorf("k8s: kube %+v, offered %q (production %v), note %q", k.Server.Kube, k.KubeContext, k.KubeProduction, k.Note)
	}
	if h := got["helm"]; h.Server.Kube == nil || h.KubeContext != "" || !strings.Contains(h.Note, "mcptray kube use helm CONTEXT") {
		t.Errorf("helm: kube %+v, note %q", h.Server.Kube, h.Note)
	}
	if f := got["files"]; f.Server.Kube != nil || f.Note != "" {
		t.Errorf("files became a Kubernetes server: %+v %q", f.Server.Kube, f.Note)
	}
}

// An offered context the kubeconfig MCP Tray reads does not have is offered with what to do.
func TestImportSaysWhenTheEntrysKubeconfigIsNotMCPTrays(t *testing.T) {
	w := newClientWorld(t, "cursor")
	kubeconfig := filepath.Join(t.TempDir(), "config")
	write(t, kubeconfig, "apiVersion: v1\nkind: Config\ncurrent-context: dev\nclusters: [{name: c, cluster: {server: \"https://c.example\"}}]\ncontexts: [{name: dev, context: {cluster: c}}]\n")
	write(t, w.Path("cursor"), `{"mcpServers": {"k8s": {"command": "my-tools", "env": {"KUBECONFIG": "`+kubeconfig+`"}}}}`)
	t.Setenv("KUBECONFIG", filepath.Join(t.TempDir(), "none"))
	plan, err := PlanImport(ImportOptions{Home: w.Home, Env: w.Env, Binary: testBinary, Keys: keychain.NewMemory()}, "cursor")
	if err != nil || len(plan.Servers) != 1 {
		t.Fatal(plan, err)
	}
	if s := plan.Servers[0]; s.KubeContext != "dev" || !strings.Contains(s.Note, "add that file to KUBECONFIG where MCP Tray starts, then run: mcptray kube use k8s dev") {
		t.Errorf("offered %q, note %q", s.KubeContext, s.Note)
	}
}
