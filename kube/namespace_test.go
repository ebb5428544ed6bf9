package kube

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// MinifyIn sets the context's namespace to the one a server is limited to, whatever the
// person's kubeconfig names, and "" keeps the context's own; the source is not changed.
func TestMinifyInSetsTheNamespace(t *testing.T) {
	a, b := twoFiles(t)
	c, err := Load([]string{a, b})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ ctx, ns, want string }{
		{"staging", "web", "web"},   // replaces the context's namespace (apps)
		{"prod-eu", "web", "web"},   // adds one to a context without
		{"staging", "", "apps"},     // keeps the context's own
		{"staging", "apps", "apps"}, // the same
	} {
		out, err := c.MinifyIn(tc.ctx, tc.ns)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Load([]string{write(t, filepath.Join(t.TempDir(), "k8s.yaml"), string(out))})
		if err != nil {
			t.Fatal(err)
		}
		got := back.Contexts()
		if len(got) != 1 || got[0].Name != tc.ctx || got[0].Namespace != tc.want {
			t.Errorf("MinifyIn(%q, %q) gave contexts %+v, want namespace %q", tc.ctx, tc.ns, got, tc.want)
		}
	}
	if ctx, _ := c.Context("staging"); ctx.Namespace != "apps" {
		t.Errorf("MinifyIn changed the loaded kubeconfig: staging's namespace is %q", ctx.Namespace)
	}
}

func TestValidNamespace(t *testing.T) {
	var got []string
	for _, ns := range []string{"apps", "kube-system", "a", "a1-b2", "", "-a", "a-", "Apps", "a_b", "a.b", "a b", "../x", string(make([]byte, 64))} {
		if ValidNamespace(ns) {
			got = append(got, ns)
		}
	}
	if d := cmp.Diff([]string{"apps", "kube-system", "a", "a1-b2"}, got); d != "" {
		t.Errorf("valid namespaces (-want +got):\n%s", d)
	}
}
