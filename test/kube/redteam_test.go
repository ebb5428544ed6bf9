package kube_test

import (
	"os"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/internal/testbin"
)

// Red team, through the real binary and the real mcp-server-kubernetes (whose kubectl_generic
// runs `kubectl COMMAND … ARGS`), an agent's calls on a server limited to one namespace, with
// kubectl_generic allowed by the person: a raw API path into another namespace, rewriting the
// one-context kubeconfig so the next calls send the person's token to another address (no
// flag needed), and dumping that kubeconfig's credentials. Each was run before; each is now
// refused before it reaches kubectl, and the one-context file is unchanged.
func TestAgentArgumentsThatLeaveTheNamespaceOrTheFile(t *testing.T) {
	w := newPerson(t)
	w.u.OK("server", "add", "k8s", "--", testbin.NeedNode(t, ".bin/mcp-server-kubernetes"))
	w.u.Daemon()
	w.u.OK("kube", "use", "k8s", "staging", "--namespace", "staging-apps")
	w.u.OK("policy", "set", "k8s", "kubectl_generic", "allow")
	w.u.WaitRunning("k8s")
	before, _ := os.ReadFile(w.kubeFile)
	for _, tc := range []struct{ args, says string }{
		{`{"command":"get","namespace":"staging-apps","args":["--raw","/api/v1/namespaces/default/secrets"]}`, `other than "staging-apps"`},
		{`{"command":"config","subCommand":"set","namespace":"staging-apps","args":["clusters.staging.server","https://127.0.0.1:9"]}`, "changes the server's kubeconfig"},
		{`{"command":"config","subCommand":"view","namespace":"staging-apps","args":["--raw"]}`, "with its credentials"},
	} {
		text, isErr := w.call(t, "kubectl_generic", tc.args)
		if !isErr || !strings.Contains(text, tc.says) {
			t.Errorf("kubectl_generic %s answered %q, want refused saying %q", tc.args, text, tc.says)
		}
		if strings.Contains(text, "tok-staging") {
			t.Errorf("kubectl_generic %s showed the token: %q", tc.args, text)
		}
	}
	if w.staging.Reached("/api/v1/namespaces/default/secrets") {
		t.Errorf("a refused call reached another namespace: %+v", w.staging.Requests())
	}
	if after, _ := os.ReadFile(w.kubeFile); string(after) != string(before) {
		t.Errorf("the one-context kubeconfig was changed by a call:\n%s", after)
	}
}
