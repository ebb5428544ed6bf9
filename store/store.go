// Package store installs servers into MCP Tray's own folder, <home>/servers/NAME/VERSION/,
// the way a package manager installs software: the exact version with every dependency
// locked, checked against the registry at install, and started with its runtime and entry
// point directly, so nothing is resolved or downloaded when the server starts.
//
// Build makes a version's folder (a temporary folder renamed into place, never touching a
// version already there); Verify checks before each start that the folder still holds
// exactly what was built; Remove deletes a version.
package store

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/mcptray/mcptray/config"
)

// Package is what to install.
type Package struct {
	// Registry is "npm", "pypi", "oci" or "mcpb" (a Claude extension bundle).
	Registry string
	// Name is the package (or image) name, e.g. "@modelcontextprotocol/server-everything".
	Name string
	// Version is the exact version (for OCI, the tag).
	Version string
	// Scripts lets the package's install scripts run; off unless the entry says it needs them.
	Scripts bool
	// RegistryURL is the npm registry or Python index; "" means the runtime's default.
	RegistryURL string
	// Bin is the program to run when the package has several ("" means the only one, or
	// the one named like the package); for PyPI, the script's name.
	Bin string
	// Args are, for OCI, docker's own arguments before the image ("run", "-i", "--rm",
	// "-e", "NAME", …): the image is run with them, by digest.
	Args []string
}

// Store builds and removes installed servers under Root.
type Store struct {
	// Root is <home>/servers.
	Root string
	// Env is the environment the package managers run with; nil means os.Environ().
	Env []string
	// HTTP fetches registry metadata (signing keys, attestations); nil means a client
	// with a 30-second timeout.
	HTTP *http.Client
}

// ErrExists is returned by Build when the version is already installed for that server.
var ErrExists = errors.New("that version is already installed")

// Build installs p for server into <Root>/<server>/<version>/ and returns what to record in
// config.json and the command and arguments that start it. It builds in a temporary folder
// beside the version's and renames it into place, so a failed or cancelled build leaves
// nothing behind, and it never touches a version already installed (ErrExists). progress,
// when not nil, receives one plain sentence per step.
func (s *Store) Build(ctx context.Context, server string, p Package, progress func(msg string)) (config.Frozen, []string, error) {
	if progress == nil {
		progress = func(string) {}
	}
	if !config.ValidName(server) {
		return config.Frozen{}, nil, fmt.Errorf("%q is not a usable server name", server)
	}
	if !safeVersion(p.Version) {
		return config.Frozen{}, nil, fmt.Errorf("%q is not an exact version MCP Tray can install", p.Version)
	}
	switch p.Registry {
	case "npm":
		return s.buildNpm(ctx, server, p, progress)
	case "pypi":
		return s.buildPypi(ctx, server, p, progress)
	case "oci":
		return s.buildOCI(ctx, server, p, progress)
	}
	return config.Frozen{}, nil, fmt.Errorf("MCP Tray cannot install packages from %q", p.Registry)
}

// Remove deletes an installed version of server; version "" removes every version and the
// server's folder. Removing what is not there is not an error.
func (s *Store) Remove(server, version string) error {
	if !config.ValidName(server) || (version != "" && !safeVersion(version)) {
		return fmt.Errorf("%q is not an installed server", server)
	}
	dir := filepath.Join(s.Root, server)
	if version != "" {
		dir = filepath.Join(dir, version)
	}
	sums.forget(dir)
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("removing the installed files of %s: %w", server, err)
	}
	if version != "" {
		if err := os.Remove(dir + manifestSuffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("removing the installed files of %s: %w", server, err)
		}
	}
	return nil
}

// Dir is the folder a version of server is installed into.
func (s *Store) Dir(server, version string) string {
	return filepath.Join(s.Root, server, version)
}

// safeVersion reports whether v can name a folder: no separators, no "..", not hidden.
func safeVersion(v string) bool {
	return v != "" && len(v) <= 128 && !strings.ContainsAny(v, `/\:`+"\x00") && !strings.HasPrefix(v, ".")
}

func (s *Store) environ() []string {
	if s.Env != nil {
		return s.Env
	}
	return os.Environ()
}
