package kube

import (
	"slices"
	"testing"
)

func TestRecognise(t *testing.T) {
	cases := []struct {
		name    string
		command string
		args    []string
		env     map[string]string
		secrets []string
		want    bool
		pkg     string
	}{
		{"npx package", "npx", []string{"-y", "mcp-server-kubernetes"}, nil, nil, true, "mcp-server-kubernetes"},
		{"npx pinned", "npx", []string{"-y", "kubernetes-mcp-server@0.0.67"}, nil, nil, true, "kubernetes-mcp-server"},
		{"scoped pinned", "npx", []string{"@flux159/mcp-server-kubernetes@4.1.7"}, nil, nil, true, "mcp-server-kubernetes"},
		{"uvx pinned", "uvx", []string{"kubectl-mcp-tool==1.2.0"}, nil, nil, true, "kubectl-mcp-tool"},
		{"node path", "node", []string{"/opt/node_modules/mcp-server-kubernetes/dist/index.js"}, nil, nil, true, "mcp-server-kubernetes"},
		{"docker image", "docker", []string{"run", "-i", "ghcr.io/alexei-led/k8s-mcp-server:1.3"}, nil, nil, true, "k8s-mcp-server"},
		{"binary path", "/usr/local/bin/kubernetes-mcp-server", nil, nil, nil, true, "kubernetes-mcp-server"},
		{"windows exe", `C:\tools\flux-operator-mcp.exe`, []string{"serve"}, nil, nil, true, "flux-operator-mcp"},
		{"argo cd", "npx", []string{"argocd-mcp@latest", "stdio"}, nil, nil, true, "argocd-mcp"},
		{"kubectl command", "kubectl", []string{"mcp"}, nil, nil, true, "kubectl"},
		{"helm in a shell", "sh", []string{"-c", "helm list && exec my-server"}, nil, nil, true, "helm"},
		{"KUBECONFIG env", "my-server", nil, map[string]string{"KUBECONFIG": "/x"}, nil, true, ""},
		{"KUBECONFIG secret", "my-server", nil, nil, []string{"KUBECONFIG"}, true, ""},
		{"--kubeconfig", "my-server", []string{"--kubeconfig=/x"}, nil, nil, true, ""},
		{"--context", "my-server", []string{"--context", "prod"}, nil, nil, true, ""},
		{"filesystem", "npx", []string{"-y", "@modelcontextprotocol/server-filesystem", "/home/me/helmet"}, nil, nil, false, ""},
		{"a folder named helm is not helm", "my-server", []string{"/home/me/helm/charts"}, nil, nil, false, ""},
	}
	for _, c := range cases {
		r, ok := Recognise(c.command, c.args, c.env, c.secrets)
		if ok != c.want || r.Package != c.pkg || (ok && r.Reason == "") {
			t.Errorf("%s: Recognise = %+v, %v; want %v, package %q", c.name, r, ok, c.want, c.pkg)
		}
	}
}

func TestSwitchTools(t *testing.T) {
	if got := SwitchTools("mcp-server-kubernetes"); !slices.Contains(got, "kubectl_context") {
		t.Errorf("mcp-server-kubernetes switch tools: %v", got)
	}
	if !SwitchesContext("kubectl_context") || SwitchesContext("kubectl_get") || SwitchesContext("namespaces_list") {
		t.Error("SwitchesContext does not tell kubectl_context from reading tools")
	}
}
