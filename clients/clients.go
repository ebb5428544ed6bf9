// Package clients writes MCP Tray's entries into the MCP configuration files of AI clients
// (Claude Desktop, Cursor, VS Code and twenty-six more) and reads what those files hold.
//
// The one rule: only MCP Tray's own entries are ever added, changed or removed. An entry is
// MCP Tray's when its command is an mcptray binary and its first argument is "connect" (see
// IsOurs); it belongs to the server named by its second argument, so an entry written as
// NAME-mcptray because the person already had a NAME is recognised on later runs. Everything
// else in a file — other keys, the person's own servers, comments, trailing commas, key
// order, indentation, CRLF line ends, a byte order mark — survives byte for byte. A file that
// does not parse is never written, and never replaced by an empty one.
//
// How each format is edited:
//   - JSON and JSONC through hujson's syntax tree; new entries copy the file's indentation,
//     line ends and trailing-comma habit. hujson's Format is never run on a person's file.
//     Strict-JSON clients refuse files with comments instead of writing what they cannot read.
//   - TOML (Codex) and YAML (Goose, Continue) as text: MCP Tray's tables or blocks are
//     appended, rewritten or cut out line by line, with go-toml and yaml.v3 used only to
//     validate and to locate entries, never to re-encode.
//   - After every edit the new content is parsed again and must mean the same as the old one
//     once MCP Tray's entries are set aside; if not, nothing is written (a safety net under
//     the editors, which fuzz tests exercise).
//
// Choices worth knowing: a servers object that MCP Tray added with its first entry goes again
// with its last one, and one that was there empty is written back as it was, as long as a
// note in the backup folder says so (holdernote.go); an emptied servers object MCP Tray has no
// note of is kept ("mcpServers": {} means the same to every client as none, and it may be
// the person's); Zed entries are written in its
// current flat form (command, args, no "source"); Goose entries carry name, type: stdio,
// cmd, args and enabled: true; opencode gets the v2 layout (mcp.servers) only when the file
// already uses it. Every write is atomic (internal/atomicfile), is preceded by a backup of the
// previous content (see BackupDir), and is refused when the file changed between reading and
// writing (ErrChangedMeanwhile).
package clients

// Client is one AI client: where its MCP configuration lives and how it is written. The set of
// clients is fixed (see All); the interface is sealed so every Client is one of this package's.
// All methods are safe for concurrent use.
type Client interface {
	// ID is the stable identifier used on the command line and in MCP Tray's config, such as
	// "claude-desktop" or "vscode-insiders".
	ID() string
	// Name is the client's name as a person knows it, such as "Claude Desktop".
	Name() string
	// Paths lists the user-level configuration files of this client for env, whether or not
	// they exist. It looks at the file system only to expand patterns (VS Code profiles, the
	// Windows MSIX package folder of Claude Desktop).
	Paths(env Env) []string
	// Format names the file format: "JSON" (strict), "JSONC", "TOML" or "YAML".
	Format() string
	// NeedsRestart reports whether the client sees a change only after a restart.
	NeedsRestart() bool
	// RestartHint is one sentence telling the person how to make the client see a change.
	RestartHint() string
	// ReducesEnvironment reports whether the client starts servers with only a few of its own
	// environment variables (Codex keeps HOME and PATH but drops MCPTRAY_HOME and
	// XDG_CONFIG_HOME), so its entries must name MCP Tray's home when it is not the default.
	ReducesEnvironment() bool

	spec() *clientSpec
}

// clientSpec is the data that makes one client; see registry.go.
type clientSpec struct {
	id, name     string
	restartHint  string
	needsRestart bool
	reducedEnv   bool
	// private: the client loosens its own file's permissions when it rewrites it (Qwen Code:
	// 0644, with a .orig copy), so MCP Tray keeps the file, and that copy, owner-only.
	private bool
	paths   func(Env) []string
	// markers are files or folders whose existence shows the client is installed; nil means
	// the folders holding Paths.
	markers func(Env) []string
	format  format
}

func (c *clientSpec) ID() string               { return c.id }
func (c *clientSpec) Name() string             { return c.name }
func (c *clientSpec) Format() string           { return c.format.kind() }
func (c *clientSpec) NeedsRestart() bool       { return c.needsRestart }
func (c *clientSpec) RestartHint() string      { return c.restartHint }
func (c *clientSpec) ReducesEnvironment() bool { return c.reducedEnv }
func (c *clientSpec) spec() *clientSpec        { return c }
func (c *clientSpec) Paths(env Env) []string   { return nonEmpty(c.paths(env)) }

// All returns every supported client, in the order a person would look for them (the three
// most used first). The slice is new on each call; the clients are shared and immutable.
func All() []Client {
	out := make([]Client, len(registry))
	for i, c := range registry {
		out[i] = c
	}
	return out
}

// ByID returns the client with the given ID, or false.
func ByID(id string) (Client, bool) {
	for _, c := range registry {
		if c.id == id {
			return c, true
		}
	}
	return nil, false
}

// nonEmpty drops empty paths, which stand for "cannot be computed from this Env".
func nonEmpty(paths []string) []string {
	out := paths[:0:0]
	for _, p := range paths {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}
