package kube

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"go.yaml.in/yaml/v3"
)

// Sources returns the kubeconfig files kubectl would read: the entries of kubeconfigEnv (the
// KUBECONFIG variable, a list separated by os.PathListSeparator) when it names any, else
// homeDir/.kube/config. Relative entries are made absolute against the working directory;
// duplicates are dropped, as kubectl does.
func Sources(kubeconfigEnv, homeDir string) []string {
	var out []string
	for _, p := range filepath.SplitList(kubeconfigEnv) {
		if p == "" {
			continue
		}
		if abs, err := filepath.Abs(p); err == nil {
			p = abs
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		out = append(out, filepath.Join(homeDir, ".kube", "config"))
	}
	return out
}

// ErrNoKubeconfig means none of the source files exists.
var ErrNoKubeconfig = errors.New("no kubeconfig file was found")

// entry is one named cluster, context or user: its inner mapping and the file it came from
// (relative paths in it are relative to that file's folder).
type entry struct {
	name   string
	node   *yaml.Node
	origin string
}

// Config is the merged view of one or more kubeconfig files. It is read-only after Load and
// safe for concurrent use.
type Config struct {
	files          []string // files actually read, in order
	currentContext string
	contexts       map[string]*entry
	clusters       map[string]*entry
	users          map[string]*entry
}

// Load reads and merges files by kubectl's rules: a file that does not exist is skipped; the
// first file to define a context, cluster or user (by name) wins, and so does the first to
// set current-context. It fails with ErrNoKubeconfig when no file exists, and with an error
// naming the file when one cannot be read or is not a kubeconfig.
func Load(files []string) (*Config, error) {
	c := &Config{contexts: map[string]*entry{}, clusters: map[string]*entry{}, users: map[string]*entry{}}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading the kubeconfig %s: %w", f, err)
		}
		c.files = append(c.files, f)
		if err := c.merge(f, data); err != nil {
			return nil, err
		}
	}
	if len(c.files) == 0 {
		return nil, fmt.Errorf("%w (looked for %s)", ErrNoKubeconfig, joinList(files))
	}
	return c, nil
}

// Files returns the source files that were read, in order.
func (c *Config) Files() []string { return slices.Clone(c.files) }

// CurrentContext is the merged current-context, "" if none is set.
func (c *Config) CurrentContext() string { return c.currentContext }

func (c *Config) merge(file string, data []byte) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("the kubeconfig %s is not valid YAML: %w", file, err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil // an empty file is an empty kubeconfig, as for kubectl
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil
	}
	if root.Kind != yaml.MappingNode {
		return fmt.Errorf("the kubeconfig %s is not a kubeconfig (it is not a YAML mapping)", file)
	}
	if cur := scalar(root, "current-context"); cur != "" && c.currentContext == "" {
		c.currentContext = cur
	}
	for _, sec := range []struct {
		list, inner string
		into        map[string]*entry
	}{{"clusters", "cluster", c.clusters}, {"contexts", "context", c.contexts}, {"users", "user", c.users}} {
		seq := get(root, sec.list)
		if seq == nil || (seq.Kind == yaml.ScalarNode && seq.Tag == "!!null") {
			continue
		}
		if seq.Kind != yaml.SequenceNode {
			return fmt.Errorf("the kubeconfig %s is not a kubeconfig: %q should be a list (line %d)", file, sec.list, seq.Line)
		}
		for _, item := range seq.Content {
			name := scalar(item, "name")
			if item.Kind != yaml.MappingNode || name == "" {
				return fmt.Errorf("the kubeconfig %s has an entry without a name in %q (line %d)", file, sec.list, item.Line)
			}
			if _, taken := sec.into[name]; taken {
				continue
			}
			inner := get(item, sec.inner)
			if inner == nil || inner.Kind != yaml.MappingNode {
				inner = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			}
			sec.into[name] = &entry{name: name, node: inner, origin: file}
		}
	}
	return nil
}

func joinList(files []string) string {
	s := ""
	for i, f := range files {
		if i > 0 {
			s += ", "
		}
		s += f
	}
	return s
}
