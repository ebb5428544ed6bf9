package kube_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/internal/fakekube"
	"github.com/mcptray/mcptray/internal/testbin"
)

// The person's current context is production in every test here: a Kubernetes server MCP
// Tray did not guard would reach it at once.

// wrapper writes a script that starts mcp-server-kubernetes (which runs kubectl) under a name
// MCP Tray cannot recognise, and returns its path.
func wrapper(t *testing.T, w *world) string {
	t.Helper()
	target, err := filepath.EvalSymlinks(testbin.NeedNode(t, ".bin/mcp-server-kubernetes"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(w.u.Dir, "bin", "cluster-tools")
	os.MkdirAll(filepath.Dir(path), 0o700)
	if err := os.WriteFile(path, []byte("#!/bin/sh\nexec node '"+target+"' \"$@\"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	return path
}

// oneFile writes the person's two contexts into one kubeconfig file, production current, and
// points KUBECONFIG at it; it returns the file's path.
func (w *world) oneFile(t *testing.T) string {
	t.Helper()
	ca := func(s *fakekube.Server) string { return base64.StdEncoding.EncodeToString(s.CAData()) }
	data := fmt.Sprintf(`apiVersion: v1
kind: Config
current-context: prod-eu
clusters:
- name: staging
  cluster: {server: %q, certificate-authority-data: %s}
- name: prod
  cluster: {server: %q, certificate-authority-data: %s}
contexts:
- name: staging
  context: {cluster: staging, user: dev}
- name: prod-eu
  context: {cluster: prod, user: ops}
users:
- name: dev
  user: {token: tok-staging}
- name: ops
  user: {token: %s}
`, w.staging.URL, ca(w.staging), w.prod.URL, ca(w.prod), w.prodToken)
	path := filepath.Join(w.u.Dir, ".kube", "config")
	os.MkdirAll(filepath.Dir(path), 0o700)
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	w.u.Env = append(w.u.Env, "KUBECONFIG="+path)
	return path
}

// noClusterReached fails the test if either API server got a request.
func (w *world) noClusterReached(t *testing.T, when string) {
	t.Helper()
	if r := append(w.prod.Requests(), w.staging.Requests()...); len(r) != 0 {
		t.Fatalf("%s, a cluster was reached: %+v", when, r)
	}
}

// heldBack checks that k8s waits for a context and says how to choose one, and that a call
// through it reaches no cluster.
func (w *world) heldBack(t *testing.T) {
	t.Helper()
	text, _ := w.call(t, "kubectl_get", `{"resourceType":"namespaces"}`)
	w.noClusterReached(t, "before a context was chosen")
	if !strings.Contains(text, "choose its Kubernetes context first") {
		t.Errorf("a call before a choice answered %q", text)
	}
	w.u.Eventually("k8s is held back", func() bool { return w.u.State("k8s").State == "failed" })
	if status := w.u.OK("server", "status", "k8s"); !strings.Contains(status, "choose its Kubernetes context first: mcptray kube use k8s CONTEXT") {
		t.Errorf("server status does not say to choose a context:\n%s", status)
	}
	if ks := w.contexts(t); ks.Context != "" || !strings.Contains(ks.Problem, "choose its Kubernetes context first: mcptray kube use k8s CONTEXT") {
		t.Errorf("kube contexts before a choice: context %q, problem %q", ks.Context, ks.Problem)
	}
	// Production needs the person's confirmation.
	if _, errs, code := w.u.Run("kube", "use", "k8s", "prod-eu"); code == 0 || !strings.Contains(errs, "mcptray kube use k8s prod-eu --yes") {
		t.Errorf("kube use of production without --yes: exit %d %s", code, errs)
	}
	w.noClusterReached(t, "after an unconfirmed switch to production")
}

// reachesProdAfterConfirmation confirms production and checks that k8s then reaches it.
func (w *world) reachesProdAfterConfirmation(t *testing.T) {
	t.Helper()
	w.u.OK("kube", "use", "k8s", "prod-eu", "--yes")
	w.u.WaitRunning("k8s")
	if text, isErr := w.call(t, "kubectl_get", `{"resourceType":"namespaces"}`); isErr || !strings.Contains(text, "prod-apps") {
		t.Fatalf("kubectl_get on the confirmed production context: %q", text)
	}
}

func TestHandAddedMcpServerKubernetesIsGuarded(t *testing.T) {
	w := newPerson(t)
	w.prodCurrent(t)
	out := w.u.OK("server", "add", "k8s", "--", testbin.NeedNode(t, ".bin/mcp-server-kubernetes"))
	if !strings.Contains(out, "It is a Kubernetes server (it starts mcp-server-kubernetes)") {
		t.Errorf("server add said:\n%s", out)
	}
	w.u.Daemon()
	w.heldBack(t)

	w.u.OK("kube", "use", "k8s", "staging")
	w.u.WaitRunning("k8s")
	if text, isErr := w.call(t, "kubectl_get", `{"resourceType":"namespaces"}`); isErr || !strings.Contains(text, "staging-apps") {
		t.Fatalf("kubectl_get on staging: %q", text)
	}
	if r := w.prod.Requests(); len(r) != 0 {
		t.Fatalf("production was reached while k8s uses staging: %+v", r)
	}
	// kubectl_context says it is read-only; it can switch contexts, so it is refused.
	staged := len(w.staging.Requests())
	for _, args := range []string{`{"operation":"list"}`, `{"operation":"set","name":"prod-eu"}`} {
		text, isErr := w.call(t, "kubectl_context", args)
		if !isErr || !strings.Contains(text, "switches Kubernetes contexts") || !strings.Contains(text, "mcptray kube use k8s CONTEXT") {
			t.Errorf("kubectl_context %s answered %q", args, text)
		}
	}
	if n := len(w.staging.Requests()); n != staged || len(w.prod.Requests()) != 0 {
		t.Errorf("a refused kubectl_context reached a cluster")
	}
	w.reachesProdAfterConfirmation(t)
}

func TestKubeFlagGuardsAnyServer(t *testing.T) {
	w := newPerson(t)
	w.prodCurrent(t)
	out := w.u.OK("server", "add", "k8s", "--kube", "--", wrapper(t, w))
	if !strings.Contains(out, "It is a Kubernetes server (you said it reaches Kubernetes)") {
		t.Errorf("server add --kube said:\n%s", out)
	}
	w.u.Daemon()
	w.heldBack(t)
	w.reachesProdAfterConfirmation(t)
	if r := w.staging.Requests(); len(r) != 0 {
		t.Errorf("staging was reached: %+v", r)
	}
}

func TestUnknownServerRunningKubectlReachesNoCluster(t *testing.T) {
	w := newPerson(t)
	w.prodCurrent(t)
	w.oneFile(t) // mcp-server-kubernetes reads only one file in KUBECONFIG
	out := w.u.OK("server", "add", "tools", "--", wrapper(t, w))
	if strings.Contains(out, "Kubernetes") {
		t.Errorf("an unrecognisable server was taken for a Kubernetes server:\n%s", out)
	}
	w.u.Daemon()
	text, _ := w.callOn(t, "tools", "kubectl_get", `{"resourceType":"namespaces"}`)
	if strings.Contains(text, "-apps") {
		t.Errorf("kubectl in an unknown server listed namespaces: %q", text)
	}
	w.noClusterReached(t, "from a server MCP Tray does not know as a Kubernetes server")
	if human := w.u.OK("kube", "contexts"); !strings.Contains(human, "There are no Kubernetes servers") {
		t.Errorf("kube contexts:\n%s", human)
	}
}

func TestImportedEntryWithKubeconfigIsGuarded(t *testing.T) {
	w := newPerson(t)
	w.prodCurrent(t)
	file := w.oneFile(t) // mcp-server-kubernetes reads only one file in KUBECONFIG
	w.u.Env = append(w.u.Env, "XDG_CONFIG_HOME="+filepath.Join(w.u.Dir, ".config"))
	entry, _ := json.Marshal(map[string]any{"mcpServers": map[string]any{
		"k8s": map[string]any{"command": wrapper(t, w), "env": map[string]string{"KUBECONFIG": file}},
	}})
	path := filepath.Join(w.u.Dir, ".cursor", "mcp.json")
	os.MkdirAll(filepath.Dir(path), 0o700)
	if err := os.WriteFile(path, entry, 0o600); err != nil {
		t.Fatal(err)
	}
	out := w.u.OK("client", "import", "cursor", "--yes")
	if !strings.Contains(out, "its kubeconfig's current context is prod-eu, to use it run: mcptray kube use k8s prod-eu --yes (it is a production context)") {
		t.Errorf("the import said:\n%s", out)
	}
	w.u.Daemon()
	w.heldBack(t)
	w.reachesProdAfterConfirmation(t)
}

// Installed from the catalog (npx fetches mcp-server-kubernetes 4.1.7 as a person's install
// would), the server is held until the person chooses a context, like one added by hand.
func TestCatalogMcpServerKubernetesIsGuarded(t *testing.T) {
	testbin.NeedNode(t, ".bin/mcp-server-kubernetes") // npx and node; kubectl comes from deps.sh
	w := newPerson(t)
	w.prodCurrent(t)
	w.u.Daemon()
	out := w.u.OK("install", "kubernetes-kubectl", "--name", "k8s", "--yes")
	if !strings.Contains(out, "choose the Kubernetes context it may use") {
		t.Errorf("install said:\n%s", out)
	}
	w.heldBack(t)
	w.u.OK("kube", "use", "k8s", "staging")
	w.u.WaitRunning("k8s")
	if text, isErr := w.call(t, "kubectl_get", `{"resourceType":"namespaces"}`); isErr || !strings.Contains(text, "staging-apps") {
		t.Fatalf("kubectl_get on staging: %q", text)
	}
	if r := w.prod.Requests(); len(r) != 0 {
		t.Fatalf("production was reached while k8s uses staging: %+v", r)
	}
	w.reachesProdAfterConfirmation(t)
}
