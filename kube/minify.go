package kube

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Minify returns a kubeconfig holding only the named context, its cluster and its user,
// with current-context set to it. Certificate and key files are inlined (as *-data fields);
// tokenFile and a relative exec command path are made absolute against the folder of the file
// that defined them; exec plugins, auth providers and unknown fields are kept as they are.
// The result holds whatever credentials the person's kubeconfig holds: write it owner-only
// and never log it. Errors wrap ErrContextMissing or ErrContextIncomplete, or say which
// certificate file could not be read.
func (c *Config) Minify(name string) ([]byte, error) {
	return c.MinifyIn(name, "")
}

// MinifyIn is Minify with the context's namespace set to namespace ("" keeps the context's
// own), for a server limited to one namespace.
func (c *Config) MinifyIn(name, namespace string) ([]byte, error) {
	ctx, cluster, user, err := c.check(name)
	if err != nil {
		return nil, err
	}
	ctxNode := clone(ctx.node)
	if namespace != "" {
		set(ctxNode, "namespace", str(namespace))
	}
	cl := clone(cluster.node)
	if err := inline(cl, cluster.origin, "certificate-authority", "the certificate authority of the cluster "+cluster.name); err != nil {
		return nil, err
	}
	root := mapping(
		str("apiVersion"), str("v1"),
		str("kind"), str("Config"),
		str("clusters"), seq(mapping(str("name"), str(cluster.name), str("cluster"), cl)),
		str("contexts"), seq(mapping(str("name"), str(ctx.name), str("context"), ctxNode)),
	)
	if user != nil {
		u := clone(user.node)
		for _, f := range []string{"client-certificate", "client-key"} {
			if err := inline(u, user.origin, f, "the "+strings.ReplaceAll(f, "-", " ")+" of the user "+user.name); err != nil {
				return nil, err
			}
		}
		absolute(u, "tokenFile", user.origin)
		if exec := get(u, "exec"); exec != nil && exec.Kind == yaml.MappingNode {
			if cmd := scalar(exec, "command"); strings.ContainsAny(cmd, `/\`) {
				absolute(exec, "command", user.origin)
			}
		}
		set(root, "users", seq(mapping(str("name"), str(user.name), str("user"), u)))
	}
	set(root, "current-context", str(ctx.name))
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, fmt.Errorf("writing the kubeconfig for context %q: %w", name, err)
	}
	enc.Close()
	return buf.Bytes(), nil
}

// References returns the files the named context's cluster and user point to (certificates,
// keys, a token file), made absolute; a change to any of them changes what Minify writes.
func (c *Config) References(name string) []string {
	_, cluster, user, err := c.check(name)
	if err != nil {
		return nil
	}
	var out []string
	add := func(e *entry, key string) {
		if p := scalar(e.node, key); p != "" {
			out = append(out, resolve(p, e.origin))
		}
	}
	add(cluster, "certificate-authority")
	if user != nil {
		for _, k := range []string{"client-certificate", "client-key", "tokenFile"} {
			add(user, k)
		}
	}
	return out
}

// inline replaces key (a file path) in m with key+"-data" holding the file's content in
// base64. An existing *-data field wins, as it does for kubectl.
func inline(m *yaml.Node, origin, key, what string) error {
	p := scalar(m, key)
	if p == "" {
		return nil
	}
	del(m, key)
	if scalar(m, key+"-data") != "" {
		return nil
	}
	path := resolve(p, origin)
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("%w: %s is in %s, which cannot be read (%v)", ErrContextIncomplete, what, path, unwrapPath(err))
	}
	set(m, key+"-data", str(base64.StdEncoding.EncodeToString(data)))
	return nil
}

// absolute makes the path at key in m absolute against origin's folder.
func absolute(m *yaml.Node, key, origin string) {
	if p := scalar(m, key); p != "" {
		set(m, key, str(resolve(p, origin)))
	}
}

// resolve makes p absolute against the folder of the kubeconfig file origin, as kubectl does.
func resolve(p, origin string) string {
	if strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, p[2:])
		}
	}
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(filepath.Dir(origin), p)
}

func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

func seq(items ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: items}
}
