//go:build !darwin && !windows

package autostart

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mcptray/mcptray/internal/atomicfile"
)

// Path returns the file that holds the entry: ConfigHome/autostart/ID.desktop.
func Path(e Entry) (string, error) {
	dir := e.ConfigHome
	if dir == "" && e.Home == "" {
		dir = os.Getenv("XDG_CONFIG_HOME")
	}
	if dir == "" || !filepath.IsAbs(dir) {
		home, err := e.home()
		if err != nil {
			return "", fmt.Errorf("finding your home folder: %w", err)
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "autostart", e.ID+".desktop"), nil
}

func enable(e Entry) error {
	p, err := Path(e)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return fmt.Errorf("turning on start at login: creating %s: %w", filepath.Dir(p), err)
	}
	if err := atomicfile.WriteFile(p, []byte(desktopFile(e)), 0o644); err != nil {
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
	return desktopExec(string(b)) != "", nil
}
