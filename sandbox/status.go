package sandbox

import "errors"

// Status is what this machine can enforce, from Check.
type Status struct {
	// Landlock is the Linux kernel's Landlock ABI version; 0 means none (and elsewhere
	// than Linux, always 0).
	Landlock int
	// Namespaces reports whether unprivileged user namespaces work (Linux): they hide MCP
	// Tray's home and socket — Landlock before ABI 9 cannot stop a connect() to a socket
	// file — and take the network away entirely (UDP too) from a server without network.
	Namespaces bool
	// Profiles reports whether sandbox-exec is present (macOS).
	Profiles bool
	// LowIntegrity reports whether servers can run with a low-integrity token (Windows).
	LowIntegrity bool
}

// Supported reports whether servers can be confined here at all.
func (s Status) Supported() bool { return supported(s) }

// Gaps says in plain sentences what this machine cannot confine, or "" when nothing.
func (s Status) Gaps() string { return gaps(s) }

// ErrUnsupported is returned by Wrap where the operating system cannot confine a server.
var ErrUnsupported = errors.New("servers cannot be confined on this computer")
