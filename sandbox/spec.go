package sandbox

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Spec is what a server may touch, as the person declared it: the data kept per server in
// config.json. Paths are absolute, or start with "~/" for the person's home folder. The zero
// value confines a server to nothing beyond what it needs to run, without network.
type Spec struct {
	// Read lists folders (or files) the server may read.
	Read []string `json:"read,omitempty"`
	// Write lists folders (or files) the server may read and change.
	Write []string `json:"write,omitempty"`
	// Network lets the server open network connections.
	Network bool `json:"network"`
}

// Context is what Spec.Rules needs to know about the machine and the server beyond its Spec.
// Empty fields are left out of the rules.
type Context struct {
	Home    string // the person's home folder; "" means os.UserHomeDir
	AppHome string // MCP Tray's home: never reachable
	Socket  string // MCP Tray's control socket: never reachable
	State   string // the server's own state folder: read and change
	Temp    string // the server's own temp folder: read and change (TMPDIR points here)
	Command string // the server's resolved program: read and run
	Path    string // the PATH the server runs with, where its runtime is looked up
	// Provided lists files MCP Tray prepared for this server (its one-context kubeconfig):
	// readable even inside MCP Tray's home.
	Provided []string
}

// Rules is a Spec made complete for enforcement: every path absolute and cleaned, the
// implicit grants added. Read paths may be read and run, Write paths also changed, created
// and removed. Hide lists folders (and files) that must not exist for the server at all,
// whatever was granted around them: MCP Tray's home, the folder of its socket, and the keys
// and passwords inside a granted folder (keyPlaces).
type Rules struct {
	Read    []string `json:"read"`
	Write   []string `json:"write"`
	Hide    []string `json:"hide,omitempty"`
	Network bool     `json:"network"`
	// Env is set in the server's environment (TMPDIR and friends).
	Env []string `json:"env,omitempty"`
	// Make lists the server's own folders, created before it starts.
	Make []string `json:"make,omitempty"`
}

// Rules completes s for the server described by c: system and runtime folders readable, the
// package caches, state and temp folders writable, MCP Tray's home and socket folder hidden,
// and so are the keys, passwords and browser data inside a granted folder (keysToHide).
// Any path inside MCP Tray's home is dropped, except the server's own state and temp
// folders: a Spec cannot grant the server MCP Tray's own files.
func (s Spec) Rules(c Context) Rules {
	home := c.Home
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	var r Rules
	r.Network = s.Network
	own := func(p string) bool {
		return (c.State != "" && within(p, c.State)) || (c.Temp != "" && within(p, c.Temp)) || slices.Contains(c.Provided, p)
	}
	forbidden := func(p string) bool { return c.AppHome != "" && within(p, c.AppHome) && !own(p) }
	add := func(list *[]string, paths ...string) {
		for _, p := range paths {
			p = expand(p, home)
			if p == "" || !filepath.IsAbs(p) || forbidden(p) || slices.Contains(*list, p) {
				continue
			}
			*list = append(*list, p)
		}
	}
	add(&r.Read, systemReadPaths()...)
	add(&r.Write, systemWritePaths()...)
	add(&r.Read, runtimePaths(c.Command, c.Path, home)...)
	caches, cacheEnv := cachePaths(home, c.State)
	add(&r.Write, caches...)
	r.Env = append(r.Env, cacheEnv...)
	add(&r.Read, s.Read...)
	add(&r.Write, s.Write...)
	add(&r.Write, c.State, c.Temp)
	for _, p := range append([]string{c.State, c.Temp}, caches...) {
		if p != "" && own(p) {
			r.Make = append(r.Make, p)
		}
	}
	if c.Command != "" {
		add(&r.Read, c.Command)
	}
	add(&r.Read, c.Provided...)
	if c.Temp != "" {
		r.Env = append(r.Env, "TMPDIR="+c.Temp, "TMP="+c.Temp, "TEMP="+c.Temp)
	}
	if !s.Network {
		// Package runners must not wait a minute for a network that is not there: they use
		// what is cached (see the supervisor's fetch before a first start) or fail at once.
		r.Env = append(r.Env, "npm_config_offline=true", "UV_OFFLINE=1")
	}
	if c.AppHome != "" {
		r.Hide = append(r.Hide, filepath.Clean(c.AppHome))
	}
	r.Hide = append(r.Hide, keysToHide(home, slices.Concat(r.Read, r.Write))...)
	if c.Socket != "" {
		if d := filepath.Dir(filepath.Clean(c.Socket)); !slices.Contains(r.Hide, d) {
			r.Hide = append(r.Hide, d)
		}
	}
	return r
}

// Writable reports whether the rules let the server change p, or make it: p is a write path
// or lies inside one.
func (r Rules) Writable(p string) bool {
	return slices.ContainsFunc(r.Write, func(w string) bool { return within(p, w) })
}

// serverFolder returns the outermost folder in writable that holds path (path itself left
// out), or "": the part of path beneath it is the server's to change, links included.
func serverFolder(path string, writable []string) string {
	base := ""
	for _, w := range writable {
		if w != path && within(path, w) && (base == "" || within(base, w)) {
			base = w
		}
	}
	return base
}

// expand makes p absolute and clean: "~" and "~/x" are taken from home.
func expand(p, home string) string {
	p = strings.TrimSpace(p)
	switch {
	case p == "":
		return ""
	case p == "~":
		p = home
	case strings.HasPrefix(p, "~/") || strings.HasPrefix(p, `~\`):
		if home == "" {
			return ""
		}
		p = filepath.Join(home, p[2:])
	}
	return filepath.Clean(p)
}

// within reports whether p is dir or inside it.
func within(p, dir string) bool {
	p, dir = filepath.Clean(p), filepath.Clean(dir)
	if p == dir {
		return true
	}
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}
