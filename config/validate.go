package config

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/mcptray/mcptray/remote"
)

// ValidationError names the field that is wrong and says what is wrong with it.
type ValidationError struct {
	Server string // server name, when the error is about one
	Field  string // e.g. "servers.github.command"
	Msg    string
}

func (e *ValidationError) Error() string { return e.Field + " " + e.Msg }

func (e *ValidationError) Unwrap() error { return ErrInvalid }

var (
	nameRE   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	envKeyRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// ValidName reports whether name can be a server name: letters, digits, dot, dash and
// underscore, starting with a letter or digit, at most 64 characters.
func ValidName(name string) bool { return nameRE.MatchString(name) }

// ValidEnvKey reports whether key is a usable environment variable name.
func ValidEnvKey(key string) bool { return envKeyRE.MatchString(key) }

// Validate checks the whole configuration and returns the first problem found, in a stable
// order (servers by name).
func (c *Config) Validate() error {
	for _, name := range c.ServerNames() {
		if err := validateServer(name, c.Servers[name]); err != nil {
			return err
		}
	}
	for id, b := range c.Clients {
		if b == nil {
			continue
		}
		for _, s := range b.Servers {
			if _, ok := c.Servers[s]; !ok {
				return &ValidationError{Field: "clients." + id + ".servers", Msg: fmt.Sprintf("names %q, which is not a configured server", s)}
			}
		}
	}
	if c.Settings.ApprovalTimeoutSeconds < 0 || c.Settings.ApprovalTimeoutSeconds > 3600 {
		return &ValidationError{Field: "settings.approvalTimeoutSeconds", Msg: "must be between 1 and 3600 seconds (or 0 for the default of 55)"}
	}
	if err := validateEvidence(&c.Settings); err != nil {
		return err
	}
	switch c.Settings.Theme {
	case "", "light", "dark":
	default:
		return &ValidationError{Field: "settings.theme", Msg: `must be "light", "dark" or empty for the system's theme`}
	}
	if u := c.Settings.ClientMetadataURL; u != "" && u != remote.ClientMetadataOff {
		if err := remote.CheckClientMetadataURL(u); err != nil {
			return &ValidationError{Field: "settings.clientMetadataURL", Msg: err.Error()}
		}
	}
	return nil
}

func validateServer(name string, s *Server) error {
	field := func(f string) string { return "servers." + name + f }
	bad := func(f, msg string) error { return &ValidationError{Server: name, Field: field(f), Msg: msg} }
	if !ValidName(name) {
		return bad("", "is not a usable server name: use letters, digits, '.', '-' or '_' (at most 64)")
	}
	if s == nil {
		return bad("", "is empty: it needs at least a command")
	}
	if err := validateRemote(s, bad); err != nil { // remote.go
		return err
	}
	if s.Command == "" && s.URL == "" {
		return bad(".command", "is missing: say which program runs this server, for example npx")
	}
	switch s.Mode {
	case "", ModeSession, ModeShared:
	default:
		return bad(".mode", fmt.Sprintf("is %q: it must be \"session\" or \"shared\"", s.Mode))
	}
	for k := range s.Env {
		if !ValidEnvKey(k) {
			return bad(".env", fmt.Sprintf("has %q, which is not a valid environment variable name", k))
		}
	}
	for i, k := range s.Secrets {
		if !ValidEnvKey(k) {
			return bad(".secrets", fmt.Sprintf("has %q, which is not a valid environment variable name", k))
		}
		if slices.Contains(s.Secrets[:i], k) {
			return bad(".secrets", fmt.Sprintf("lists %q twice", k))
		}
		if _, ok := s.Env[k]; ok {
			return bad(".env", fmt.Sprintf("sets %q, which is also a secret: keep it only in secrets so its value stays in the keychain", k))
		}
	}
	if f, msg := s.Sandbox.invalid(); msg != "" {
		return bad(".sandbox."+f, msg)
	}
	if f, msg := s.Frozen.invalid(); msg != "" {
		return bad(".frozen."+f, msg)
	}
	if err := validateGuardrails(s, bad); err != nil {
		return err
	}
	if s.Rollback != nil {
		if s.Rollback.Rollback != nil {
			return bad(".rollback.rollback", "must be empty: only one earlier version is kept")
		}
		if err := validateServer(name, s.Rollback); err != nil {
			return err
		}
	}
	if s.Policy != nil {
		for tool, r := range s.Policy.Tools {
			switch r {
			case RuleAllow, RuleAsk, RuleDeny:
			default:
				return bad(".policy.tools."+tool, fmt.Sprintf("is %q: it must be \"allow\", \"ask\" or \"deny\"", r))
			}
		}
	}
	return nil
}

// invalid names the field of a frozen install that is wrong and says why; "" when f is nil
// or fine.
func (f *Frozen) invalid() (field, msg string) {
	if f == nil {
		return "", ""
	}
	switch f.Registry {
	case "npm", "pypi", "oci", "mcpb":
	default:
		return "registry", fmt.Sprintf("is %q: it must be \"npm\", \"pypi\", \"oci\" or \"mcpb\"", f.Registry)
	}
	switch {
	case f.Package == "":
		return "package", "is missing: say which package was installed"
	case f.Version == "":
		return "version", "is missing: say which version was installed"
	case f.Registry != "oci" && !filepath.IsAbs(f.Dir):
		return "dir", fmt.Sprintf("is %q: it must be the absolute folder the server was installed into", f.Dir)
	case !strings.HasPrefix(f.Lock, "sha256:"):
		return "lock", "must be a sha256 checksum written as \"sha256:…\""
	case f.Registry != "oci" && !strings.HasPrefix(f.Tree, "sha256:"):
		return "tree", "must be a sha256 checksum written as \"sha256:…\""
	}
	return "", ""
}
