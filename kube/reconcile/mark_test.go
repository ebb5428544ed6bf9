package reconcile

import (
	"strings"
	"testing"

	"github.com/mcptray/mcptray/config"
)

func TestMarkSaysWhyAndHowToChoose(t *testing.T) {
	plain := &config.Server{Command: "node", Args: []string{"notes.js"}}
	if got := Mark(plain, "notes", false); got != "" || plain.Kube != nil {
		t.Errorf("a plain server was marked: %q, %+v", got, plain.Kube)
	}

	asked := &config.Server{Command: "node", Args: []string{"cluster.js"}}
	got := Mark(asked, "k", true)
	if asked.Kube == nil || !strings.Contains(got, "(you said it reaches Kubernetes)") || strings.Contains(got, "kube forget") ||
		!strings.Contains(got, "`mcptray kube contexts k`") || !strings.Contains(got, "`mcptray kube use k CONTEXT`") {
		t.Errorf("--kube: %q, %+v", got, asked.Kube)
	}

	seen := &config.Server{Command: "kubectl", Args: []string{"mcp"}}
	got = Mark(seen, "k8s", false)
	if seen.Kube == nil || seen.Kube.Context != "" || strings.Contains(got, "you said") ||
		!strings.HasSuffix(got, " If it is not a Kubernetes server, run `mcptray kube forget k8s`.") {
		t.Errorf("recognised: %q, %+v", got, seen.Kube)
	}

	both := &config.Server{Command: "kubectl", Args: []string{"mcp"}}
	if got := Mark(both, "k8s", true); strings.Contains(got, "you said") || strings.Contains(got, "kube forget") {
		t.Errorf("recognised and --kube: %q", got)
	}
}
