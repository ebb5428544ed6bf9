package app

import "testing"

// A server limited to one namespace shows it beside its context in the tray.
func TestKubeLabelShowsTheNamespace(t *testing.T) {
	for _, tc := range []struct {
		k    kubeServer
		want string
	}{
		{kubeServer{Context: "dev", Namespace: "apps"}, "context dev, namespace apps"},
		{kubeServer{Context: "prod", Namespace: "apps", Production: true}, "context prod, namespace apps (PRODUCTION)"},
		{kubeServer{Namespace: "apps"}, "no context chosen"},
	} {
		if got := kubeLabel(tc.k); got != tc.want {
			t.Errorf("kubeLabel(%+v) = %q, want %q", tc.k, got, tc.want)
		}
	}
}
