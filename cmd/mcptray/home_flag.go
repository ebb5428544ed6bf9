package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// useHomeFlag makes --home PATH mean what MCPTRAY_HOME=PATH means, for this process and every
// process it starts (a daemon started by `connect`, the tray app's helpers). MCP Tray writes
// --home into the entries of AI apps that start servers without passing MCPTRAY_HOME on
// (Codex), so their `connect` reaches the right MCP Tray.
func useHomeFlag(home string) error {
	if home == "" {
		return nil
	}
	abs, err := filepath.Abs(home)
	if err != nil {
		return fmt.Errorf("resolving the home folder %q: %w", home, err)
	}
	return os.Setenv("MCPTRAY_HOME", abs)
}
