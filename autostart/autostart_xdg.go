//go:build !darwin && !windows

package autostart

import (
	"fmt"
	"os"
	"path/filepath"
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

func enable(e Entry) error { return writeEntryFile(e, 0o700, desktopFile) }

func disable(e Entry) error { return removeEntryFile(e) }

func enabled(e Entry) (bool, error) { return entryFileNamesProgram(e, desktopExec) }
