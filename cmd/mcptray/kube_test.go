package main

import (
	"strings"
	"testing"
)

func TestKubeCommandErrors(t *testing.T) {
	u := newUser(t)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"kube"}, 2, "Kube needs a command: contexts, use or forget"},
		{[]string{"kube", "use", "k8s"}, 2, "needs a server name and a context name"},
		{[]string{"kube", "contexts", "a", "b"}, 2, ""},
		{[]string{"kube", "contexts"}, 1, "MCP Tray is not running."},
		{[]string{"kube", "use", "k8s", "staging"}, 1, "MCP Tray is not running."},
		{[]string{"kube", "forget"}, 2, "needs a server name"},
		{[]string{"kube", "forget", "k8s"}, 1, "MCP Tray is not running."},
	} {
		_, errs, code := u.Run(tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.want) {
			t.Errorf("mcptray %s: exit %d, stderr %q; want exit %d and %q", strings.Join(tc.args, " "), code, errs, tc.code, tc.want)
		}
	}
	// A server that is not a Kubernetes server has no context to choose.
	u.OK("server", "add", "plain", "--", fake)
	u.Daemon()
	if _, errs, code := u.Run("kube", "use", "plain", "x"); code != 1 || !strings.Contains(errs, `"plain" is not a Kubernetes server`) {
		t.Errorf("kube use on a plain server: exit %d %q", code, errs)
	}
	if out := u.OK("kube", "contexts"); !strings.Contains(out, "There are no Kubernetes servers in MCP Tray") {
		t.Errorf("kube contexts with none: %q", out)
	}
	if _, errs, code := u.Run("kube", "forget", "nosuch"); code != 1 || !strings.Contains(errs, `There is no server named "nosuch"`) {
		t.Errorf("kube forget of a missing server: exit %d %q", code, errs)
	}
	// A namespace must be one Kubernetes could have.
	u.OK("server", "add", "k8s", "--kube", "--", fake)
	var errs string
	u.Eventually("the daemon knows k8s", func() bool {
		_, errs, _ = u.Run("kube", "use", "k8s", "x", "--namespace", "../Other")
		return !strings.Contains(errs, "There is no server named")
	})
	if !strings.Contains(errs, `"../Other" cannot be a Kubernetes namespace`) {
		t.Errorf("kube use with a bad namespace: %q", errs)
	}
}
