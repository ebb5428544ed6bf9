package reconcile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/supervisor"
)

// twoContexts is a kubeconfig with a staging and a production context.
const twoContexts = `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: staging, context: {cluster: c, user: u}}, {name: prod-eu, context: {cluster: c, user: u}}]
`

// newTestReconciler returns a reconciler on a fresh home whose kubeconfig is twoContexts,
// and counts its reloads and notes.
func newTestReconciler(t *testing.T) (r *Reconciler, home config.Home, reloads *int, notes *[]Change) {
	t.Helper()
	home = config.Home(t.TempDir())
	if err := home.Ensure(); err != nil {
		t.Fatal(err)
	}
	kc := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(kc, []byte(twoContexts), 0o600); err != nil {
		t.Fatal(err)
	}
	reloads, notes = new(int), new([]Change)
	r = New(Options{Home: home, Sources: func() (string, string) { return kc, "" },
		Reload: func() { *reloads++ }, Notify: func(c Change, _ string) { *notes = append(*notes, c) }})
	return r, home, reloads, notes
}

// Each refusal of Use and Forget is one kind (errors.Is), with a sentence, and changes nothing.
func TestUseAndForgetRefuseByKind(t *testing.T) {
	r, home, reloads, _ := newTestReconciler(t)
	cfg := &config.Config{Servers: map[string]*config.Server{
		"k8s":   {Command: "kube-mcp", Kube: &config.Kube{Context: "staging"}},
		"files": {Command: "files-mcp"},
	}}
	if err := home.Save(cfg); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		what string
		err  error
		want error
	}{
		{"no such server", r.Use(cfg, Choice{Server: "nope", Context: "staging"}), config.ErrNoServer},
		{"not a Kubernetes server", r.Use(cfg, Choice{Server: "files", Context: "staging"}), ErrNotKubeServer},
		{"a bad namespace", r.Use(cfg, Choice{Server: "k8s", Context: "staging", Namespace: "Not_One"}), ErrBadNamespace},
		{"no such context", r.Use(cfg, Choice{Server: "k8s", Context: "gone"}), ErrNoContext},
		{"production unconfirmed", r.Use(cfg, Choice{Server: "k8s", Context: "prod-eu"}), ErrNeedsConfirmation},
		{"forget no such server", r.Forget(cfg, "nope"), config.ErrNoServer},
	} {
		if !errors.Is(tc.err, tc.want) || strings.HasPrefix(tc.err.Error(), tc.want.Error()) {
			t.Errorf("%s: %v; want a sentence of kind %q", tc.what, tc.err, tc.want)
		}
	}
	if *reloads != 0 {
		t.Errorf("a refused choice reloaded %d times", *reloads)
	}
	if err := r.Use(cfg, Choice{Server: "k8s", Context: "prod-eu", Yes: true}); err != nil {
		t.Fatal(err)
	}
	saved, err := home.Load()
	if err != nil {
		t.Fatal(err)
	}
	if k := saved.Servers["k8s"].Kube; k.Context != "prod-eu" || *reloads != 1 {
		t.Errorf("after a confirmed switch: %+v, %d reloads", k, *reloads)
	}
}

// Specs points a Kubernetes server at its one-context file and every other server at the
// empty one; a server with no context chosen is refused, and a context that leaves the
// kubeconfig stops its server with a note.
func TestSpecsWriteOneContextFiles(t *testing.T) {
	r, home, _, notes := newTestReconciler(t)
	cfg := &config.Config{Servers: map[string]*config.Server{
		"k8s":    {Command: "kube-mcp", Kube: &config.Kube{Context: "staging"}},
		"unset":  {Command: "kube-mcp", Kube: &config.Kube{}},
		"files":  {Command: "files-mcp"},
		"sneaky": {Command: "kube-mcp", Args: []string{"--context=prod-eu"}, Kube: &config.Kube{Context: "staging"}},
	}}
	specs := r.Specs(cfg, []supervisor.Spec{{Name: "k8s"}, {Name: "unset"}, {Name: "files"}, {Name: "sneaky", Args: []string{"--context=prod-eu"}}})
	by := map[string]supervisor.Spec{}
	for _, sp := range specs {
		by[sp.Name] = sp
	}
	if sp := by["k8s"]; sp.Env["KUBECONFIG"] != File(home, "k8s") || sp.Refuse != "" {
		t.Errorf("k8s: %+v", sp)
	}
	if b, err := os.ReadFile(File(home, "k8s")); err != nil || strings.Contains(string(b), "prod-eu") {
		t.Errorf("the one-context file: %v\n%s", err, b)
	}
	if sp := by["unset"]; !strings.Contains(sp.Refuse, "mcptray kube use unset CONTEXT") {
		t.Errorf("a server with no context: %q", sp.Refuse)
	}
	if sp := by["files"]; sp.Env["KUBECONFIG"] != EmptyFile(home) || sp.Refuse != "" {
		t.Errorf("files: %+v", sp)
	}
	if sp := by["sneaky"]; !strings.Contains(sp.Refuse, "--context") {
		t.Errorf("a server started with --context: %q", sp.Refuse)
	}
	if c, prod, ok := r.Scope("k8s", ""); c != "staging" || prod || !ok {
		t.Errorf("scope of k8s: %q %v %v", c, prod, ok)
	}

	// The choice stays, but the context leaves the kubeconfig.
	kc, _ := r.opts.Sources()
	if err := os.WriteFile(kc, []byte(strings.Replace(twoContexts, "{name: staging, context: {cluster: c, user: u}}, ", "", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	specs = r.Specs(cfg, []supervisor.Spec{{Name: "k8s"}})
	if !strings.Contains(specs[0].Refuse, "no longer in your kubeconfig") || len(*notes) != 1 || (*notes)[0] != ContextGone {
		t.Errorf("context gone: %q, notes %v", specs[0].Refuse, *notes)
	}
	if _, err := os.Stat(File(home, "k8s")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the one-context file of a stopped server is still there: %v", err)
	}
}
