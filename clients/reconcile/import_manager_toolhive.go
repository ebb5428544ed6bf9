package reconcile

import (
	"fmt"
	"os"
	"strings"

	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/config"
)

// remoteSkip is the sentence for a server another manager only reaches over the network.
const remoteSkip = "it is a remote server; MCP Tray takes over only servers it starts itself"

// planToolHive plans the servers of ToolHive's run configs at path: a container image runs
// with docker run, a package ToolHive builds into an image (npx://, uvx://) runs with npx
// or uvx as MCP Tray runs any such server, and ToolHive's secrets are asked for, unless the
// person's environment holds them for ToolHive's environment secret store
// (TOOLHIVE_SECRET_<NAME>, toolhive pkg/secrets).
func (p *ManagerPlan) planToolHive(path string, taken map[string]bool) error {
	p.From = "ToolHive"
	servers, err := clients.ReadToolHive(path)
	if err != nil {
		return err
	}
	for _, s := range servers {
		if why := toolHiveSkip(s); why != "" {
			p.skip(s.Path, s.Name, why)
			continue
		}
		var targets []string
		for _, sec := range s.Secrets {
			targets = append(targets, sec.Target)
		}
		var srv clients.Server
		var notes []string
		switch scheme, pkg, _ := strings.Cut(s.Image, "://"); {
		case pkg != "" && scheme == "npx":
			srv = clients.Server{Key: s.Name, ServerName: s.Name, Command: "npx", Args: append([]string{"-y", pkg}, s.Args...), Env: s.Env}
		case pkg != "" && scheme == "uvx":
			srv = clients.Server{Key: s.Name, ServerName: s.Name, Command: "uvx", Args: append([]string{pkg}, s.Args...), Env: s.Env}
		default:
			srv = dockerRun(s.Name, s.Image, s.Env, targets, nil, s.Volumes, s.Args)
		}
		if srv.Command != "docker" && len(s.Volumes) > 0 {
			notes = append(notes, "the folders ToolHive mounted into its container are not needed: MCP Tray runs it as a program on this computer")
		}
		is := p.add(s.Path, srv, taken)
		if is == nil {
			continue
		}
		if s.NetworkIsolated || s.Profile != "" && s.Profile != "none" {
			notes = append(notes, "ToolHive limited what it could reach with a permission profile, which MCP Tray does not read; choose what it may touch with: mcptray sandbox "+is.Name)
		}
		for _, n := range notes {
			is.Note = joinNotes(is.Note, n)
		}
		for _, sec := range s.Secrets {
			p.need(is, sec.Target, fmt.Sprintf("ToolHive's secret %q", sec.Name), os.Getenv("TOOLHIVE_SECRET_"+sec.Name))
		}
	}
	return nil
}

// toolHiveSkip says why MCP Tray cannot run the ToolHive server s, or "".
func toolHiveSkip(s clients.ToolHiveServer) string {
	switch {
	case s.RemoteURL != "":
		return remoteSkip
	case s.Transport != "" && s.Transport != "stdio":
		return fmt.Sprintf("ToolHive runs it as a container that answers over the network (%s), which MCP Tray does not do; MCP Tray runs servers that talk over standard input and output", s.Transport)
	case strings.HasPrefix(s.Image, "go://"):
		return "ToolHive builds it from Go source into a container, which MCP Tray does not do; build it yourself, then add it with: mcptray server add NAME -- PROGRAM"
	}
	for _, sec := range s.Secrets {
		if !config.ValidEnvKey(sec.Target) {
			return fmt.Sprintf("its secret %q goes to %q, which cannot be the name of an environment variable", sec.Name, sec.Target)
		}
	}
	return ""
}
