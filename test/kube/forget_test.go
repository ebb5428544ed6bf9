package kube_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/internal/testbin"
)

// A server that takes --context for a meaning of its own is taken for a Kubernetes server and
// held back; once the person says it is not one (`mcptray kube forget`), it starts, with the
// empty kubeconfig, and its kubectl still reaches no cluster although the person's current
// context is production.
func TestForgottenServerStartsAndReachesNoCluster(t *testing.T) {
	w := newPerson(t)
	w.prodCurrent(t)
	w.oneFile(t) // mcp-server-kubernetes reads only one file in KUBECONFIG
	target, err := filepath.EvalSymlinks(testbin.NeedNode(t, ".bin/mcp-server-kubernetes"))
	if err != nil {
		t.Fatal(err)
	}
	// fast-tools takes --context=fast (say, a speed setting) and, unknown to MCP Tray, runs
	// kubectl: it drops its arguments and starts mcp-server-kubernetes.
	script := filepath.Join(w.u.Dir, "bin", "fast-tools")
	os.MkdirAll(filepath.Dir(script), 0o700)
	if err := os.WriteFile(script, []byte("#!/bin/sh\nexec node '"+target+"'\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	out := w.u.OK("server", "add", "tools", "--", script, "--context=fast")
	if !strings.Contains(out, "It is a Kubernetes server (it is started with --context)") || !strings.Contains(out, "mcptray kube forget tools") {
		t.Errorf("server add said:\n%s", out)
	}
	w.u.Daemon()
	text, _ := w.callOn(t, "tools", "kubectl_get", `{"resourceType":"namespaces"}`)
	if !strings.Contains(text, "choose its Kubernetes context first") || !strings.Contains(text, "If tools is not a Kubernetes server, run: mcptray kube forget tools") {
		t.Errorf("a call to the held server answered %q", text)
	}
	w.u.Eventually("tools is held back", func() bool { return w.u.State("tools").State == "failed" })
	w.noClusterReached(t, "while tools was held back")

	if out := w.u.OK("kube", "forget", "tools"); !strings.Contains(out, "no longer treats tools as a Kubernetes server") {
		t.Errorf("kube forget said:\n%s", out)
	}
	cfg, _ := os.ReadFile(filepath.Join(w.u.Home, "config.json"))
	if !strings.Contains(strings.Join(strings.Fields(string(cfg)), ""), `"kube":{"none":true}`) {
		t.Errorf("config.json does not say tools is not a Kubernetes server:\n%s", cfg)
	}
	w.u.WaitRunning("tools")
	text, _ = w.callOn(t, "tools", "kubectl_get", `{"resourceType":"namespaces"}`)
	if strings.Contains(text, "choose its Kubernetes context") || strings.Contains(text, "-apps") {
		t.Errorf("after kube forget, kubectl_get answered %q", text)
	}
	w.noClusterReached(t, "from a server declared not a Kubernetes server")
	if human := w.u.OK("kube", "contexts"); !strings.Contains(human, "There are no Kubernetes servers") {
		t.Errorf("kube contexts after kube forget:\n%s", human)
	}
}
