package clients

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"
)

// MCPProxyPath is where MCPProxy (smart-mcp-proxy/mcpproxy-go) keeps its setup, on every
// system: ~/.mcpproxy/mcp_config.json (its internal/config/loader.go, DefaultDataDir and
// ConfigFileName). "" when env has no home folder.
func MCPProxyPath(env Env) string { return join(env.Home, ".mcpproxy", "mcp_config.json") }

// MCPProxySetup is what MCP Tray can take over from MCPProxy's setup.
type MCPProxySetup struct {
	Servers []MCPProxyServer
	// CallTimeout is MCPProxy's call_tool_timeout, which limits every tool call of every
	// server; 0 when the file sets none.
	CallTimeout time.Duration
}

// MCPProxyServer is one of MCPProxy's upstream servers, read into a Server: Key is its
// name, Disabled is !enabled, Remote is set for one MCPProxy reaches by URL (also when it
// starts a command first and then connects to it).
type MCPProxyServer struct {
	Server
	// Quarantined: MCPProxy holds the server until the person approves it, so it never ran.
	Quarantined bool
	// Isolated: MCPProxy runs the server inside a Docker container.
	Isolated bool
}

// ReadMCPProxy reads MCPProxy's setup file: strict JSON whose "mcpServers" is a list of
// servers, each {"name", "protocol", "command", "args", "working_dir", "env", "url",
// "enabled", "quarantined", "isolation": {"enabled"}, …} (mcpproxy-go internal/config
// ServerConfig). It only reads. Environment values MCPProxy fills in from its own keyring
// (${keyring:NAME}) are returned as they are written.
func ReadMCPProxy(path string) (MCPProxySetup, error) {
	var out MCPProxySetup
	b, err := os.ReadFile(path)
	if err != nil {
		return out, fmt.Errorf("reading MCPProxy's setup %s: %w", path, err)
	}
	var f struct {
		Servers []struct {
			Name        string            `json:"name"`
			Protocol    string            `json:"protocol"`
			Command     string            `json:"command"`
			Args        []string          `json:"args"`
			WorkingDir  string            `json:"working_dir"`
			Env         map[string]string `json:"env"`
			URL         string            `json:"url"`
			Enabled     bool              `json:"enabled"`
			Quarantined bool              `json:"quarantined"`
			Isolation   *struct {
				Enabled *bool   `json:"enabled"`
				Mode    *string `json:"mode"`
			} `json:"isolation"`
		} `json:"mcpServers"`
		CallToolTimeout string `json:"call_tool_timeout"`
		Docker          *struct {
			Enabled bool   `json:"enabled"`
			Mode    string `json:"mode"`
		} `json:"docker_isolation"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return out, fmt.Errorf("reading MCPProxy's setup %s: %w", path, jsonSyntaxError(err))
	}
	out.CallTimeout, _ = time.ParseDuration(f.CallToolTimeout)
	for _, s := range f.Servers {
		srv := Server{Key: s.Name, Command: s.Command, Args: s.Args, Cwd: s.WorkingDir, Env: s.Env, URL: s.URL, Disabled: !s.Enabled}
		srv = srv.finish()
		srv.Remote = s.URL != "" || strings.Contains(s.Protocol, "http") || s.Protocol == "sse"
		// A server's own mode wins, then its enabled flag, then the global setting's mode and flag
		// (mcpproxy-go IsolationConfig and DockerIsolationConfig, "MCP-34.2").
		iso := f.Docker != nil && (f.Docker.Mode == "docker" || f.Docker.Mode == "" && f.Docker.Enabled)
		if i := s.Isolation; i != nil && i.Mode != nil {
			iso = *i.Mode == "docker"
		} else if i != nil && i.Enabled != nil {
			iso = *i.Enabled
		}
		out.Servers = append(out.Servers, MCPProxyServer{Server: srv, Quarantined: s.Quarantined, Isolated: iso})
	}
	return out, nil
}
