package clients

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
)

// ScopedServer is a server that an AI client uses in one project only, not in every session:
// a Claude Code local-scope one (in ~/.claude.json under the project, where `claude mcp add`
// puts servers by default), a Claude Code project-scope one (the project's .mcp.json), or a
// Gemini CLI project one (the project's .gemini/settings.json).
type ScopedServer struct {
	Scope   string // "local" or "project"
	Project string // the project folder
	Path    string // the file that holds it
	Server  Server

	client string // the ID of the client that uses it
}

// Shared reports a server kept in a file of the project itself (.mcp.json, .gemini/
// settings.json), which the project usually shares with everyone who works on it, rather
// than in the person's own file.
func (s ScopedServer) Shared() bool { return s.Scope == "project" }

// Client is the client of s narrowed to s's file and scope: Paths is that one file, and
// entries are read and written where the scope keeps them (projects.PROJECT.mcpServers in
// ~/.claude.json, the top of a project file), so Read, ReplaceWithOurs and Restore work on it
// as on any client's file. Its ID is the client's own, so backups go where the client's do.
// s must come from ClaudeCodeScoped or GeminiScoped.
func (s ScopedServer) Client() Client {
	base, _ := ByID(s.client)
	spec := *base.spec()
	f := spec.format.(jsonFormat)
	if s.Scope == "local" {
		shape := *f.shape
		shape.path = []string{"projects", s.Project, "mcpServers"}
		shape.allowed, shape.excluded = nil, nil
		f.shape = &shape
	}
	spec.format = f
	path := s.Path
	spec.paths = func(Env) []string { return []string{path} }
	spec.markers = spec.paths
	return &spec
}

// ClaudeCodeScoped returns the local- and project-scope servers of Claude Code whose user
// file (~/.claude.json) holds content, projects in sorted order. Projects whose .mcp.json is
// missing or does not parse add nothing. It only reads.
func ClaudeCodeScoped(userFile string, content []byte) ([]ScopedServer, error) {
	var f struct {
		Projects map[string]struct {
			MCPServers map[string]json.RawMessage `json:"mcpServers"`
		} `json:"projects"`
	}
	if err := json.Unmarshal(content, &f); err != nil {
		return nil, err
	}
	var out []ScopedServer
	for _, project := range slices.Sorted(maps.Keys(f.Projects)) {
		for _, key := range slices.Sorted(maps.Keys(f.Projects[project].MCPServers)) {
			v, _ := decodeJSON(f.Projects[project].MCPServers[key]) // valid: Unmarshal checked it
			out = append(out, ScopedServer{Scope: "local", Project: project, Path: userFile, client: "claude-code",
				Server: decodeServer(key, v)})
		}
		if filepath.IsAbs(project) {
			out = append(out, projectServers("claude-code", project, filepath.Join(project, ".mcp.json"))...)
		}
	}
	return out, nil
}

// projectServers reads the servers of a project's own file (top-level mcpServers), for
// client; a file that is missing or does not parse gives none.
func projectServers(client, project, path string) []ScopedServer {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	c, _ := ByID(client)
	doc, err := c.spec().format.parse(b)
	if err != nil {
		return nil
	}
	var out []ScopedServer
	for _, s := range doc.servers() {
		out = append(out, ScopedServer{Scope: "project", Project: project, Path: path, client: client, Server: s})
	}
	return out
}
