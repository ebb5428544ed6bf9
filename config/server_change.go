package config

import (
	"errors"
	"fmt"
	"slices"
)

// The changes to one server that the command line (MCP Tray not running) and the daemon's
// control methods (the window, and the command line while MCP Tray runs) both make. Each is
// written once here; the faces only turn its errors into their own sentences.

// ErrNoServer is wrapped by the error of a change to a server config.json does not have.
var ErrNoServer = errors.New("no such server")

// ErrServerExists is wrapped by AddServer's error for a name config.json already has.
var ErrServerExists = errors.New("server exists")

// ErrBadRule is wrapped by SetRule's error for a rule other than allow, ask or deny, or no tool.
var ErrBadRule = errors.New("not a rule")

// ErrBadMode is wrapped by SetMode's error for a mode other than session or shared.
var ErrBadMode = errors.New("not a mode")

// sentenceError is an error whose text is the sentence to show, and that matches a sentinel.
type sentenceError struct {
	msg  string
	kind error
}

func (e *sentenceError) Error() string        { return e.msg }
func (e *sentenceError) Is(target error) bool { return target == e.kind }

func noServer(name string) error {
	return &sentenceError{fmt.Sprintf("there is no server named %q", name), ErrNoServer}
}

// Valid reports whether r is one of the rules a person can give a tool: allow, ask or deny.
func (r Rule) Valid() bool {
	return r == RuleAllow || r == RuleAsk || r == RuleDeny
}

// Valid reports whether m names a way to run a server: session or shared ("" is the default,
// but not a choice a person makes).
func (m Mode) Valid() bool { return m == ModeSession || m == ModeShared }

// Server returns the entry of the server named name as config.json says now (not the version
// MCP Tray last applied, so a server just added can be given its secrets at once). The error
// wraps ErrNoServer when there is none.
func (h Home) Server(name string) (*Server, error) {
	cfg, err := h.Load()
	if err != nil {
		return nil, err
	}
	s, ok := cfg.Servers[name]
	if !ok {
		return nil, noServer(name)
	}
	return s, nil
}

// UpdateServer changes the server named name in config.json as Update does (one lock, one
// validation, one atomic write). Nothing is written when change fails; the error wraps
// ErrNoServer when there is no such server. It blocks while another writer holds the lock.
func (h Home) UpdateServer(name string, change func(*Server) error) error {
	return h.Update(func(c *Config) error {
		s, ok := c.Servers[name]
		if !ok {
			return noServer(name)
		}
		return change(s)
	})
}

// AddServer puts s in config.json under name, as Update does. The error wraps ErrServerExists
// when a server of that name is there already (nothing is written then), or is Validate's.
func (h Home) AddServer(name string, s *Server) error {
	return h.Update(func(c *Config) error {
		if _, taken := c.Servers[name]; taken {
			return &sentenceError{fmt.Sprintf("there is already a server named %q", name), ErrServerExists}
		}
		if c.Servers == nil {
			c.Servers = map[string]*Server{}
		}
		c.Servers[name] = s
		return nil
	})
}

// RemoveServer removes the server named name from config.json and from every AI client's
// list, and returns the entry it had. The error wraps ErrNoServer when there is none.
func (h Home) RemoveServer(name string) (Server, error) {
	var removed Server
	err := h.Update(func(c *Config) error {
		s, ok := c.Servers[name]
		if !ok {
			return noServer(name)
		}
		removed = *s
		delete(c.Servers, name)
		for _, b := range c.Clients {
			if b != nil {
				b.Servers = slices.DeleteFunc(b.Servers, func(s string) bool { return s == name })
			}
		}
		return nil
	})
	return removed, err
}

// SetRule gives tool the person's rule r. The error wraps ErrBadRule when r is not allow, ask
// or deny, or tool is empty; s is then unchanged.
func (s *Server) SetRule(tool string, r Rule) error {
	if !r.Valid() {
		return &sentenceError{fmt.Sprintf("%q is not a rule: choose allow, ask or deny", r), ErrBadRule}
	}
	if tool == "" {
		return &sentenceError{"choose the tool whose rule should change", ErrBadRule}
	}
	s.EnsurePolicy().Tools[tool] = r
	return nil
}

// SetTrust turns trust in every tool of the server on or off.
func (s *Server) SetTrust(on bool) { s.EnsurePolicy().Trust = on }

// SetMode chooses how the server's processes are shared. The error wraps ErrBadMode when m is
// not session or shared; s is then unchanged.
func (s *Server) SetMode(m Mode) error {
	if !m.Valid() {
		return &sentenceError{fmt.Sprintf("%q is not a way to run a server: choose session or shared", m), ErrBadMode}
	}
	s.Mode = m
	return nil
}

// DeclareSecret lists key among the server's secrets (once), and drops a value for it once
// kept in env: its value lives in the keychain only.
func (s *Server) DeclareSecret(key string) {
	if !slices.Contains(s.Secrets, key) {
		s.Secrets = append(s.Secrets, key)
	}
	delete(s.Env, key)
}

// ServerSummary is what a list of servers shows of one (`mcptray server list --json`, where
// its fields are documented in docs/cli-json.md): lists are empty, never null, and Mode has
// the default filled in.
type ServerSummary struct {
	Name     string   `json:"name"`
	Command  string   `json:"command"`
	Args     []string `json:"args"`
	Mode     Mode     `json:"mode"`
	Disabled bool     `json:"disabled"`
	Secrets  []string `json:"secrets"`
	// URL is a remote server's address (Command is then empty).
	URL string `json:"url,omitempty"`
}

// Summary is the ServerSummary of the server s named name.
func Summary(name string, s *Server) ServerSummary {
	nonNil := func(l []string) []string {
		if l == nil {
			return []string{}
		}
		return l
	}
	return ServerSummary{Name: name, Command: s.Command, Args: nonNil(s.Args), Mode: s.EffectiveMode(),
		Disabled: s.Disabled, Secrets: nonNil(s.Secrets), URL: s.URL}
}
