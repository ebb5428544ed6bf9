package policy

import (
	"strings"
	"testing"
)

// On a Kubernetes server limited to one namespace, arguments naming another namespace, or
// every namespace, are refused with a sentence; the allowed namespace, or none, runs.
func TestNamespaceLimitRefusesOtherNamespaces(t *testing.T) {
	e := NewEngine(EngineOptions{})
	e.SetRules(map[string]ServerRules{"k8s": {Trust: true}})
	decide := func(ns, args string) Verdict {
		return e.Decide(Call{Server: "k8s", Tool: "kubectl_get", Scope: "staging", Kube: true, Namespace: ns, Arguments: []byte(args)})
	}
	refused := []string{
		`{"resourceType":"pods","namespace":"kube-system"}`,
		`{"resourceType":"pods","Namespace":"kube-system"}`,
		`{"ns":"kube-system"}`,
		`{"target_namespace":"kube-system"}`,
		`{"resourceType":"pods","allNamespaces":true}`,
		`{"all_namespaces":"true"}`,
		`{"namespace":["apps"]}`,
		`{"command":"kubectl get pods -n kube-system"}`,
		`{"command":"kubectl get pods --namespace kube-system"}`,
		`{"command":"kubectl get pods --namespace=kube-system"}`,
		`{"command":"kubectl get pods -nkube-system"}`,
		`{"command":"kubectl get pods -A"}`,
		`{"command":"kubectl get pods --all-namespaces"}`,
		`{"command":"kubectl get pods -n"}`,
		`{"args":["get","pods","-n","kube-system"]}`,
		`{"args":["get","pods","--namespace"]}`,
		`{"deep":{"list":[{"namespace":"kube-system"}]}}`,
		`{"names\u0070ace":"kube-system"}`,
	}
	for _, args := range refused {
		v := decide("apps", args)
		if v.Rule != RuleDeny || !strings.Contains(v.Reason, `"apps"`) {
			t.Errorf("%s on a server limited to apps: %s %q", args, v.Rule, v.Reason)
		}
	}
	allowed := []string{
		`{}`,
		`{"resourceType":"pods"}`,
		`{"resourceType":"pods","namespace":"apps"}`,
		`{"resourceType":"pods","namespace":""}`,
		`{"allNamespaces":false}`,
		`{"command":"kubectl get pods -n apps"}`,
		`{"command":"kubectl get pods --namespace=apps"}`,
		`{"args":["get","pods","-n","apps"]}`,
		`{"name":"nginx","note":"a namespace is not named here"}`,
	}
	for _, args := range allowed {
		if v := decide("apps", args); v.Rule != RuleAllow {
			t.Errorf("%s on a server limited to apps: %s %q", args, v.Rule, v.Reason)
		}
	}
	// Without a limit, any namespace may be named.
	for _, args := range refused {
		if v := decide("", args); v.Rule != RuleAllow {
			t.Errorf("%s on a server with no namespace limit: %s %q", args, v.Rule, v.Reason)
		}
	}
}

// A tool that takes a namespace and is called without one picks its own (published servers
// fill in "default"): on a server limited to a namespace the call must name it.
func TestNamespaceLimitNeedsTheNamespaceNamed(t *testing.T) {
	e := NewEngine(EngineOptions{})
	e.SetRules(map[string]ServerRules{"k8s": {Trust: true}})
	get := `{"name":"kubectl_get","inputSchema":{"type":"object","properties":{"resourceType":{"type":"string"},"namespace":{"type":"string"}}},"annotations":{"readOnlyHint":true}}`
	version := `{"name":"kubectl_version","inputSchema":{"type":"object","properties":{}},"annotations":{"readOnlyHint":true}}`
	if _, err := e.ObserveTools("k8s", raws(get, version), true); err != nil {
		t.Fatal(err)
	}
	decide := func(tool, ns, args string) Verdict {
		return e.Decide(Call{Server: "k8s", Tool: tool, Scope: "staging", Kube: true, Namespace: ns, Arguments: []byte(args)})
	}
	for _, args := range []string{`{"resourceType":"pods"}`, `{"resourceType":"pods","namespace":""}`, `{}`} {
		if v := decide("kubectl_get", "apps", args); v.Rule != RuleDeny || !strings.Contains(v.Reason, `namespace set to "apps"`) {
			t.Errorf("kubectl_get %s on a server limited to apps: %s %q", args, v.Rule, v.Reason)
		}
	}
	if v := decide("kubectl_get", "apps", `{"resourceType":"pods","namespace":"apps"}`); v.Rule != RuleAllow {
		t.Errorf("kubectl_get naming apps: %s %q", v.Rule, v.Reason)
	}
	if v := decide("kubectl_version", "apps", `{}`); v.Rule != RuleAllow {
		t.Errorf("a tool without a namespace argument: %s %q", v.Rule, v.Reason)
	}
	if v := decide("kubectl_get", "", `{"resourceType":"pods"}`); v.Rule != RuleAllow {
		t.Errorf("no limit: %s %q", v.Rule, v.Reason)
	}
}
