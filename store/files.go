package store

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/mcptray/mcptray/internal/atomicfile"
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

// discard removes a build folder that did not become a version, and the server's folder with
// it when nothing else is there (the server's first install failed): a failed install leaves
// nothing behind.
func discard(tmp string) {
	os.RemoveAll(tmp)
	os.Remove(filepath.Dir(tmp)) // only when empty: installed versions stay
}

// putInPlace records the manifest of the tree built in tmp, renames tmp to final (ErrExists
// when final is there already) and keeps the manifest beside it, returning it. On an error
// nothing is left at final; tmp is the caller's to remove.
func putInPlace(tmp, final, spec string) ([]byte, error) {
	m, err := manifest(tmp)
	if err != nil {
		return nil, fmt.Errorf("recording the installed files of %s: %w", spec, err)
	}
	if err := os.Rename(tmp, final); err != nil {
		if _, statErr := os.Stat(final); statErr == nil {
			return nil, ErrExists
		}
		return nil, fmt.Errorf("putting %s in place: %w", spec, err)
	}
	if err := atomicfile.WriteFile(final+manifestSuffix, m, 0o600); err != nil {
		os.RemoveAll(final)
		return nil, fmt.Errorf("recording the installed files of %s: %w", spec, err)
	}
	return m, nil
}
