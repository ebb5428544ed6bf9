package policy

import "testing"

// BenchmarkDecideKubeProduction is the policy cost of a read-only call on a Kubernetes server
// in a production context (arguments checked for a context or kubeconfig); compare with
// BenchmarkDecideAllow, the same decision for a plain server.
func BenchmarkDecideKubeProduction(b *testing.B) {
	e := NewEngine(EngineOptions{})
	if _, err := e.ObserveTools("k8s", raws(kubeList, kubeDelete), true); err != nil {
		b.Fatal(err)
	}
	c := Call{Server: "k8s", Tool: "namespaces_list", Scope: "prod-eu", Production: true, Kube: true,
		Arguments: []byte(`{"fieldSelector":"status.phase=Active","namespace":"default"}`)}
	b.ReportAllocs()
	for b.Loop() {
		if v := e.Decide(c); v.Rule != RuleAllow {
			b.Fatal(v)
		}
	}
}
