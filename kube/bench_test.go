package kube

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// bigKubeconfig writes a kubeconfig with n contexts (each with its own cluster and user), the
// size of a busy person's ~/.kube/config, and a CA file the clusters name.
func bigKubeconfig(b *testing.B, n int) string {
	dir := b.TempDir()
	os.WriteFile(filepath.Join(dir, "ca.crt"), []byte(strings.Repeat("C", 1200)), 0o600)
	var sb strings.Builder
	sb.WriteString("apiVersion: v1\nkind: Config\ncurrent-context: ctx-0\nclusters:\n")
	for i := range n {
		fmt.Fprintf(&sb, "- name: cl-%d\n  cluster: {server: https://10.0.0.%d:6443, certificate-authority: ca.crt}\n", i, i%250)
	}
	sb.WriteString("contexts:\n")
	for i := range n {
		fmt.Fprintf(&sb, "- name: ctx-%d\n  context: {cluster: cl-%d, user: u-%d, namespace: ns-%d}\n", i, i, i, i)
	}
	sb.WriteString("users:\n")
	for i := range n {
		fmt.Fprintf(&sb, "- name: u-%d\n  user: {token: %s}\n", i, strings.Repeat("t", 800))
	}
	p := filepath.Join(dir, "config")
	os.WriteFile(p, []byte(sb.String()), 0o600)
	return p
}

// BenchmarkLoadMinify is what a kubeconfig change costs the daemon per Kubernetes server:
// read and merge the person's kubeconfig (100 contexts), then minify one context.
func BenchmarkLoadMinify(b *testing.B) {
	p := bigKubeconfig(b, 100)
	for b.Loop() {
		c, err := Load([]string{p})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.Minify("ctx-42"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkYAMLDecodeOnly is the direct path: reading the same file and decoding its YAML,
// with no merging or minifying.
func BenchmarkYAMLDecodeOnly(b *testing.B) {
	p := bigKubeconfig(b, 100)
	for b.Loop() {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		var n yaml.Node
		if err := yaml.Unmarshal(data, &n); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkKubectlMinify is the peer: `kubectl config view --minify --flatten` on the same
// file (a process per run, as a script would do it).
func BenchmarkKubectlMinify(b *testing.B) {
	bin := kubectl(b)
	p := bigKubeconfig(b, 100)
	for b.Loop() {
		kubectlMinify(b, bin, []string{p}, "ctx-42")
	}
}
