package config

import (
	"path/filepath"
	"slices"
	"strings"
)

// SandboxChange is a change to what a server may touch, as `mcptray server sandbox` takes it.
// Folders are as SandboxFolder returns them.
type SandboxChange struct {
	Read   []string // folders the server may read from now on
	Write  []string // folders it may read and change (a folder read before is now written)
	Forget []string // folders taken back, read or written
	// Network turns the network on or off; nil leaves it as it is.
	Network *bool
	// Off runs the server without a sandbox; the other fields are then not used.
	Off bool
}

// ChangeSandbox applies c to the server's sandbox. Any change but Off confines a server that
// was not; a server confined for the first time keeps the network unless c turns it off.
func (s *Server) ChangeSandbox(c SandboxChange) {
	if c.Off {
		s.Sandbox = &Sandbox{Off: true}
		return
	}
	if !s.Sandbox.Confined() {
		s.Sandbox = &Sandbox{Network: true}
	}
	sb := s.Sandbox
	for _, p := range c.Forget {
		sb.Read = slices.DeleteFunc(sb.Read, func(x string) bool { return x == p })
		sb.Write = slices.DeleteFunc(sb.Write, func(x string) bool { return x == p })
	}
	for _, p := range c.Write {
		sb.Read = slices.DeleteFunc(sb.Read, func(x string) bool { return x == p })
		if !slices.Contains(sb.Write, p) {
			sb.Write = append(sb.Write, p)
		}
	}
	for _, p := range c.Read {
		if !slices.Contains(sb.Read, p) && !slices.Contains(sb.Write, p) {
			sb.Read = append(sb.Read, p)
		}
	}
	if c.Network != nil {
		sb.Network = *c.Network
	}
}

// SandboxFolder is dir as config.json keeps a sandbox folder: "~" and "~/…" as written, so the
// file means the same for the person on any computer, and a full path cleaned. ok is false for
// anything else: which folder a relative path meant is for the caller to know.
func SandboxFolder(dir string) (folder string, ok bool) {
	if dir == "~" || strings.HasPrefix(dir, "~/") {
		return filepath.ToSlash(filepath.Clean(dir)), true
	}
	if !filepath.IsAbs(dir) {
		return "", false
	}
	return filepath.Clean(dir), true
}
