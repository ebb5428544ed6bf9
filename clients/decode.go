package clients

import "fmt"

// decodeServer reads one entry from its plain Go form (as JSON, TOML or YAML decoders give
// it), understanding every client's spelling: command as a string, as an array (opencode) or
// as an object (Zed's older form); cmd/envs (Goose); env/environment; url/serverUrl/httpUrl/
// uri; disabled/enabled; and Cline 3.x's nested form, where the program or the address sits in
// a "transport" object beside the entry's own settings (see transportFields).
func decodeServer(key string, v any) Server {
	m, _ := v.(map[string]any)
	m = transportFields(m)
	s := Server{Key: key}
	switch cmd := m["command"].(type) {
	case string:
		s.Command = cmd
	case []any:
		if list := toStrings(cmd); len(list) > 0 {
			s.Command, s.Args = list[0], list[1:]
		}
	case map[string]any:
		s.Command, _ = cmd["path"].(string)
		s.Args = toStrings(cmd["args"])
		s.Env = toEnv(cmd["env"])
	}
	if cmd, ok := m["cmd"].(string); ok && s.Command == "" {
		s.Command = cmd
	}
	if args, ok := m["args"]; ok {
		s.Args = toStrings(args)
	}
	s.Cwd = firstString(m, "cwd", "working_directory")
	for _, k := range []string{"env", "environment", "envs"} {
		if env := toEnv(m[k]); env != nil {
			s.Env = env
			break
		}
	}
	s.URL = firstString(m, "url", "serverUrl", "httpUrl", "uri")
	switch t := m["timeout"].(type) { // JSON decodes numbers as float64, YAML as int, TOML as int64
	case float64:
		s.Timeout = t
	case int:
		s.Timeout = float64(t)
	case int64:
		s.Timeout = float64(t)
	}
	for _, k := range []string{"autoApprove", "alwaysAllow"} {
		s.AutoApprove = append(s.AutoApprove, toStrings(m[k])...)
	}
	s.Description, _ = m["description"].(string)
	s.Source, _ = m["source"].(string)
	if b, ok := m["disabled"].(bool); ok && b {
		s.Disabled = true
	}
	if b, ok := m["enabled"].(bool); ok && !b {
		s.Disabled = true
	}
	return s.finish()
}

// transportFields is m with the members of its "transport" object lifted beside its own, for
// the form Cline's CLI 3.x writes with `cline mcp add` (measured with cline 3.0.65 on npm;
// the schema is @cline/core's config-loader):
//
//	"notes": {"transport": {"type": "stdio", "command": "npx", "args": ["-y", "pkg"]}, "disabled": false}
//
// with "cwd" and "env" beside the command, or "url" and "headers" for type "sse" and
// "streamableHttp". What "transport" says wins over the same member at the top level, as in
// Cline, which then reads the entry by its nested schema. A "transport" that is not an object
// (some clients write "transport": "stdio") is left alone.
func transportFields(m map[string]any) map[string]any {
	t, ok := m["transport"].(map[string]any)
	if !ok {
		return m
	}
	out := make(map[string]any, len(m)+len(t))
	for k, v := range m {
		if k != "transport" {
			out[k] = v
		}
	}
	for k, v := range t {
		if k != "type" {
			out[k] = v
		}
	}
	return out
}

func firstString(m map[string]any, keys ...string) string {
	for _, k := range keys {
		if s, ok := m[k].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

func toStrings(v any) []string {
	list, ok := v.([]any)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(list))
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		} else {
			out = append(out, fmt.Sprint(x))
		}
	}
	return out
}

func toEnv(v any) map[string]string {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, x := range m {
		if s, ok := x.(string); ok {
			out[k] = s
		} else {
			out[k] = fmt.Sprint(x)
		}
	}
	return out
}

// stripOurs removes MCP Tray's entries (and the entry skip) from the servers object at path
// in root, and that object itself when it is then empty and is a top-level key, mirroring
// what Apply does. root is changed in place and returned.
func stripOurs(root any, path []string, skip string, decode func(string, any) Server) any {
	if decode == nil {
		decode = decodeServer
	}
	parent, _ := root.(map[string]any)
	for i, name := range path {
		if parent == nil {
			return root
		}
		if i < len(path)-1 {
			parent, _ = parent[name].(map[string]any)
			continue
		}
		servers, ok := parent[name].(map[string]any)
		if !ok {
			return root
		}
		for key, v := range servers {
			if key == skip || decode(key, v).Ours {
				delete(servers, key)
			}
		}
		if len(servers) == 0 && len(path) == 1 {
			delete(parent, name)
		}
	}
	return root
}
