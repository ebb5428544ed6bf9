package fakekube

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/internal/testbin"
)

// kubeconfig writes a one-context kubeconfig for s, with its CA in a file beside it.
func kubeconfig(t *testing.T, s *Server, token string) string {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "ca.crt"), s.CAData(), 0o600)
	p := filepath.Join(dir, "config")
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
current-context: %[1]s
clusters:
- name: %[1]s
  cluster:
    server: %[2]s
    certificate-authority: %[3]s
contexts:
- name: %[1]s
  context: {cluster: %[1]s, user: %[1]s}
users:
- name: %[1]s
  user: {token: %[4]s}
`, s.Name, s.URL, filepath.Join(dir, "ca.crt"), token)
	os.WriteFile(p, []byte(cfg), 0o600)
	return p
}

// TestRealServerListsNamespaces drives the real kubernetes-mcp-server against the fake: the
// fake is only useful if the real thing is satisfied by its answers.
func TestRealServerListsNamespaces(t *testing.T) {
	bin := testbin.NeedNode(t, ".bin/kubernetes-mcp-server")
	s := Start("staging")
	defer s.Close()
	env := append(os.Environ(), "KUBECONFIG="+kubeconfig(t, s, "tok-1"))
	out, stderr := testbin.NodeClient(t, env, "call", "namespaces_list", "{}", "--", bin)
	var res struct {
		Result struct {
			Content []struct{ Text string }
			IsError bool
		}
		Error any
	}
	if err := json.Unmarshal(out, &res); err != nil || res.Error != nil || res.Result.IsError || len(res.Result.Content) == 0 {
		t.Fatalf("namespaces_list answered %s (%v)\n%s", out, err, stderr)
	}
	if !strings.Contains(res.Result.Content[0].Text, "staging-apps") {
		t.Fatalf("namespaces_list did not list the fake's namespaces: %s", res.Result.Content[0].Text)
	}
	if !s.Reached("/api/v1/namespaces") {
		t.Fatalf("the fake never got the namespace list request: %+v", s.Requests())
	}
	for _, r := range s.Requests() {
		if r.Authorization != "Bearer tok-1" {
			t.Fatalf("request %s %s carried %q, not the kubeconfig's token", r.Method, r.Path, r.Authorization)
		}
	}
	if w := s.Writes(); len(w) != 0 {
		t.Fatalf("listing namespaces wrote to the cluster: %+v", w)
	}
}
