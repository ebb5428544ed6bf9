// Package kube_test drives the real mcptray binary and the real kubernetes-mcp-server (npm)
// against two fake Kubernetes API servers, one per context.
package kube_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/internal/fakekube"
	"github.com/mcptray/mcptray/internal/testbin"
)

func TestMain(m *testing.M) { testbin.Main(m, nil) }

// serverBin is the installed kubernetes-mcp-server, failing the test with what to install.
func serverBin(t *testing.T) string {
	t.Helper()
	return testbin.NeedNode(t, ".bin/kubernetes-mcp-server")
}

// world is a person with two clusters: staging (its kubeconfig file names a CA file by a
// relative path) and prod (a second file in KUBECONFIG, CA inline, token that rotates).
type world struct {
	u              *testbin.User
	staging, prod  *fakekube.Server
	stagingFile    string
	prodFile       string
	kubeFile       string // the one-context file MCP Tray writes
	prodToken      string
	prodHasContext bool
}

func newWorld(t *testing.T) *world {
	t.Helper()
	bin := serverBin(t)
	w := newPerson(t)
	w.u.OK("server", "add", "k8s", "--", bin)
	cfgPath := filepath.Join(w.u.Home, "config.json")
	b, _ := os.ReadFile(cfgPath)
	var cfg map[string]any
	json.Unmarshal(b, &cfg)
	cfg["servers"].(map[string]any)["k8s"].(map[string]any)["kube"] = map[string]any{}
	b, _ = json.Marshal(cfg)
	os.WriteFile(cfgPath, b, 0o600)
	w.u.Daemon()
	return w
}

// newPerson is the person of world, with no server added and MCP Tray not yet running.
func newPerson(t *testing.T) *world {
	t.Helper()
	w := &world{u: testbin.NewUser(t), staging: fakekube.Start("staging"), prod: fakekube.Start("prod"), prodToken: "tok-prod-1", prodHasContext: true}
	t.Cleanup(w.staging.Close)
	t.Cleanup(w.prod.Close)
	kdir := filepath.Join(w.u.Dir, "kube")
	os.MkdirAll(filepath.Join(kdir, "certs"), 0o700)
	os.WriteFile(filepath.Join(kdir, "certs", "staging-ca.crt"), w.staging.CAData(), 0o600)
	w.stagingFile = filepath.Join(kdir, "staging.yaml")
	os.WriteFile(w.stagingFile, []byte(fmt.Sprintf(`apiVersion: v1
kind: Config
current-context: staging
clusters:
- name: staging
  cluster: {server: %q, certificate-authority: certs/staging-ca.crt}
contexts:
- name: staging
  context: {cluster: staging, user: dev}
users:
- name: dev
  user: {token: tok-staging}
`, w.staging.URL)), 0o600)
	w.prodFile = filepath.Join(w.u.Dir, "other", "prod.yaml")
	os.MkdirAll(filepath.Dir(w.prodFile), 0o700)
	w.writeProd(t)
	w.kubeFile = filepath.Join(w.u.Home, "kube", "k8s.yaml")
	w.u.Env = append(w.u.Env, "KUBECONFIG="+w.kubeconfig())
	return w
}

// kubeconfig is the person's KUBECONFIG value.
func (w *world) kubeconfig() string {
	return w.stagingFile + string(os.PathListSeparator) + w.prodFile
}

// prodCurrent makes production the current context of the person's kubeconfig, as after
// `kubectl config use-context prod-eu` in a terminal.
func (w *world) prodCurrent(t *testing.T) {
	t.Helper()
	b, _ := os.ReadFile(w.stagingFile)
	if err := os.WriteFile(w.stagingFile, []byte(strings.Replace(string(b), "current-context: staging", "current-context: prod-eu", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
}

// writeProd (re)writes the production kubeconfig file from the world's state.
func (w *world) writeProd(t *testing.T) {
	t.Helper()
	ca, _ := json.Marshal(w.prod.CAData())
	var ctx string
	if w.prodHasContext {
		ctx = "- name: prod-eu\n  context: {cluster: prod, user: ops}\n"
	}
	data := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster: {server: %q, certificate-authority-data: %s}
contexts:
%susers:
- name: ops
  user: {token: %s}
`, w.prod.URL, ca, ctx, w.prodToken)
	if err := os.WriteFile(w.prodFile, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

// call runs the TypeScript SDK client through `mcptray connect k8s`: it lists the tools, calls
// one and returns the result's text, or "ERROR ..." when the client failed.
func (w *world) call(t *testing.T, tool, args string) (text string, isError bool) {
	t.Helper()
	return w.callOn(t, "k8s", tool, args)
}

// callOn is call on the named server.
func (w *world) callOn(t *testing.T, server, tool, args string) (text string, isError bool) {
	t.Helper()
	out, stderr := testbin.NodeClient(t, w.u.Env, "call", tool, args, "--", w.u.Bin, "connect", server)
	var res struct {
		Result struct {
			Content []struct{ Text string }
			IsError bool
		}
		Error *struct{ Message string }
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("node client printed %q: %v", out, err)
	}
	if res.Error != nil { // the bridge says why on stderr
		return "ERROR " + res.Error.Message + "\n" + stderr, true
	}
	var sb strings.Builder
	for _, c := range res.Result.Content {
		sb.WriteString(c.Text)
	}
	return sb.String(), res.Result.IsError
}

// callAsync is call on its own goroutine.
func (w *world) callAsync(t *testing.T, tool, args string) <-chan string {
	ch := make(chan string, 1)
	go func() {
		text, isErr := w.call(t, tool, args)
		if isErr {
			text = "ISERROR " + text
		}
		ch <- text
	}()
	return ch
}

// contexts returns `mcptray kube contexts k8s --json`'s entry for k8s.
func (w *world) contexts(t *testing.T) kubeServer {
	t.Helper()
	var res struct {
		Servers []kubeServer
		Error   string
	}
	if err := json.Unmarshal([]byte(w.u.OK("kube", "contexts", "k8s", "--json")), &res); err != nil || len(res.Servers) != 1 {
		t.Fatalf("kube contexts: %v %+v", err, res)
	}
	return res.Servers[0]
}

type kubeServer struct {
	Server     string `json:"server"`
	Context    string `json:"context"`
	Namespace  string `json:"namespace"`
	Production bool   `json:"production"`
	Problem    string `json:"problem"`
	Contexts   []struct {
		Name       string `json:"name"`
		Cluster    string `json:"cluster"`
		Production bool   `json:"production"`
	} `json:"contexts"`
}

// approval is one row of `mcptray approvals --json`.
type approval struct {
	ID            string `json:"id"`
	Tool          string `json:"tool"`
	KubeContext   string `json:"kube_context"`
	Production    bool   `json:"production"`
	AlwaysOffered bool   `json:"always_offered"`
}

func (w *world) nextApproval(t *testing.T) approval {
	t.Helper()
	var got []approval
	w.u.Eventually("a call waits for approval", func() bool {
		var res struct{ Approvals []approval }
		json.Unmarshal([]byte(w.u.OK("approvals", "--json")), &res)
		got = res.Approvals
		return len(got) > 0
	})
	if len(got) != 1 {
		t.Fatalf("%d approvals pending, want 1: %+v", len(got), got)
	}
	return got[0]
}
