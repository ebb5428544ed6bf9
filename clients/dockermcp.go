package clients

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// DockerMCPDir is the folder where Docker's MCP Toolkit (the docker-mcp CLI plugin,
// docker/mcp-gateway) keeps its setup on every system: ~/.docker/mcp (pkg/config
// readwrite.go FilePath). "" when env has no home folder.
func DockerMCPDir(env Env) string { return join(env.Home, ".docker", "mcp") }

// DockerMCPServer is one server switched on in Docker's MCP Toolkit, with its catalog entry.
type DockerMCPServer struct {
	Name string
	// InCatalog is false when registry.yaml switches on a server no catalog file describes.
	InCatalog bool
	// Type is the catalog's "server" (a container), "remote" or "poci" (tools Docker runs as
	// one-off containers).
	Type    string
	Image   string
	Command []string // the arguments given to the container
	// Env are the catalog's environment settings; a value may hold {{SERVER.KEY}} templates
	// that Expand fills in from the person's configuration.
	Env []DockerMCPEnv
	// Secrets are the credentials Docker keeps in its own secret store and gives the
	// container as environment variables.
	Secrets        []DockerMCPSecret
	Volumes        []string
	DisableNetwork bool
	User           string
	RemoteURL      string
	// Tools are the tools tools.yaml (or the profile) leaves switched on; nil means every tool.
	Tools []string
	// Bare is set for a profile's image that comes without its description: only the image
	// is known, not its settings or secrets.
	Bare bool
	// config is the person's configuration (config.yaml, then the registry entry's own).
	config map[string]any
}

// DockerMCPEnv is one environment setting of a catalog entry.
type DockerMCPEnv struct{ Name, Value string }

// DockerMCPSecret is one secret of a catalog entry: Docker's secret Name, given to the
// container as the environment variable Env.
type DockerMCPSecret struct{ Name, Env string }

// ReadDockerMCP reads the servers switched on in Docker's MCP Toolkit from the folder dir
// (normally DockerMCPDir): registry.yaml says which are on ({"registry": {NAME: {"ref",
// "config"}}}, cmd/docker-mcp/internal/config registry.go), the catalogs describe them
// (catalogs/docker-mcp.yaml, then the other catalogs/*.yaml, a later one winning:
// {"registry": {NAME: {"type", "image", "command", "env": [{name, value}], "secrets":
// [{name, env}], "volumes", "disableNetwork", "remote": {"url"}}}}, pkg/catalog types.go),
// config.yaml holds the person's settings per server ({NAME: {KEY: VALUE}}) and tools.yaml the
// tools left on ({NAME: [TOOL, …]}). It only reads; secret values are in Docker's own store
// and never in these files.
func ReadDockerMCP(dir string) ([]DockerMCPServer, error) {
	var registry struct {
		Registry map[string]struct {
			Ref    string         `yaml:"ref"`
			Config map[string]any `yaml:"config"`
		} `yaml:"registry"`
	}
	if err := readYAML(filepath.Join(dir, "registry.yaml"), &registry, false); err != nil {
		return nil, err
	}
	catalog, err := readDockerCatalogs(filepath.Join(dir, "catalogs"))
	if err != nil {
		return nil, err
	}
	var settings map[string]map[string]any
	if err := readYAML(filepath.Join(dir, "config.yaml"), &settings, true); err != nil {
		return nil, err
	}
	var tools map[string][]string
	if err := readYAML(filepath.Join(dir, "tools.yaml"), &tools, true); err != nil {
		return nil, err
	}
	var out []DockerMCPServer
	for _, name := range slices.Sorted(maps.Keys(registry.Registry)) {
		s, ok := catalog[name]
		s.Name, s.InCatalog = name, ok
		s.config = map[string]any{}
		for k, v := range settings[name] {
			s.config[k] = v
		}
		for k, v := range registry.Registry[name].Config {
			s.config[k] = v
		}
		if t, ok := tools[name]; ok {
			s.Tools = t
		}
		out = append(out, s)
	}
	return out, nil
}

// readYAML decodes the YAML file at path into v; a missing file is an error unless optional.
func readYAML(path string, v any, optional bool) error {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		if optional {
			return nil
		}
		return fmt.Errorf("found no setup of Docker's MCP Toolkit: %s does not exist", path)
	}
	if err != nil {
		return fmt.Errorf("reading Docker's MCP Toolkit setup %s: %w", path, err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		return fmt.Errorf("reading Docker's MCP Toolkit setup %s: it is not a YAML file of the kind Docker writes (%v)", path, err)
	}
	return nil
}

// readDockerCatalogs reads every catalog in dir: docker-mcp.yaml first, then the others by
// name, an entry of a later catalog replacing one of the same name (the gateway's order:
// Docker's catalog, then the person's own).
func readDockerCatalogs(dir string) (map[string]DockerMCPServer, error) {
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("reading Docker's MCP catalogs %s: %w", dir, err)
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && (strings.HasSuffix(e.Name(), ".yaml") || strings.HasSuffix(e.Name(), ".yml")) {
			files = append(files, e.Name())
		}
	}
	slices.SortStableFunc(files, func(a, b string) int {
		switch {
		case a == b:
			return 0
		case a == "docker-mcp.yaml":
			return -1
		case b == "docker-mcp.yaml":
			return 1
		}
		return strings.Compare(a, b)
	})
	out := map[string]DockerMCPServer{}
	for _, f := range files {
		var c struct {
			Registry map[string]dockerCatalogEntry `yaml:"registry"`
		}
		if err := readYAML(filepath.Join(dir, f), &c, false); err != nil {
			return nil, err
		}
		for name, e := range c.Registry {
			out[name] = e.server()
		}
	}
	return out, nil
}

// dockerCatalogEntry is a server of a Docker MCP catalog (pkg/catalog types.go Server), also
// the snapshot a profile keeps of each of its servers.
type dockerCatalogEntry struct {
	Name           string            `yaml:"name"`
	Type           string            `yaml:"type"`
	Image          string            `yaml:"image"`
	Command        []string          `yaml:"command"`
	Env            []DockerMCPEnv    `yaml:"env"`
	Secrets        []DockerMCPSecret `yaml:"secrets"`
	Volumes        []string          `yaml:"volumes"`
	DisableNetwork bool              `yaml:"disableNetwork"`
	User           string            `yaml:"user"`
	SSEEndpoint    string            `yaml:"sseEndpoint"`
	Remote         struct {
		URL string `yaml:"url"`
	} `yaml:"remote"`
}

func (e dockerCatalogEntry) server() DockerMCPServer {
	url := e.Remote.URL
	if url == "" {
		url = e.SSEEndpoint
	}
	return DockerMCPServer{Type: e.Type, Image: e.Image, Command: e.Command, Env: e.Env, Secrets: e.Secrets,
		Volumes: e.Volumes, DisableNetwork: e.DisableNetwork, User: e.User, RemoteURL: url}
}

// ReadDockerMCPProfile reads a profile `docker mcp profile export NAME FILE` wrote, in YAML
// or JSON (pkg/workingset workingset.go WorkingSet, version 1): {"version", "id", "name",
// "servers": [{"type": "image"|"registry", "image", "source", "config", "tools",
// "snapshot": {"server": <catalog entry>}}]}. A server of type "registry" is returned with
// Type "registry" and RemoteURL its MCP Registry address; an image without a snapshot has
// only its image. Each server's name is its snapshot's, else the image's last path element.
// It only reads.
func ReadDockerMCPProfile(path string) ([]DockerMCPServer, error) {
	var f struct {
		Version *int `yaml:"version"`
		Servers []struct {
			Type     string         `yaml:"type"`
			Image    string         `yaml:"image"`
			Source   string         `yaml:"source"`
			Config   map[string]any `yaml:"config"`
			Tools    []string       `yaml:"tools"`
			Snapshot *struct {
				Server dockerCatalogEntry `yaml:"server"`
			} `yaml:"snapshot"`
		} `yaml:"servers"`
	}
	if err := readYAML(path, &f, false); err != nil {
		return nil, err
	}
	if f.Version == nil || f.Servers == nil {
		return nil, fmt.Errorf("%s is not a Docker MCP profile: it has no version or no servers", path)
	}
	var out []DockerMCPServer
	for _, ps := range f.Servers {
		s := DockerMCPServer{Type: ps.Type, InCatalog: true, Tools: ps.Tools, Bare: true, config: map[string]any{}}
		if ps.Snapshot != nil {
			s = ps.Snapshot.Server.server()
			s.Name, s.InCatalog, s.Tools, s.config = ps.Snapshot.Server.Name, true, ps.Tools, map[string]any{}
		}
		switch ps.Type {
		case "registry":
			s.Type, s.RemoteURL = "registry", ps.Source
			if s.Name == "" {
				s.Name = ps.Source
			}
		case "image":
			if s.Type == "" {
				s.Type = "server"
			}
			s.Image = ps.Image
			if s.Name == "" {
				ref := ps.Image
				if i := strings.LastIndexAny(ref, "@"); i >= 0 {
					ref = ref[:i]
				}
				if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
					ref = ref[:i]
				}
				s.Name = ref[strings.LastIndex(ref, "/")+1:]
			}
		}
		maps.Copy(s.config, ps.Config)
		out = append(out, s)
	}
	return out, nil
}

// UnmarshalYAML reads an env entry {name, value}, whatever scalar the value is.
func (e *DockerMCPEnv) UnmarshalYAML(n *yaml.Node) error {
	var raw struct {
		Name  string    `yaml:"name"`
		Value yaml.Node `yaml:"value"`
	}
	if err := n.Decode(&raw); err != nil {
		return err
	}
	e.Name, e.Value = raw.Name, raw.Value.Value
	return nil
}

var dockerTemplate = regexp.MustCompile(`\{\{([^{}]*)\}\}`)

// Expand fills the {{SERVER.KEY}} templates of v in from the person's configuration of s. ok
// is false when a template names a setting that is not set, or uses one of the gateway's
// filters ({{x|volume}}), which MCP Tray does not apply.
func (s DockerMCPServer) Expand(v string) (out string, ok bool) {
	ok = true
	out = dockerTemplate.ReplaceAllStringFunc(v, func(m string) string {
		expr := strings.TrimSpace(m[2 : len(m)-2])
		if strings.Contains(expr, "|") {
			ok = false
			return m
		}
		key := strings.TrimPrefix(expr, s.Name+".")
		val, found := s.config[key]
		if !found || key == expr {
			ok = false
			return m
		}
		switch val := val.(type) {
		case string:
			return val
		case nil:
			ok = false
			return m
		case []any, map[string]any:
			ok = false
			return m
		default:
			b, _ := json.Marshal(val)
			return string(b)
		}
	})
	return out, ok
}
