package clients

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// MCP Router (github.com/mcp-router/mcp-router, Electron; desktop support ended with v0.6.4
// in September 2026) keeps its servers in SQLite databases in its data folder: mcprouter.db
// (its workspaces, and the servers of the default one: WorkspaceService creates the file,
// then finds it and takes it as that workspace's database) and workspaces/ID/database.db,
// in Electron's userData folder
// (macOS ~/Library/Application Support/MCP Router, Windows %APPDATA%\MCP Router, Linux
// ~/.config/MCP Router). Its one export is the Export button of the server list
// (exportServersToFile in apps/electron/src/renderer/components/useServerFiltering.ts,
// commit 75308853da63195c87716ba5807422e5bb64ad75; added by pull request #58, September
// 2025, and kept in v0.6.4): it saves mcp-servers-YYYY-MM-DD.json (the date in UTC) as a
// download, normally to the Downloads folder, holding
//
//	{"mcpServers": {NAME: {"command": …, "args": […], "env": {…}}}}
//
// for every server of the current workspace, keyed by its name (two servers of one name
// leave one). A remote server is written with an empty command, and nothing else is written:
// no address, bearer token, tool switches, on/off state, description or project.

// MCPRouterServer is one of MCP Router's servers, read into a Server: Key is its name,
// Remote is set for one MCP Router reaches by address.
type MCPRouterServer struct {
	Server
	// ToolPermissions are MCP Router's per-tool switches (toolPermissions): false means the
	// person switched the tool off. The export leaves them out; its database's rows and a
	// list of its servers have them.
	ToolPermissions map[string]bool
	// AddressLeftOut is set for a remote server of MCP Router's export, which holds neither
	// its address nor its token.
	AddressLeftOut bool
	// Args hold what MCP Router runs: it replaces {NAME} and ${NAME} in every argument with
	// the setting NAME of env when it starts the server. Filled names the settings filled in
	// so that look like credentials, with the indexes of the arguments they went into, whose
	// values the importer must take out of Args again.
	Filled map[string][]int
}

// ErrMCPRouterDatabase is returned by ReadMCPRouter for MCP Router's own database or data
// folder, which MCP Tray does not open (its rows, printed by sqlite3 -json, it reads).
var ErrMCPRouterDatabase = errors.New("MCP Router keeps its servers in its own database, which MCP Tray cannot open; save them with the Export button above MCP Router's server list, which writes mcp-servers-DATE.json to your Downloads folder")

// ErrNoMCPRouterExport is returned by FindMCPRouterExport when the Downloads folder holds no
// export of MCP Router's.
var ErrNoMCPRouterExport = errors.New("there is no export of MCP Router's servers (mcp-servers-DATE.json) in your Downloads folder")

// mcpRouterExportRE is the name MCP Router gives its export.
var mcpRouterExportRE = regexp.MustCompile(`^mcp-servers-\d{4}-\d{2}-\d{2}\.json$`)

// MCPRouterDataDir is MCP Router's data folder (Electron's userData), which holds its
// databases.
func MCPRouterDataDir(env Env) string {
	switch env.GOOS {
	case "darwin":
		return join(env.Home, "Library", "Application Support", "MCP Router")
	case "windows":
		if env.AppData != "" {
			return join(env.AppData, "MCP Router")
		}
		return join(env.Home, "AppData", "Roaming", "MCP Router")
	}
	if env.XDGConfigHome != "" {
		return join(env.XDGConfigHome, "MCP Router")
	}
	return join(env.Home, ".config", "MCP Router")
}

// FindMCPRouterExport returns the newest export of MCP Router's servers in the person's
// Downloads folder (~/Downloads, %USERPROFILE%\Downloads): the file named
// mcp-servers-YYYY-MM-DD.json with the latest date, the latest changed of equal dates. It
// returns ErrNoMCPRouterExport when there is none. It only reads the folder.
func FindMCPRouterExport(env Env) (string, error) {
	dir := join(env.Home, "Downloads")
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("looking for MCP Router's export in %s: %w", dir, err)
	}
	best, bestName := "", ""
	var bestTime int64
	for _, e := range entries {
		if !e.Type().IsRegular() || !mcpRouterExportRE.MatchString(e.Name()) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		t := info.ModTime().UnixNano()
		if e.Name() > bestName || e.Name() == bestName && t > bestTime {
			best, bestName, bestTime = filepath.Join(dir, e.Name()), e.Name(), t
		}
	}
	if best == "" {
		return "", ErrNoMCPRouterExport
	}
	return best, nil
}

// routerServer is a server as MCP Router writes it: its export's entries (command, args,
// env), its MCPServerConfig (packages/shared mcp-types.ts) in a list of its servers, or a
// row of the servers table of its database (mcp-server-manager.repository.ts: snake_case
// columns, args, env and tool_permissions as JSON text, disabled as 0 or 1), as
// `sqlite3 -json DATABASE "SELECT * FROM servers"` prints it.
type routerServer struct {
	Name               string                      `json:"name"`
	ServerType         string                      `json:"serverType"`
	ServerTypeColumn   string                      `json:"server_type"`
	Type               string                      `json:"type"`
	Command            string                      `json:"command"`
	Args               jsonText[[]string]          `json:"args"`
	Env                jsonText[map[string]string] `json:"env"`
	Cwd                string                      `json:"cwd"`
	RemoteURL          string                      `json:"remoteUrl"`
	RemoteURLColumn    string                      `json:"remote_url"`
	URL                string                      `json:"url"`
	Disabled           switchedOff                 `json:"disabled"`
	Description        string                      `json:"description"`
	ToolPermissions    jsonText[map[string]bool]   `json:"toolPermissions"`
	ToolPermissionsCol jsonText[map[string]bool]   `json:"tool_permissions"`
}

// jsonText is a value written as itself or, as MCP Router's database keeps it, as JSON text
// in a string; null and "" are the zero value.
type jsonText[T any] struct{ V T }

func (j *jsonText[T]) UnmarshalJSON(b []byte) error {
	if bytes.HasPrefix(b, []byte(`"`)) {
		var text string
		if err := json.Unmarshal(b, &text); err != nil {
			return err
		}
		if text == "" {
			return nil
		}
		b = []byte(text)
	}
	return json.Unmarshal(b, &j.V)
}

// switchedOff is MCP Router's disabled: true or false, or 1 or 0 in its database.
type switchedOff bool

func (d *switchedOff) UnmarshalJSON(b []byte) error {
	switch string(bytes.TrimSpace(b)) {
	case "true", "1":
		*d = true
	case "false", "0", "null":
		*d = false
	default:
		return fmt.Errorf("disabled is %s, not true or false", b)
	}
	return nil
}

// ReadMCPRouter reads MCP Router's servers from path: the export MCP Router's Export button
// writes ({"mcpServers": {NAME: {"command", "args", "env"}}}, the form AI apps read too), or
// a list of MCP Router's servers as it keeps them ([{"name", "serverType": "local"|"remote"|
// "remote-streamable", "command", "args", "env", "remoteUrl", "disabled", "description",
// "toolPermissions": {TOOL: bool}}, …]), bare or under "servers", or as the rows of its
// database's servers table (routerServer). Servers come in the file's
// order. A name listed twice in "mcpServers" is refused: which one MCP Router meant cannot
// be told. Given MCP Router's database or data folder it returns ErrMCPRouterDatabase. It
// only reads.
func ReadMCPRouter(path string) ([]MCPRouterServer, error) {
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		if _, err := os.Stat(filepath.Join(path, "mcprouter.db")); err == nil {
			return nil, ErrMCPRouterDatabase
		}
		return nil, fmt.Errorf("%s is a folder; give the file MCP Router's Export button saved (mcp-servers-DATE.json)", path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading MCP Router's servers %s: %w", path, err)
	}
	if bytes.HasPrefix(b, []byte("SQLite format 3\x00")) {
		return nil, ErrMCPRouterDatabase
	}
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")))
	var list []routerServer
	exported := false
	if bytes.HasPrefix(trimmed, []byte("[")) {
		err = json.Unmarshal(trimmed, &list)
	} else {
		var f struct {
			Servers    []routerServer  `json:"servers"`
			MCPServers json.RawMessage `json:"mcpServers"`
		}
		if err = json.Unmarshal(trimmed, &f); err == nil {
			if f.Servers == nil && f.MCPServers == nil {
				return nil, fmt.Errorf("%s holds no MCP Router servers: it has neither \"mcpServers\" nor a list of servers", path)
			}
			list = f.Servers
			if f.MCPServers != nil {
				exported = true
				var named []routerServer
				if named, err = decodeNamedServers(f.MCPServers); err != nil {
					return nil, fmt.Errorf("reading MCP Router's servers %s: %w", path, err)
				}
				list = append(list, named...)
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("reading MCP Router's servers %s: %w", path, jsonSyntaxError(err))
	}
	out := make([]MCPRouterServer, 0, len(list))
	for _, s := range list {
		url := cmp.Or(s.RemoteURL, s.RemoteURLColumn, s.URL)
		serverType := cmp.Or(s.ServerType, s.ServerTypeColumn)
		args, filled := markFilled(s.Args.V, s.Env.V)
		srv := Server{Key: s.Name, Command: s.Command, Args: args, Cwd: s.Cwd, Env: s.Env.V, URL: url, Disabled: bool(s.Disabled), Description: s.Description}.finish()
		srv.Remote = srv.Remote || strings.HasPrefix(serverType, "remote") || s.Type == "sse" || s.Type == "http" || s.Type == "streamable-http"
		perms := s.ToolPermissions.V
		if perms == nil {
			perms = s.ToolPermissionsCol.V
		}
		out = append(out, MCPRouterServer{
			Server:          srv,
			ToolPermissions: perms,
			AddressLeftOut:  exported && s.Command == "" && url == "",
			Filled:          filled,
		})
	}
	return out, nil
}

// decodeNamedServers reads the "mcpServers" object in its order, refusing a name given
// twice (a JSON decoder would keep the last without a word).
func decodeNamedServers(raw json.RawMessage) ([]routerServer, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, errors.New(`"mcpServers" is not an object of servers by name`)
	}
	var out []routerServer
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		name, _ := t.(string)
		if seen[name] {
			return nil, fmt.Errorf("it lists the server %q twice; remove one and try again", name)
		}
		seen[name] = true
		var s routerServer
		if err := dec.Decode(&s); err != nil {
			return nil, fmt.Errorf("the server %q: %w", name, err)
		}
		s.Name = name
		out = append(out, s)
	}
	if _, err := dec.Token(); err != nil && err != io.EOF {
		return nil, err
	}
	return out, nil
}

// markFilled returns args as MCP Router runs them: each {NAME} and ${NAME} of a setting in
// env replaced by its value (substituteArgsParameters in mcp-client-util.ts), and, for each
// setting filled in that looks like a credential (LooksLikeCredential), the indexes of the
// arguments it went into, so that the importer can make sure its value leaves them. args is
// not changed.
func markFilled(args []string, env map[string]string) ([]string, map[string][]int) {
	var filled map[string][]int
	out := slices.Clone(args)
	keys := slices.Sorted(maps.Keys(env))
	for i, a := range out {
		for _, k := range keys {
			if k == "" || !strings.Contains(a, "{"+k+"}") {
				continue
			}
			a = strings.ReplaceAll(strings.ReplaceAll(a, "${"+k+"}", env[k]), "{"+k+"}", env[k])
			if env[k] != "" && LooksLikeCredential(k, env[k]) {
				if filled == nil {
					filled = map[string][]int{}
				}
				filled[k] = append(filled[k], i)
			}
		}
		out[i] = a
	}
	return out, filled
}
