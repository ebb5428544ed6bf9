package reconcile

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/policy"
)

func TestScopedGrantsPersistPerContext(t *testing.T) {
	home := config.Home(t.TempDir())
	if err := home.Ensure(); err != nil {
		t.Fatal(err)
	}
	s := NewGrants(home)
	if list, err := s.Load(); err != nil || list != nil {
		t.Fatalf("no file: %v %v", list, err)
	}
	staging := policy.AlwaysGrant{Server: "k8s", Tool: "pods_run", Scope: "staging"}
	for range 2 { // saving twice keeps one
		if err := s.Add(staging); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Add(policy.AlwaysGrant{Server: "k8s", Tool: "pods_run", Scope: "dev"}); err != nil {
		t.Fatal(err)
	}
	list, err := NewGrants(home).Load()
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]policy.AlwaysGrant{staging, {Server: "k8s", Tool: "pods_run", Scope: "dev"}}, list); d != "" {
		t.Errorf("saved grants (-want +got):\n%s", d)
	}
	fi, err := os.Stat(filepath.Join(home.KubeDir(), "grants.json"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("grants file: %v %v", fi, err)
	}
	// A grant given on one context lets through only calls on that context.
	g := policy.NewGrants(list, nil)
	e := policy.NewEngine(policy.EngineOptions{Grants: g})
	for scope, want := range map[string]policy.Rule{"staging": policy.RuleAllow, "dev": policy.RuleAllow, "prod-eu": policy.RuleAsk, "": policy.RuleAsk} {
		v := e.Decide(policy.Call{Server: "k8s", Tool: "pods_run", Scope: scope, Kube: scope != "", Arguments: []byte(`{}`)})
		if v.Rule != want {
			t.Errorf("scope %q: %s, want %s", scope, v.Rule, want)
		}
	}
}

func TestSessionsThatBeganOnAnotherContextCountAsProduction(t *testing.T) {
	b := New(Options{Home: config.Home(t.TempDir())})
	b.servers["k8s"] = state{context: "staging"}
	type scope struct {
		Context    string
		Production bool
		OK         bool
	}
	get := func(server, session string) scope {
		c, p, ok := b.Scope(server, session)
		return scope{c, p, ok}
	}
	if d := cmp.Diff(scope{"staging", false, true}, get("k8s", "s1")); d != "" {
		t.Errorf("staging session (-want +got):\n%s", d)
	}
	if d := cmp.Diff(scope{}, get("files", "s1")); d != "" {
		t.Errorf("not a Kubernetes server (-want +got):\n%s", d)
	}
	b.servers["k8s"] = state{context: "dev"} // the person switched
	if d := cmp.Diff(scope{"dev", true, true}, get("k8s", "s1")); d != "" {
		t.Errorf("session opened before the switch (-want +got):\n%s", d)
	}
	if d := cmp.Diff(scope{"dev", false, true}, get("k8s", "s2")); d != "" {
		t.Errorf("session opened after the switch (-want +got):\n%s", d)
	}
	b.EndSession("s1")
	if d := cmp.Diff(scope{"dev", false, true}, get("k8s", "s1")); d != "" {
		t.Errorf("a forgotten session id (-want +got):\n%s", d)
	}
	b.servers["k8s"] = state{context: "gone", refuse: "stopped"}
	if d := cmp.Diff(scope{"gone", true, true}, get("k8s", "s3")); d != "" {
		t.Errorf("a refused server (-want +got):\n%s", d)
	}
}

func TestKubeOverrideFlag(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-y", "kubernetes-mcp-server@0.0.67"}, ""},
		{[]string{"--kubeconfig", "/home/p/.kube/config"}, "--kubeconfig"},
		{[]string{"--context=prod"}, "--context"},
		{[]string{"--read-only", "--server=https://x"}, "--server"},
		{[]string{"--contexts-file"}, ""},
	} {
		if got := overrideFlag(tc.args); got != tc.want {
			t.Errorf("overrideFlag(%q) = %q, want %q", tc.args, got, tc.want)
		}
	}
}

// A server declared not a Kubernetes server is not one, whatever it starts; it has no
// context or namespace.
func TestForgottenServerIsNotKube(t *testing.T) {
	s := &config.Server{Command: "kubectl-ai", Args: []string{"--context=x"}, Kube: &config.Kube{None: true, Context: "x", Namespace: "n"}}
	if IsServer(s) || ContextOf(s) != "" || NamespaceOf(s) != "" {
		t.Errorf("a forgotten server: kube %v, context %q, namespace %q", IsServer(s), ContextOf(s), NamespaceOf(s))
	}
	s.Kube = nil
	if !IsServer(s) {
		t.Errorf("kubectl-ai with --context is not recognised once none is taken back")
	}
}
