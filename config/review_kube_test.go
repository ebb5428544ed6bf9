package config

import (
	"strings"
	"testing"
)

// Declaring a server not a Kubernetes server ("none") stops it being guarded, and removing or
// changing a namespace limit widens what it reaches: both wait for the person. Adding a limit,
// or taking "none" back without a context, applies at once.
func TestReviewClassifiesKubeNoneAndNamespace(t *testing.T) {
	const cfg = `{"servers": {
	"k8s": {"command": "kube-mcp", "kube": {"context": "dev", "namespace": "apps"}},
	"tool": {"command": "tool", "args": ["--context=fast"]},
	"gone": {"command": "tool", "args": ["--context=fast"], "kube": {"none": true}}
}}`
	for _, tc := range []struct {
		name    string
		edit    func(c *Config)
		loosens string
	}{
		{"declared not Kubernetes", func(c *Config) { c.Servers["tool"].Kube = &Kube{None: true} }, `"tool" would no longer be treated as a Kubernetes server`},
		{"marked one declared not Kubernetes", func(c *Config) { c.Servers["k8s"].Kube = &Kube{None: true} }, `"k8s" would no longer be treated as a Kubernetes server`},
		{"none with a context kept", func(c *Config) { c.Servers["k8s"].Kube.None = true }, `"k8s" would no longer be treated as a Kubernetes server`},
		{"none taken back", func(c *Config) { c.Servers["gone"].Kube = nil }, ""},
		{"none taken back, no context", func(c *Config) { c.Servers["gone"].Kube = &Kube{} }, ""},
		{"none taken back onto a context", func(c *Config) { c.Servers["gone"].Kube = &Kube{Context: "prod"} }, `"gone" would reach the Kubernetes context "prod"`},
		{"namespace removed", func(c *Config) { c.Servers["k8s"].Kube.Namespace = "" }, `"k8s" would no longer be limited to the Kubernetes namespace "apps"`},
		{"namespace changed", func(c *Config) { c.Servers["k8s"].Kube.Namespace = "kube-system" }, `"k8s" would use the Kubernetes namespace "kube-system" instead of "apps"`},
		{"namespace added", func(c *Config) { c.Servers["tool"].Kube = &Kube{Namespace: "apps"} }, ""},
		{"context cleared with its namespace", func(c *Config) { c.Servers["k8s"].Kube = &Kube{} }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			accepted := mustParse(t, cfg)
			proposed := accepted.Clone()
			tc.edit(proposed)
			eff, changes := Review(accepted, proposed, ReviewOptions{})
			if tc.loosens == "" {
				if len(changes) != 0 {
					t.Errorf("a tightening change waits: %q", changes)
				}
				if compact(t, proposed) != compact(t, eff) {
					t.Errorf("effective is not the proposed config:\n%s", compact(t, eff))
				}
				return
			}
			if len(changes) != 1 || !strings.Contains(changes[0], tc.loosens) {
				t.Errorf("changes = %q, want one containing %q", changes, tc.loosens)
			}
			if compact(t, accepted) != compact(t, eff) {
				t.Errorf("effective is not the accepted config:\n%s", compact(t, eff))
			}
		})
	}
}

// The new fields survive a round trip through config.json.
func TestKubeNoneAndNamespaceRoundTrip(t *testing.T) {
	c := mustParse(t, `{"servers": {"a": {"command": "x", "kube": {"context": "dev", "namespace": "apps", "future": 1}}, "b": {"command": "x", "kube": {"none": true}}}}`)
	if k := c.Servers["a"].Kube; k.Namespace != "apps" || k.None {
		t.Errorf("a: %+v", k)
	}
	if k := c.Servers["b"].Kube; !k.None {
		t.Errorf("b: %+v", k)
	}
	out := compact(t, c)
	for _, want := range []string{`"namespace":"apps"`, `"future":1`, `"none":true`} {
		if !strings.Contains(out, want) {
			t.Errorf("%s lost in %s", want, out)
		}
	}
}
