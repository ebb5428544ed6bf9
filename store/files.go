package store

import (
	"fmt"
	"os"
	"path/filepath"
)

// tempDir makes a new, empty build folder beside the version's final folder, and fails when
// that version is already installed.
func (s *Store) tempDir(server, version string) (string, error) {
	if s.Root == "" || !filepath.IsAbs(s.Root) {
		return "", fmt.Errorf("MCP Tray's folder for installed servers is not set")
	}
	parent := filepath.Join(s.Root, server)
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return "", fmt.Errorf("making the folder for %s: %w", server, err)
	}
	if _, err := os.Lstat(filepath.Join(parent, version)); err == nil {
		return "", ErrExists
	}
	d, err := os.MkdirTemp(parent, ".build-"+version+"-")
	if err != nil {
		return "", fmt.Errorf("making the folder for %s: %w", server, err)
	}
	return d, nil
}
