package app

import (
	"testing"

	"github.com/mcptray/mcptray/api"
)

// A server limited to one namespace shows it beside its context in the tray.
func TestKubeLabelShowsTheNamespace(t *testing.T) {
	for _, tc := range []struct {
		k    api.KubeServer
		want string
	}{
		{api.KubeServer{Context: "dev", Namespace: "apps"}, "context dev, namespace apps"},
		{api.KubeServer{Context: "prod", Namespace: "apps", Production: true}, "context prod, namespace apps (PRODUCTION)"},
		{api.KubeServer{Namespace: "apps"}, "no context chosen"},
	} {
		if got := kubeLabel(tc.k); got != tc.want {
			t.Errorf("kubeLabel(%+v) = %q, want %q", tc.k, got, tc.want)
		}
	}
}
