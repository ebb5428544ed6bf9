package kube

import (
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

func write(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// parsed decodes a written kubeconfig into plain maps for comparison.
func parsed(t *testing.T, data []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := yaml.Unmarshal(data, &m); err != nil {
		t.Fatalf("the written kubeconfig is not YAML: %v\n%s", err, data)
	}
	return m
}

const fileA = `apiVersion: v1
kind: Config
current-context: staging
clusters:
- name: staging
  cluster:
    server: https://staging.example:6443
    certificate-authority: certs/ca.crt
    extensions:
    - name: vendor
      extension: {keep: me}
contexts:
- name: staging
  context: {cluster: staging, user: alice, namespace: apps}
users:
- name: alice
  user:
    client-certificate: certs/alice.crt
    client-key: certs/alice.key
`

const fileB = `apiVersion: v1
kind: Config
current-context: prod-eu
clusters:
- name: staging
  cluster: {server: https://shadowed.example}
- name: eu
  cluster: {server: https://eu.example, insecure-skip-tls-verify: true}
contexts:
- name: prod-eu
  context: {cluster: eu, user: sso}
- name: no-user
  context: {cluster: eu, user: ghost}
- name: no-cluster
  context: {cluster: nowhere, user: sso}
users:
- name: sso
  user:
    tokenFile: ../tokens/eu
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./bin/get-token
      args: [--cluster, eu]
      env: [{name: REGION, value: eu}]
      interactiveMode: Never
      futureField: kept
`

// twoFiles writes fileA and fileB in different folders, with the files fileA names.
func twoFiles(t *testing.T) (a, b string) {
	dir := t.TempDir()
	a = write(t, filepath.Join(dir, "one", "config"), fileA)
	write(t, filepath.Join(dir, "one", "certs", "ca.crt"), "CA PEM")
	write(t, filepath.Join(dir, "one", "certs", "alice.crt"), "ALICE CERT")
	write(t, filepath.Join(dir, "one", "certs", "alice.key"), "ALICE KEY")
	b = write(t, filepath.Join(dir, "two", "nested", "config"), fileB)
	return a, b
}

func TestSeveralFilesMergeLikeKubectl(t *testing.T) {
	a, b := twoFiles(t)
	missing := filepath.Join(filepath.Dir(a), "absent")
	c, err := Load(Sources(strings.Join([]string{a, missing, b, a}, string(os.PathListSeparator)), "/nowhere"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Context{
		{Name: "no-cluster", Cluster: "nowhere", User: "sso"},
		{Name: "no-user", Cluster: "eu", User: "ghost"},
		{Name: "prod-eu", Cluster: "eu", User: "sso"},
		{Name: "staging", Cluster: "staging", Namespace: "apps", User: "alice"},
	}
	if d := cmp.Diff(want, c.Contexts()); d != "" {
		t.Errorf("contexts (-want +got):\n%s", d)
	}
	if c.CurrentContext() != "staging" {
		t.Errorf("current context %q; the first file to set it wins", c.CurrentContext())
	}
	if d := cmp.Diff([]string{a, b}, c.Files()); d != "" {
		t.Errorf("files read (-want +got):\n%s", d)
	}
	// The first file to define the staging cluster wins.
	out, err := c.Minify("staging")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "shadowed") {
		t.Errorf("the second file's staging cluster won:\n%s", out)
	}
}

func TestMinifyInlinesRelativeCertificates(t *testing.T) {
	a, b := twoFiles(t)
	c, err := Load([]string{a, b})
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.Minify("staging")
	if err != nil {
		t.Fatal(err)
	}
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	want := map[string]any{
		"apiVersion": "v1", "kind": "Config", "current-context": "staging",
		"clusters": []any{map[string]any{"name": "staging", "cluster": map[string]any{
			"server": "https://staging.example:6443", "certificate-authority-data": b64("CA PEM"),
			"extensions": []any{map[string]any{"name": "vendor", "extension": map[string]any{"keep": "me"}}},
		}}},
		"contexts": []any{map[string]any{"name": "staging", "context": map[string]any{"cluster": "staging", "user": "alice", "namespace": "apps"}}},
		"users": []any{map[string]any{"name": "alice", "user": map[string]any{
			"client-certificate-data": b64("ALICE CERT"), "client-key-data": b64("ALICE KEY")}}},
	}
	if d := cmp.Diff(want, parsed(t, out)); d != "" {
		t.Errorf("minified kubeconfig (-want +got):\n%s", d)
	}
	// The written file loads back with exactly one context.
	p := write(t, filepath.Join(t.TempDir(), "k8s.yaml"), string(out))
	back, err := Load([]string{p})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]Context{{Name: "staging", Cluster: "staging", Namespace: "apps", User: "alice"}}, back.Contexts()); d != "" {
		t.Errorf("reloaded (-want +got):\n%s", d)
	}
	refs := c.References("staging")
	wantRefs := []string{filepath.Join(filepath.Dir(a), "certs", "ca.crt"), filepath.Join(filepath.Dir(a), "certs", "alice.crt"), filepath.Join(filepath.Dir(a), "certs", "alice.key")}
	if d := cmp.Diff(wantRefs, refs); d != "" {
		t.Errorf("references (-want +got):\n%s", d)
	}
}

func TestMinifyKeepsExecPluginsWithAbsolutePaths(t *testing.T) {
	a, b := twoFiles(t)
	c, err := Load([]string{a, b})
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.Minify("prod-eu")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(b)
	user := map[string]any{
		"tokenFile": filepath.Join(dir, "..", "tokens", "eu"),
		"exec": map[string]any{
			"apiVersion": "client.authentication.k8s.io/v1", "command": filepath.Join(dir, "bin", "get-token"),
			"args": []any{"--cluster", "eu"}, "env": []any{map[string]any{"name": "REGION", "value": "eu"}},
			"interactiveMode": "Never", "futureField": "kept",
		},
	}
	got := parsed(t, out)
	if d := cmp.Diff([]any{map[string]any{"name": "sso", "user": user}}, got["users"]); d != "" {
		t.Errorf("user (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]any{map[string]any{"name": "eu", "cluster": map[string]any{"server": "https://eu.example", "insecure-skip-tls-verify": true}}}, got["clusters"]); d != "" {
		t.Errorf("cluster (-want +got):\n%s", d)
	}
	// A command found on PATH stays a bare name.
	p := write(t, filepath.Join(t.TempDir(), "config"), strings.Replace(fileB, "./bin/get-token", "gke-gcloud-auth-plugin", 1))
	c, _ = Load([]string{p})
	out, _ = c.Minify("prod-eu")
	if !strings.Contains(string(out), "command: gke-gcloud-auth-plugin\n") {
		t.Errorf("a PATH command was rewritten:\n%s", out)
	}
}

func TestBrokenContextsGiveClearErrors(t *testing.T) {
	a, b := twoFiles(t)
	c, err := Load([]string{a, b})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		context string
		is      error
		says    string
	}{
		{"no-user", ErrContextIncomplete, `the context "no-user" uses the user "ghost", which no kubeconfig file defines`},
		{"no-cluster", ErrContextIncomplete, `the context "no-cluster" uses the cluster "nowhere", which no kubeconfig file defines`},
		{"gone", ErrContextMissing, `there is no context "gone" in`},
	} {
		_, err := c.Minify(tc.context)
		if !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("Minify(%q) = %v; want %v saying %q", tc.context, err, tc.is, tc.says)
		}
	}
	// A certificate file that went away is named.
	os.Remove(filepath.Join(filepath.Dir(a), "certs", "alice.key"))
	if _, err := c.Minify("staging"); !errors.Is(err, ErrContextIncomplete) || !strings.Contains(err.Error(), "alice.key") {
		t.Errorf("missing key file: %v", err)
	}
}

func TestLoadErrorsNameTheFile(t *testing.T) {
	dir := t.TempDir()
	if _, err := Load([]string{filepath.Join(dir, "none")}); !errors.Is(err, ErrNoKubeconfig) {
		t.Errorf("no file: %v", err)
	}
	bad := write(t, filepath.Join(dir, "bad"), "clusters: [unclosed\n")
	if _, err := Load([]string{bad}); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("bad YAML: %v", err)
	}
	notList := write(t, filepath.Join(dir, "notlist"), "contexts: {a: b}\n")
	if _, err := Load([]string{notList}); err == nil || !strings.Contains(err.Error(), `"contexts" should be a list`) {
		t.Errorf("contexts not a list: %v", err)
	}
	empty := write(t, filepath.Join(dir, "empty"), "")
	c, err := Load([]string{empty})
	if err != nil || len(c.Contexts()) != 0 {
		t.Errorf("empty file: %v, %v", c, err)
	}
}

func TestAliasesAreResolved(t *testing.T) {
	p := write(t, filepath.Join(t.TempDir(), "config"), `clusters:
- name: a
  cluster: &shared {server: https://a.example}
- name: b
  cluster: *shared
contexts:
- {name: b, context: {cluster: b}}
`)
	c, err := Load([]string{p})
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.Minify("b")
	if err != nil {
		t.Fatal(err)
	}
	got := parsed(t, out)
	if d := cmp.Diff([]any{map[string]any{"name": "b", "cluster": map[string]any{"server": "https://a.example"}}}, got["clusters"]); d != "" {
		t.Errorf("aliased cluster (-want +got):\n%s", d)
	}
	if _, ok := got["users"]; ok {
		t.Errorf("a context without a user got users: %s", out)
	}
}

func TestSources(t *testing.T) {
	sep := string(os.PathListSeparator)
	abs := func(p string) string { a, _ := filepath.Abs(p); return a }
	for _, tc := range []struct {
		env  string
		want []string
	}{
		{"", []string{filepath.Join("/home/p", ".kube", "config")}},
		{sep + sep, []string{filepath.Join("/home/p", ".kube", "config")}},
		{"/a" + sep + "rel" + sep + "/a", []string{"/a", abs("rel")}},
	} {
		if d := cmp.Diff(tc.want, Sources(tc.env, "/home/p")); d != "" {
			t.Errorf("Sources(%q) (-want +got):\n%s", tc.env, d)
		}
	}
}

func TestProduction(t *testing.T) {
	for _, tc := range []struct {
		p    Production
		c    Context
		want bool
	}{
		{Production{}, Context{Name: "staging", Cluster: "staging"}, false},
		{Production{}, Context{Name: "PROD-eu"}, true},
		{Production{}, Context{Name: "eu", Cluster: "gke_proj_europe_production"}, true},
		{Production{}, Context{Name: "eu", Namespace: "Live-shop"}, true},
		{Production{}, Context{Name: "gke_acme-prd_europe-west1_main"}, true}, // red team: prd was not production
		{Production{Patterns: []string{"prd"}}, Context{Name: "prod"}, false},
		{Production{Patterns: []string{"prd", ""}}, Context{Name: "x", Cluster: "eu-prd"}, true},
		{Production{Patterns: []string{}}, Context{Name: "prod"}, false},
		{Production{Contexts: []string{"Kind-Main"}}, Context{Name: "kind-main"}, true},
	} {
		if got := tc.p.Is(tc.c); got != tc.want {
			t.Errorf("%+v.Is(%+v) = %v, want %v", tc.p, tc.c, got, tc.want)
		}
	}
}
