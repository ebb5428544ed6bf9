package clients

// jsonShape is where a JSON client keeps its servers and how it spells an entry.
type jsonShape struct {
	path []string // the servers object, such as ["mcpServers"]
	// pickPath chooses the servers object from the file's content, when that varies.
	pickPath func(root map[string]any) []string
	typ      string // the "type" every entry of ours carries, or ""
	// commandArray spells the command as one array (opencode) instead of command + args.
	commandArray bool
	// allowed and excluded are lists of server names the client filters its servers by: with
	// an allowed list it loads only the servers named there; it never loads excluded ones.
	allowed, excluded []string
}

// kv is one member of an entry: a string or a list of strings.
type kv struct {
	name  string
	value any
}

var (
	mcpServersShape = &jsonShape{path: []string{"mcpServers"}}
	// geminiShape: Gemini CLI (and its fork Qwen Code) load only the servers mcp.allowed names
	// when it is set, and none that mcp.excluded names (google-gemini/gemini-cli
	// docs/tools/mcp-server.md, "Global MCP settings").
	geminiShape     = &jsonShape{path: []string{"mcpServers"}, allowed: []string{"mcp", "allowed"}, excluded: []string{"mcp", "excluded"}}
	claudeCodeShape = &jsonShape{path: []string{"mcpServers"}, typ: "stdio"}
	vscodeShape     = &jsonShape{path: []string{"servers"}, typ: "stdio"}
	zedShape        = &jsonShape{path: []string{"context_servers"}}
	opencodeShape   = &jsonShape{pickPath: opencodeContainer, typ: "local", commandArray: true}
	// crushShape: Crush keeps servers under "mcp" and needs the transport spelled out
	// (charmbracelet/crush README, "MCPs": "type": "stdio", "command", "args").
	crushShape = &jsonShape{path: []string{"mcp"}, typ: "stdio"}
	// ampShape: Amp's settings hold the servers under one flat key with a dot in it
	// (ampcode.com manual, "amp.mcpServers" in ~/.config/amp/settings.json).
	ampShape = &jsonShape{path: []string{"amp.mcpServers"}}
)

func (s *jsonShape) containerPath(root any) []string {
	if s.pickPath != nil {
		m, _ := root.(map[string]any)
		return s.pickPath(m)
	}
	return s.path
}

// members are the settings of MCP Tray's entry for e, in the order they are written.
func (s *jsonShape) members(e Entry) []kv {
	var out []kv
	if s.typ != "" {
		out = append(out, kv{"type", s.typ})
	}
	if s.commandArray {
		return append(out, kv{"command", append([]string{e.Command}, e.Args...)})
	}
	return append(out, kv{"command", e.Command}, kv{"args", append([]string{}, e.Args...)})
}

// opencodeContainer picks opencode's v2 layout (mcp.servers.<name>) when the file already
// uses it, and the v1 layout (mcp.<name>) otherwise. A v1 server that happens to be called
// "servers" is told apart by its own settings.
func opencodeContainer(root map[string]any) []string {
	mcp, _ := root["mcp"].(map[string]any)
	if servers, ok := mcp["servers"].(map[string]any); ok && !looksLikeServer(servers) {
		return []string{"mcp", "servers"}
	}
	return []string{"mcp"}
}

func looksLikeServer(m map[string]any) bool {
	for _, k := range []string{"type", "command", "url"} {
		if _, ok := m[k].(string); ok {
			return true
		}
		if _, ok := m[k].([]any); ok {
			return true
		}
	}
	return false
}
