package reconcile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/supervisor"
)

// Red team: a server limited to a namespace whose name says production ran its calls without
// asking, because production was judged on the context's own namespace, which the limit
// replaces. The namespace it is limited to is the one it works in.
func TestALimitToAProductionNamespaceIsProduction(t *testing.T) {
	home := config.Home(t.TempDir())
	if err := home.Ensure(); err != nil {
		t.Fatal(err)
	}
	kc := filepath.Join(t.TempDir(), "config")
	os.WriteFile(kc, []byte(`apiVersion: v1
kind: Config
clusters: [{name: shared, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: shared, context: {cluster: shared, user: u, namespace: default}}]
`), 0o600)
	r := New(Options{Home: home, Sources: func() (string, string) { return kc, "" }})
	cfg := &config.Config{Servers: map[string]*config.Server{
		"k8s": {Command: "kube-mcp", Kube: &config.Kube{Context: "shared", Namespace: "payments-prod"}},
	}}
	if err := home.Save(cfg); err != nil {
		t.Fatal(err)
	}
	specs := r.Specs(cfg, []supervisor.Spec{{Name: "k8s", Command: "kube-mcp"}})
	if specs[0].Refuse != "" {
		t.Fatalf("refused: %s", specs[0].Refuse)
	}
	if _, prod, ok := r.Scope("k8s", ""); !ok || !prod {
		t.Errorf("a server limited to payments-prod: production %v, want true", prod)
	}
	err := r.Use(cfg, Choice{Server: "k8s", Context: "shared", Namespace: "live-shop"})
	if !errors.Is(err, ErrNeedsConfirmation) {
		t.Errorf("kube use shared --namespace live-shop without --yes: %v, want a confirmation asked for", err)
	}
}
