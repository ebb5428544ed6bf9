package kube

import (
	"errors"
	"fmt"
	"maps"
	"slices"
)

// Context is one kubeconfig context as a person picks it.
type Context struct {
	Name      string `json:"name"`
	Cluster   string `json:"cluster"`
	Namespace string `json:"namespace,omitempty"`
	User      string `json:"user"`
}

// Contexts returns every context of the merged kubeconfig, sorted by name.
func (c *Config) Contexts() []Context {
	out := make([]Context, 0, len(c.contexts))
	for _, name := range slices.Sorted(maps.Keys(c.contexts)) {
		out = append(out, c.context(name))
	}
	return out
}

// Context returns the named context and whether it exists.
func (c *Config) Context(name string) (Context, bool) {
	if _, ok := c.contexts[name]; !ok {
		return Context{}, false
	}
	return c.context(name), true
}

func (c *Config) context(name string) Context {
	n := c.contexts[name].node
	return Context{Name: name, Cluster: scalar(n, "cluster"), Namespace: scalar(n, "namespace"), User: scalar(n, "user")}
}

// ErrContextMissing means the chosen context is not in the kubeconfig (any more).
var ErrContextMissing = errors.New("the context is not in the kubeconfig")

// ErrContextIncomplete means the context names a cluster or user the kubeconfig does not
// define, or names no cluster.
var ErrContextIncomplete = errors.New("the context is incomplete")

// check returns the context, its cluster and its user (nil when the context names none),
// or an error wrapping ErrContextMissing or ErrContextIncomplete whose text is a sentence.
func (c *Config) check(name string) (ctx, cluster, user *entry, err error) {
	ctx = c.contexts[name]
	if ctx == nil {
		return nil, nil, nil, fmt.Errorf("%w: there is no context %q in %s", ErrContextMissing, name, joinList(c.files))
	}
	cn, un := scalar(ctx.node, "cluster"), scalar(ctx.node, "user")
	if cn == "" {
		return nil, nil, nil, fmt.Errorf("%w: the context %q names no cluster (in %s)", ErrContextIncomplete, name, ctx.origin)
	}
	if cluster = c.clusters[cn]; cluster == nil {
		return nil, nil, nil, fmt.Errorf("%w: the context %q uses the cluster %q, which no kubeconfig file defines", ErrContextIncomplete, name, cn)
	}
	if un != "" {
		if user = c.users[un]; user == nil {
			return nil, nil, nil, fmt.Errorf("%w: the context %q uses the user %q, which no kubeconfig file defines", ErrContextIncomplete, name, un)
		}
	}
	return ctx, cluster, user, nil
}

// ValidNamespace reports whether ns can name a Kubernetes namespace: a DNS label of at most
// 63 lower-case letters, digits and "-", starting and ending with a letter or digit.
func ValidNamespace(ns string) bool {
	if ns == "" || len(ns) > 63 || ns[0] == '-' || ns[len(ns)-1] == '-' {
		return false
	}
	for _, r := range ns {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}
