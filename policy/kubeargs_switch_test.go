package policy

import (
	"strings"
	"testing"
)

// kubectl_context of mcp-server-kubernetes says it is read-only, and can switch contexts: on a
// Kubernetes server it is refused, with the way to switch in MCP Tray; elsewhere the name
// means nothing.
func TestContextSwitchToolsAreRefusedOnKubernetesServers(t *testing.T) {
	e := NewEngine(EngineOptions{})
	e.SetRules(map[string]ServerRules{"k8s": {Trust: true}, "other": {Trust: true}})
	v := e.Decide(Call{Server: "k8s", Tool: "kubectl_context", Scope: "staging", Kube: true, Arguments: []byte(`{"operation":"list"}`)})
	if v.Rule != RuleDeny || !strings.Contains(v.Reason, "mcptray kube use k8s CONTEXT") {
		t.Errorf("kubectl_context on a Kubernetes server: %s %q", v.Rule, v.Reason)
	}
	if v := e.Decide(Call{Server: "k8s", Tool: "kubectl_get", Scope: "staging", Kube: true, Arguments: []byte(`{}`)}); v.Rule != RuleAllow {
		t.Errorf("kubectl_get on a trusted Kubernetes server: %s %q", v.Rule, v.Reason)
	}
	if v := e.Decide(Call{Server: "other", Tool: "kubectl_context", Arguments: []byte(`{}`)}); v.Rule != RuleAllow {
		t.Errorf("a tool named kubectl_context on a server that is not a Kubernetes server: %s %q", v.Rule, v.Reason)
	}
}
