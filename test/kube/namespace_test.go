package kube_test

import (
	"os"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/internal/testbin"
)

// A Kubernetes server limited to one namespace gets it in its one-context kubeconfig; a call
// that names another namespace, or all of them, is refused before it reaches the cluster, and
// one in the allowed namespace runs.
func TestNamespaceLimitRefusesOtherNamespaces(t *testing.T) {
	w := newPerson(t)
	w.u.OK("server", "add", "k8s", "--", testbin.NeedNode(t, ".bin/mcp-server-kubernetes"))
	w.u.Daemon()
	if out := w.u.OK("kube", "use", "k8s", "staging", "--namespace", "staging-apps"); !strings.Contains(out, "only its namespace staging-apps") {
		t.Errorf("kube use --namespace said:\n%s", out)
	}
	w.u.WaitRunning("k8s")
	if human := w.u.OK("kube", "contexts", "k8s"); !strings.Contains(human, "k8s uses staging, namespace staging-apps only") {
		t.Errorf("kube contexts:\n%s", human)
	}
	if ks := w.contexts(t); ks.Namespace != "staging-apps" {
		t.Errorf("kube contexts --json: namespace %q", ks.Namespace)
	}
	if b, _ := os.ReadFile(w.kubeFile); !strings.Contains(string(b), "namespace: staging-apps") {
		t.Errorf("the one-context kubeconfig has no namespace:\n%s", b)
	}
	for _, args := range []string{`{"resourceType":"pods","namespace":"default"}`, `{"resourceType":"pods","allNamespaces":true}`} {
		text, isErr := w.call(t, "kubectl_get", args)
		if !isErr || !strings.Contains(text, `may only use the namespace "staging-apps"`) {
			t.Errorf("kubectl_get %s answered %q", args, text)
		}
	}
	if w.staging.Reached("/api/v1/namespaces/default/pods") || w.staging.Reached("/api/v1/pods") || len(w.prod.Requests()) != 0 {
		t.Fatalf("a refused call reached a cluster: %+v", w.staging.Requests())
	}
	if text, isErr := w.call(t, "kubectl_get", `{"resourceType":"pods","namespace":"staging-apps"}`); isErr {
		t.Errorf("kubectl_get in the allowed namespace: %q", text)
	}
	if !w.staging.Reached("/api/v1/namespaces/staging-apps/pods") {
		t.Errorf("the call in the allowed namespace did not reach it: %+v", w.staging.Requests())
	}
}
