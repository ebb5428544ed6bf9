package reconcile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/mcptray/mcptray/clients"
)

// planDocker plans the servers switched on in Docker's MCP Toolkit (the folder path), or of
// a profile `docker mcp profile export` wrote (the file path): each container image runs
// with docker run as the gateway ran it (its settings filled in from the person's
// configuration, no network when the catalog says so), and the credentials Docker keeps in
// its own secret store are asked for.
func (p *ManagerPlan) planDocker(path string, taken map[string]bool) error {
	p.From = "Docker's MCP Toolkit"
	var servers []clients.DockerMCPServer
	registry := path
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("found no setup of Docker's MCP Toolkit: %s does not exist", path)
	case err != nil:
		return fmt.Errorf("reading Docker's MCP Toolkit setup %s: %w", path, err)
	case info.IsDir():
		servers, err = clients.ReadDockerMCP(path)
		registry = filepath.Join(path, "registry.yaml")
	default:
		servers, err = clients.ReadDockerMCPProfile(path)
	}
	if err != nil {
		return err
	}
	for _, s := range servers {
		srv, notes, why := dockerServer(s)
		if why != "" {
			p.skip(registry, s.Name, why)
			continue
		}
		is := p.add(registry, srv, taken)
		if is == nil {
			continue
		}
		for _, n := range notes {
			is.Note = joinNotes(is.Note, n)
		}
		for _, sec := range s.Secrets {
			p.need(is, sec.Env, fmt.Sprintf("Docker's secret %q", sec.Name), "")
		}
	}
	return nil
}

// dockerServer is how MCP Tray runs the Docker MCP Toolkit server s, with notes on what is
// not carried, or why it cannot run it.
func dockerServer(s clients.DockerMCPServer) (srv clients.Server, notes []string, why string) {
	switch {
	case !s.InCatalog:
		return srv, nil, "Docker's MCP Toolkit has it switched on, but no catalog file here says how to run it"
	case s.Type == "registry":
		return srv, nil, fmt.Sprintf("Docker's profile names it only by its MCP Registry address (%s); find it in MCP Tray's catalog instead (mcptray catalog search)", s.RemoteURL)
	case s.Type == "remote" || s.RemoteURL != "":
		return srv, nil, remoteSkip
	case s.Type == "poci":
		return srv, nil, "its tools are one-off containers Docker's gateway starts for each call, which MCP Tray does not do"
	case s.Image == "":
		return srv, nil, "its catalog entry names no container image to run"
	}
	env := map[string]string{}
	for _, e := range s.Env {
		v, ok := s.Expand(e.Value)
		if !ok {
			notes = append(notes, fmt.Sprintf("its setting %s is left out, because it comes from %s, which is not set in Docker's configuration", e.Name, e.Value))
			continue
		}
		env[e.Name] = v
	}
	var args, volumes []string
	for _, a := range s.Command {
		v, ok := s.Expand(a)
		if !ok {
			return srv, nil, fmt.Sprintf("its command uses %s, which only Docker's MCP Toolkit fills in", a)
		}
		args = append(args, v)
	}
	for _, m := range s.Volumes {
		v, ok := s.Expand(m)
		if !ok {
			return srv, nil, fmt.Sprintf("it mounts %s, which only Docker's MCP Toolkit fills in; add it yourself with the folders it may use (mcptray server add)", m)
		}
		volumes = append(volumes, v)
	}
	if s.Bare {
		notes = append(notes, "Docker's profile does not describe it, so MCP Tray runs the image with no settings; add the credentials it needs with: mcptray secret set SERVER KEY")
	}
	var extra []string
	if s.DisableNetwork {
		extra = append(extra, "--network", "none")
	}
	if s.User != "" {
		extra = append(extra, "--user", s.User)
	}
	var secrets []string
	for _, sec := range s.Secrets {
		secrets = append(secrets, sec.Env)
	}
	switch {
	case s.Tools == nil:
	case len(s.Tools) == 0:
		notes = append(notes, "Docker's MCP Toolkit had every one of its tools switched off; MCP Tray offers every tool and asks you before a call as your rules say")
	default:
		notes = append(notes, fmt.Sprintf("Docker's MCP Toolkit let only %s of its tools run; MCP Tray offers every tool and asks you before a call as your rules say", toolCount(s.Tools)))
	}
	return dockerRun(s.Name, s.Image, env, secrets, extra, volumes, args), notes, ""
}

func toolCount(tools []string) string {
	if len(tools) <= 3 {
		return strings.Join(tools, ", ")
	}
	return fmt.Sprintf("%d", len(tools))
}
