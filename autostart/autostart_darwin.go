package autostart

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mcptray/mcptray/internal/atomicfile"
)

// Path returns the file that holds the entry: Home/Library/LaunchAgents/ID.plist. launchd
// reads it at the next login; nothing is loaded now, so MCP Tray does not start twice.
func Path(e Entry) (string, error) {
	home, err := e.home()
	if err != nil {
		return "", fmt.Errorf("finding your home folder: %w", err)
	}
	return filepath.Join(home, "Library", "LaunchAgents", e.ID+".plist"), nil
}

func enable(e Entry) error {
	p, err := Path(e)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("turning on start at login: creating %s: %w", filepath.Dir(p), err)
	}
	if err := atomicfile.WriteFile(p, []byte(launchAgent(e)), 0o644); err != nil {
		return fmt.Errorf("turning on start at login: %w", err)
	}
	return nil
}

func disable(e Entry) error {
	p, err := Path(e)
	if err != nil {
		return err
	}
	if err := removeFile(p); err != nil {
		return fmt.Errorf("turning off start at login: %w", err)
	}
	return nil
}

func enabled(e Entry) (bool, error) {
	p, err := Path(e)
	if err != nil {
		return false, err
	}
	b, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("checking start at login: %w", err)
	}
	return plistProgram(string(b)) != "", nil
}
