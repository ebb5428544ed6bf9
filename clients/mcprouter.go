package clients

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
)

// MCPRouterServer is one of MCP Router's servers (mcp-router/mcp-router), read into a
// Server: Key is its name, Remote is set for one MCP Router reaches by address.
type MCPRouterServer struct {
	Server
	// ToolPermissions are MCP Router's per-tool switches (toolPermissions): false means the
	// person switched the tool off.
	ToolPermissions map[string]bool
}

// ErrMCPRouterDatabase is returned by ReadMCPRouter for MCP Router's own database file,
// which MCP Tray cannot read.
var ErrMCPRouterDatabase = errors.New("MCP Router keeps its servers in its own database, which MCP Tray cannot read")

// ReadMCPRouter reads MCP Router's servers from a JSON file in one of the forms MCP Router
// itself reads and writes: its server list, [{"name", "serverType": "local"|"remote"|
// "remote-streamable", "command", "args", "env", "remoteUrl", "bearerToken", "disabled",
// "description", "toolPermissions": {TOOL: bool}}, …] (packages/shared mcp-types.ts
// MCPServerConfig), the same list under "servers", or the {"mcpServers": {NAME: {"command",
// "args", "env"}}} form its JSON import takes (mcp-config-importer.ts). MCP Router keeps its
// own state in a SQLite database; given that file, it returns ErrMCPRouterDatabase. It only
// reads.
func ReadMCPRouter(path string) ([]MCPRouterServer, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading MCP Router's servers %s: %w", path, err)
	}
	if bytes.HasPrefix(b, []byte("SQLite format 3\x00")) {
		return nil, ErrMCPRouterDatabase
	}
	type routerServer struct {
		Name            string            `json:"name"`
		ServerType      string            `json:"serverType"`
		Type            string            `json:"type"`
		Command         string            `json:"command"`
		Args            []string          `json:"args"`
		Env             map[string]string `json:"env"`
		Cwd             string            `json:"cwd"`
		RemoteURL       string            `json:"remoteUrl"`
		URL             string            `json:"url"`
		Disabled        bool              `json:"disabled"`
		Description     string            `json:"description"`
		ToolPermissions map[string]bool   `json:"toolPermissions"`
	}
	var list []routerServer
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")))
	switch {
	case bytes.HasPrefix(trimmed, []byte("[")):
		err = json.Unmarshal(trimmed, &list)
	default:
		var f struct {
			Servers    []routerServer          `json:"servers"`
			MCPServers map[string]routerServer `json:"mcpServers"`
		}
		if err = json.Unmarshal(trimmed, &f); err == nil {
			list = f.Servers
			for _, name := range slices.Sorted(maps.Keys(f.MCPServers)) {
				s := f.MCPServers[name]
				s.Name = name
				list = append(list, s)
			}
			if f.Servers == nil && f.MCPServers == nil {
				return nil, fmt.Errorf("%s holds no MCP Router servers: it has neither a list of servers nor \"mcpServers\"", path)
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("reading MCP Router's servers %s: %w", path, jsonSyntaxError(err))
	}
	var out []MCPRouterServer
	for _, s := range list {
		url := s.RemoteURL
		if url == "" {
			url = s.URL
		}
		srv := Server{Key: s.Name, Command: s.Command, Args: s.Args, Cwd: s.Cwd, Env: s.Env, URL: url, Disabled: s.Disabled, Description: s.Description}.finish()
		srv.Remote = srv.Remote || strings.HasPrefix(s.ServerType, "remote") || s.Type == "sse" || s.Type == "http" || s.Type == "streamable-http"
		out = append(out, MCPRouterServer{Server: srv, ToolPermissions: s.ToolPermissions})
	}
	return out, nil
}
