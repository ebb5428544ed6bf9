package clients

import (
	"fmt"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Entry is one MCP Tray server as a client should see it: the client starts Command with Args,
// which is `mcptray connect NAME`, and MCP Tray runs the real server. An Entry never carries an
// environment, so no secret can reach a client file through it.
type Entry struct {
	Name    string   // the server's name in MCP Tray; also the key the client shows
	Command string   // absolute path of the mcptray binary
	Args    []string // ["connect", Name], then ["--home", PATH] when the entry names its home
}

// NewEntry returns the entry that makes a client start `binary connect name`.
func NewEntry(binary, name string) Entry {
	return Entry{Name: name, Command: binary, Args: []string{"connect", name}}
}

// WithHome returns e starting `connect NAME --home home`, so the bridge reaches the MCP Tray
// of that home whatever environment the client gives it; an empty home returns e unchanged.
func (e Entry) WithHome(home string) Entry {
	if home == "" {
		return e
	}
	e.Args = append(append([]string{}, e.Args[:2]...), "--home", home)
	return e
}

// Server is one entry found in a client file, MCP Tray's own or the person's.
type Server struct {
	Key     string            // the name under which the file holds the entry
	Command string            // the program, for stdio entries
	Args    []string          // its arguments
	Cwd     string            // working directory, when the file sets one
	Env     map[string]string // environment, when the file sets one (may hold secrets: never log it)
	URL     string            // the address, for remote (HTTP/SSE) entries
	Remote  bool              // a remote entry: URL is set and Command is empty
	// Disabled reports that the file switches the entry off (disabled: true, enabled: false).
	Disabled bool
	// Skipped, when not empty, says why the client does not load the entry although the file
	// holds it, as one sentence: Gemini CLI and Qwen Code load only the servers that
	// mcp.allowed names, when the file has that list, and never those mcp.excluded names.
	Skipped string
	// Timeout is the entry's "timeout" as the file writes it: seconds for Cline and Goose,
	// milliseconds for Gemini CLI and Qwen Code; 0 when the entry sets none.
	Timeout float64
	// AutoApprove lists the tools the client calls without asking the person (Cline's
	// autoApprove, Roo Code's and Kilo Code's alwaysAllow).
	AutoApprove []string
	// Description is the entry's description, when it has one (Goose).
	Description string
	// Source is Zed's "source": "custom" for a server the person set up, "extension" for the
	// settings of a server that a Zed extension brings and starts itself.
	Source string
	// Ours reports that MCP Tray wrote the entry: Command is an mcptray binary and Args[0] is
	// "connect".
	Ours bool
	// ServerName is the MCP Tray server an entry of ours connects to (Args[1]); for a foreign
	// entry it is the Key.
	ServerName string
}

// Config is everything a client file holds in the way of MCP servers, in file order.
type Config struct {
	Path    string
	Exists  bool // false when the file does not exist yet (then Servers is empty)
	Servers []Server
}

// IsOurs reports whether command and args are an entry MCP Tray wrote: the command is an
// mcptray binary (base name `mcptray` or `mcptray.exe`, in any folder, with either kind of
// slash) and the first argument is "connect".
func IsOurs(command string, args []string) bool {
	if len(args) == 0 || args[0] != "connect" {
		return false
	}
	base := command[strings.LastIndexAny(command, `/\`)+1:]
	return base == "mcptray" || strings.EqualFold(base, "mcptray.exe")
}

// serverName is the MCP Tray server an entry of ours is for.
func serverName(key string, args []string) string {
	if len(args) >= 2 && args[1] != "" {
		return args[1]
	}
	return key
}

// finish fills the derived fields of a decoded server.
func (s Server) finish() Server {
	s.Remote = s.Command == "" && s.URL != ""
	s.Ours = IsOurs(s.Command, s.Args)
	s.ServerName = s.Key
	if s.Ours {
		s.ServerName = serverName(s.Key, s.Args)
	}
	return s
}

// validateEntries refuses entries that a later run could not recognise as ours, which would
// make MCP Tray add them again and again.
func validateEntries(want []Entry) error {
	seen := map[string]bool{}
	for _, e := range want {
		switch {
		case e.Name == "":
			return fmt.Errorf("an entry has no name")
		case !validText(e.Name) || !validText(e.Command) || !validText(e.Args...):
			return fmt.Errorf("the entry for %q holds text that is not valid UTF-8 or has control characters", e.Name)
		case seen[e.Name]:
			return fmt.Errorf("the server %q is listed twice", e.Name)
		case !IsOurs(e.Command, e.Args):
			return fmt.Errorf("the entry for %q does not start `mcptray connect` (command %q, args %q)", e.Name, e.Command, e.Args)
		case !filepath.IsAbs(e.Command) && !isWindowsAbs(e.Command):
			return fmt.Errorf("the entry for %q names the mcptray binary by a relative path %q; clients need an absolute path", e.Name, e.Command)
		case serverName(e.Name, e.Args) != e.Name:
			return fmt.Errorf("the entry for %q connects to a different server (%q)", e.Name, e.Args[1])
		case len(e.Args) != 2 && (len(e.Args) != 4 || e.Args[2] != "--home" || !filepath.IsAbs(e.Args[3]) && !isWindowsAbs(e.Args[3])):
			return fmt.Errorf("the entry for %q has arguments MCP Tray does not write (%q)", e.Name, e.Args)
		}
		seen[e.Name] = true
	}
	return nil
}

// validText reports whether every s is valid UTF-8 without control characters, which no
// client file format carries reliably.
func validText(s ...string) bool {
	for _, x := range s {
		if !utf8.ValidString(x) || strings.IndexFunc(x, unicode.IsControl) >= 0 {
			return false
		}
	}
	return true
}

// isWindowsAbs reports a Windows absolute path (C:\ or \\server\share) on any OS, so a
// Windows Env can be exercised on Linux.
func isWindowsAbs(p string) bool {
	if len(p) >= 3 && p[1] == ':' && (p[2] == '\\' || p[2] == '/') {
		return true
	}
	return strings.HasPrefix(p, `\\`)
}

// sameArgs reports whether two argument lists are equal.
func sameArgs(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
