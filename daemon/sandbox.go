package daemon

import (
	"os"
	"path/filepath"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/supervisor"
)

// sandboxOptions keeps confined servers out of MCP Tray's home and away from its socket, and
// gives each its own state and temp folder inside the home (put back for that server alone).
func sandboxOptions(home config.Home) supervisor.SandboxOptions {
	return supervisor.SandboxOptions{
		AppHome:   string(home),
		Socket:    home.SocketPath(),
		StateRoot: home.StateDir(),
		TempRoot:  filepath.Join(string(home), "tmp"),
		KubeDir:   home.KubeDir(),
	}
}

// userHome is the person's home folder, for sentences that show folders relative to it.
func userHome() string {
	h, _ := os.UserHomeDir()
	return h
}
