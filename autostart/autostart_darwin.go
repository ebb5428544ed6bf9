package autostart

import (
	"fmt"
	"path/filepath"
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

func enable(e Entry) error { return writeEntryFile(e, 0o755, launchAgent) }

func disable(e Entry) error { return removeEntryFile(e) }

func enabled(e Entry) (bool, error) { return entryFileNamesProgram(e, plistProgram) }
