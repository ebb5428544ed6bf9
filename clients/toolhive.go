package clients

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ToolHiveDir is the folder where ToolHive (stacklok/toolhive) keeps one run config per
// server it runs: the "runconfigs" store under its XDG state folder (pkg/state local.go and
// runconfig.go: xdg.StateHome/toolhive/runconfigs/NAME.json). adrg/xdg puts StateHome at
// $XDG_STATE_HOME when it is set, else ~/.local/state on Linux, ~/Library/Application Support
// on macOS and %LOCALAPPDATA% on Windows. stateHome is $XDG_STATE_HOME ("" when not set).
// "" when env has no home folder.
func ToolHiveDir(env Env, stateHome string) string {
	switch {
	case stateHome != "":
		return join(stateHome, "toolhive", "runconfigs")
	case env.GOOS == "darwin":
		return join(env.Home, "Library", "Application Support", "toolhive", "runconfigs")
	case env.GOOS == "windows":
		if env.Home == "" && env.LocalAppData == "" {
			return ""
		}
		return join(env.localAppData(), "toolhive", "runconfigs")
	}
	return join(env.Home, ".local", "state", "toolhive", "runconfigs")
}

// ToolHiveServer is one server ToolHive runs, as its run config describes it.
type ToolHiveServer struct {
	Name string
	// Path is the run config file it was read from.
	Path string
	// Image is the container image ToolHive runs, or a package ToolHive builds into one
	// ("npx://PACKAGE", "uvx://PACKAGE", "go://MODULE").
	Image string
	// RemoteURL is set for a server ToolHive only reaches over the network.
	RemoteURL string
	// Transport is "stdio", "sse" or "streamable-http": how the server in the container talks.
	Transport string
	// Args are the arguments given to the container (cmd_args).
	Args []string
	// Env is env_vars: the environment ToolHive gives the container (may hold credentials:
	// never log it).
	Env map[string]string
	// Secrets are the secrets ToolHive fills in from its own secret store.
	Secrets []ToolHiveSecret
	// Volumes are "HOST:CONTAINER[:ro]" mounts.
	Volumes []string
	// NetworkIsolated: ToolHive let the container reach only the hosts its permission
	// profile names.
	NetworkIsolated bool
	// Profile is the permission profile's name or path ("" for ToolHive's default).
	Profile string
}

// ToolHiveSecret is one secret of a run config: ToolHive's secret Name is given to the
// server as the environment variable Target.
type ToolHiveSecret struct{ Name, Target string }

// ReadToolHive reads ToolHive's run configs: every NAME.json in the folder path, or the one
// file path (a run config `thv export` wrote). Each is ToolHive's RunConfig (pkg/runner
// config.go, schema v0.1.0): {"schema_version", "name", "image", "remote_url", "transport",
// "cmd_args", "env_vars", "secrets": ["NAME,target=ENV"], "volumes", "isolate_network",
// "permission_profile_name_or_path", …}. It only reads. A file that is not a run config is
// an error naming the file.
func ReadToolHive(path string) ([]ToolHiveServer, error) {
	info, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("found no ToolHive run configs: %s does not exist", path)
	}
	if err != nil {
		return nil, fmt.Errorf("reading ToolHive's run configs %s: %w", path, err)
	}
	files := []string{path}
	if info.IsDir() {
		entries, err := os.ReadDir(path)
		if err != nil {
			return nil, fmt.Errorf("reading ToolHive's run configs %s: %w", path, err)
		}
		files = files[:0]
		for _, e := range entries {
			if !e.IsDir() && strings.HasSuffix(e.Name(), ".json") {
				files = append(files, filepath.Join(path, e.Name()))
			}
		}
	}
	var out []ToolHiveServer
	for _, f := range files {
		s, err := readToolHiveRunConfig(f)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b ToolHiveServer) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

func readToolHiveRunConfig(path string) (ToolHiveServer, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return ToolHiveServer{}, fmt.Errorf("reading ToolHive's run config %s: %w", path, err)
	}
	var f struct {
		SchemaVersion  *string           `json:"schema_version"`
		Name           string            `json:"name"`
		BaseName       string            `json:"base_name"`
		Image          string            `json:"image"`
		RemoteURL      string            `json:"remote_url"`
		Transport      string            `json:"transport"`
		CmdArgs        []string          `json:"cmd_args"`
		EnvVars        map[string]string `json:"env_vars"`
		Secrets        []string          `json:"secrets"`
		Volumes        []string          `json:"volumes"`
		IsolateNetwork bool              `json:"isolate_network"`
		Profile        string            `json:"permission_profile_name_or_path"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return ToolHiveServer{}, fmt.Errorf("reading ToolHive's run config %s: %w", path, jsonSyntaxError(err))
	}
	if f.SchemaVersion == nil || f.Image == "" && f.RemoteURL == "" {
		return ToolHiveServer{}, fmt.Errorf("%s is not a ToolHive run config: it names no image or address", path)
	}
	name := f.Name
	if name == "" {
		name = f.BaseName
	}
	if name == "" {
		name = strings.TrimSuffix(filepath.Base(path), ".json")
	}
	s := ToolHiveServer{Name: name, Path: path, Image: f.Image, RemoteURL: f.RemoteURL, Transport: f.Transport, Args: f.CmdArgs,
		Env: f.EnvVars, Volumes: f.Volumes, NetworkIsolated: f.IsolateNetwork, Profile: f.Profile}
	for _, sec := range f.Secrets {
		// "<secret name>,target=<target environment variable>" (RunConfig.Secrets)
		name, target, ok := strings.Cut(sec, ",target=")
		if !ok {
			name, target = sec, sec
		}
		s.Secrets = append(s.Secrets, ToolHiveSecret{Name: name, Target: target})
	}
	return s, nil
}
