package daemon

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
)

// The kube.* methods answer each refusal of the reconciler with its sentinel on the wire, so
// the window and the command line tell them apart with errors.Is.
func TestKubeRoutesAnswerWithSentinels(t *testing.T) {
	kc := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(kc, []byte(`apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
contexts: [{name: staging, context: {cluster: c}}, {name: prod-eu, context: {cluster: c}}]
`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KUBECONFIG", kc)
	h := start(t)
	h.add(t, "k8s", &config.Server{Command: "kube-mcp", Disabled: true, Kube: &config.Kube{Context: "staging"}})
	h.add(t, "files", &config.Server{Command: "files-mcp", Disabled: true})
	h.waitFor(t, "both servers configured", func(st api.StatusResult) bool {
		_, k := find(st, "k8s")
		_, f := find(st, "files")
		return k && f
	})
	ctx := context.Background()
	for _, tc := range []struct {
		what string
		err  error
		want error
	}{
		{"use on no such server", call(ctx, h, api.KubeUse, api.KubeUseParams{Server: "nope", Context: "staging"}), api.ErrNotFound},
		{"use on a server that is not one", call(ctx, h, api.KubeUse, api.KubeUseParams{Server: "files", Context: "staging"}), api.ErrBadRequest},
		{"use of a bad namespace", call(ctx, h, api.KubeUse, api.KubeUseParams{Server: "k8s", Context: "staging", Namespace: "No_Such"}), api.ErrBadRequest},
		{"use of no such context", call(ctx, h, api.KubeUse, api.KubeUseParams{Server: "k8s", Context: "gone"}), api.ErrNotFound},
		{"production unconfirmed", call(ctx, h, api.KubeUse, api.KubeUseParams{Server: "k8s", Context: "prod-eu"}), api.ErrNeedsConfirmation},
		{"forget no such server", call(ctx, h, api.KubeForget, api.KubeForgetParams{Server: "nope"}), api.ErrNotFound},
		{"contexts of no such server", call(ctx, h, api.KubeContexts, api.KubeContextsParams{Server: "nope"}), api.ErrNotFound},
	} {
		if !errors.Is(tc.err, tc.want) {
			t.Errorf("%s: %v; want %v", tc.what, tc.err, tc.want)
		}
	}
	res, err := api.Call(ctx, h.client, api.KubeContexts, api.KubeContextsParams{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Servers) != 1 || res.Servers[0].Server != "k8s" || res.Servers[0].Context != "staging" || len(res.Servers[0].Contexts) != 2 || !res.Servers[0].Contexts[0].Production {
		t.Errorf("kube.contexts = %+v", res)
	}
}

// call runs m and keeps only its error.
func call[P, R any](ctx context.Context, h *harness, m api.Method[P, R], p P) error {
	_, err := api.Call(ctx, h.client, m, p)
	return err
}
