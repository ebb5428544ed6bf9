package policy

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	kubeList   = `{"name":"namespaces_list","annotations":{"readOnlyHint":true}}`
	kubeDelete = `{"name":"pods_delete","annotations":{"destructiveHint":true}}`
	kubeRun    = `{"name":"pods_run","annotations":{"readOnlyHint":false}}`
)

func kubeEngine(t *testing.T, rules map[string]ServerRules, grants *Grants) *Engine {
	t.Helper()
	e := NewEngine(EngineOptions{Rules: rules, Grants: grants})
	if _, err := e.ObserveTools("k8s", raws(kubeList, kubeDelete, kubeRun), true); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestProductionAsksForEveryToolThatMayChangeSomething(t *testing.T) {
	allowAll := map[string]ServerRules{"k8s": {Tools: map[string]Rule{"pods_delete": RuleAllow, "namespaces_list": RuleAllow}}}
	trusted := map[string]ServerRules{"k8s": {Trust: true}}
	denied := map[string]ServerRules{"k8s": {Trust: true, Tools: map[string]Rule{"pods_run": RuleDeny}}}
	prod := func(tool string) Call {
		return Call{Server: "k8s", Tool: tool, Scope: "prod-eu", Production: true, Kube: true, Arguments: []byte(`{}`)}
	}
	staging := func(tool string) Call {
		return Call{Server: "k8s", Tool: tool, Scope: "staging", Kube: true, Arguments: []byte(`{}`)}
	}
	for _, tc := range []struct {
		name   string
		rules  map[string]ServerRules
		call   Call
		rule   Rule
		reason string
	}{
		{"read-only runs in production", nil, prod("namespaces_list"), RuleAllow, reasonReadOnly},
		{"allowed read-only runs in production", allowAll, prod("namespaces_list"), RuleAllow, reasonToolAllow},
		{"a person's allow still asks in production", allowAll, prod("pods_delete"), RuleAsk, reasonProduction},
		{"trust still asks in production", trusted, prod("pods_run"), RuleAsk, reasonProduction},
		{"deny stays deny in production", denied, prod("pods_run"), RuleDeny, reasonToolDeny},
		{"unknown tools ask in production", trusted, prod("never_listed"), RuleAsk, reasonProduction},
		{"a person's allow runs in staging", allowAll, staging("pods_delete"), RuleAllow, reasonToolAllow},
		{"trust runs in staging", trusted, staging("pods_run"), RuleAllow, reasonTrust},
	} {
		v := kubeEngine(t, tc.rules, nil).Decide(tc.call)
		if v.Rule != tc.rule || v.Reason != tc.reason {
			t.Errorf("%s: got %s (%s), want %s (%s)", tc.name, v.Rule, v.Reason, tc.rule, tc.reason)
		}
	}
}

func TestKubeArgumentsNamingAnotherContextAreRefused(t *testing.T) {
	e := kubeEngine(t, map[string]ServerRules{"k8s": {Trust: true}}, nil)
	for _, tc := range []struct {
		args string
		deny string // "" means not refused
	}{
		{`{}`, ""},
		{`{"namespace":"default"}`, ""},
		{`{"context":"staging"}`, ""},
		{`{"context":""}`, ""},
		{`{"context":null}`, ""},
		{`{"context":"prod-eu"}`, `asks for the Kubernetes context "prod-eu", but this server may only use "staging"`},
		{`{"Kube_Context":"prod-eu"}`, `asks for the Kubernetes context "prod-eu"`},
		{`{"context":["prod-eu"]}`, `in a form MCP Tray cannot check (argument "context")`},
		{`{"kubeconfig":"/home/p/.kube/config"}`, `a kubeconfig of its own (argument "kubeconfig")`},
		{`{"kubeconfig-path":"apiVersion: v1\nusers: [{user: {token: SECRET}}]"}`, `a kubeconfig of its own (argument "kubeconfig-path")`},
		{`not json`, ""},
		// Escaped member names, nesting and kubectl flags in strings (found in review).
		{`{"\u0063ontext":"prod-eu"}`, `asks for the Kubernetes context "prod-eu"`},
		{`{"kube\u0063onfig":"/home/p/.kube/\u0063onfig"}`, `a kubeconfig of its own`},
		{`{"flags":{"kubeconfig":"/home/p/.kube/config"}}`, `a kubeconfig of its own`},
		{`{"opts":[{"context":"prod-eu"}]}`, `asks for the Kubernetes context "prod-eu"`},
		{`{"command":"kubectl get pods --context=prod-eu"}`, `passes --context`},
		{`{"command":"kubectl get pods --context prod-eu"}`, `passes --context`},
		{`{"args":["get","pods","--context","prod-eu"]}`, `passes --context`},
		{`{"args":["get","pods","--kubeconfig=/home/p/.kube/config"]}`, `passes --kubeconfig`},
		{`{"args":["get","pods","--server","https://prod:6443"]}`, `passes --server`},
		{`{"command":"KUBECONFIG=/home/p/.kube/config kubectl get pods"}`, `sets KUBECONFIG`},
		{`{"args":["get","pods","--context","staging"]}`, ""},
		{`{"command":"kubectl get pods --context=staging -n default"}`, ""},
		{`{"args":["get","pods","--namespace","default"]}`, ""},
	} {
		c := Call{Server: "k8s", Tool: "pods_run", Scope: "staging", Kube: true, Arguments: []byte(tc.args)}
		v := e.Decide(c)
		switch {
		case tc.deny == "" && v.Rule != RuleAllow:
			t.Errorf("%s: %s (%s), want allowed by trust", tc.args, v.Rule, v.Reason)
		case tc.deny != "" && (v.Rule != RuleDeny || !strings.Contains(v.Reason, tc.deny)):
			t.Errorf("%s: %s (%s), want deny saying %q", tc.args, v.Rule, v.Reason, tc.deny)
		case strings.Contains(v.Reason, "SECRET"):
			t.Errorf("%s: the reason repeats the argument's value: %s", tc.args, v.Reason)
		}
		// The same arguments to a server that is not a Kubernetes server are not checked.
		c.Kube = false
		if v := e.Decide(c); v.Rule != RuleAllow {
			t.Errorf("%s on a plain server: %s (%s)", tc.args, v.Rule, v.Reason)
		}
	}
}

func TestGrantsDoNotCarryToAnotherContext(t *testing.T) {
	grants := NewGrants(nil, nil)
	e := kubeEngine(t, nil, grants)
	b := NewBroker(BrokerOptions{Grants: grants})
	_, events, cancel := b.Subscribe()
	defer cancel()
	call := func(scope string, prod bool) Call {
		return Call{Session: "s1", Server: "k8s", Tool: "pods_delete", Scope: scope, Production: prod, Kube: true, Arguments: []byte(`{"name":"web"}`)}
	}
	ask := func(c Call, a Answer) Approval {
		t.Helper()
		v := e.Decide(c)
		if v.Rule != RuleAsk {
			t.Fatalf("%s: %s (%s), want ask", c.Scope, v.Rule, v.Reason)
		}
		done := make(chan Decision, 1)
		go func() { d, _ := b.Ask(context.Background(), Request{Call: c, Verdict: v}); done <- d }()
		ap := nextEvent(t, events, ApprovalAdded).Approval
		if err := b.Answer(ap.ID, a); err != nil {
			t.Fatal(err)
		}
		if d := <-done; d.Outcome != Allowed {
			t.Fatalf("decision %+v", d)
		}
		return ap
	}
	// Always and session grants given on staging let staging calls through...
	ap := ask(call("staging", false), AlwaysAllow)
	if d := cmp.Diff([]any{"staging", false, true}, []any{ap.KubeContext, ap.Production, ap.AlwaysOffered}); d != "" {
		t.Errorf("staging approval (context, production, always offered) (-want +got):\n%s", d)
	}
	if v := e.Decide(call("staging", false)); v.Rule != RuleAllow {
		t.Fatalf("the always grant did not hold on staging: %+v", v)
	}
	// ...but not on another context, production or not.
	ask(call("dev", false), AllowSession)
	ap = ask(call("prod-eu", true), AllowOnce)
	if d := cmp.Diff([]any{"prod-eu", true, false}, []any{ap.KubeContext, ap.Production, ap.AlwaysOffered}); d != "" {
		t.Errorf("production approval (context, production, always offered) (-want +got):\n%s", d)
	}
	// Allow once is once: the next production call asks again.
	if v := e.Decide(call("prod-eu", true)); v.Rule != RuleAsk {
		t.Fatalf("a second production call did not ask: %+v", v)
	}
	if v := e.Decide(call("dev", false)); v.Rule != RuleAllow {
		t.Errorf("the session grant on dev did not hold: %+v", v)
	}
}
