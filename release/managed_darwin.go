package release

import (
	"os"
	"strings"
)

// systemManaged recognises a Homebrew install: a formula's program lives under a Cellar, and a
// cask leaves its record in a Caskroom.
func systemManaged(exe string) (Manager, bool) {
	if strings.Contains(exe, "/Cellar/") {
		return Manager{Name: "Homebrew", Command: "brew upgrade mcptray"}, true
	}
	for _, room := range []string{"/opt/homebrew/Caskroom/mcptray", "/usr/local/Caskroom/mcptray"} {
		if _, err := os.Stat(room); err == nil && strings.Contains(exe, "/MCP Tray.app/") {
			return Manager{Name: "Homebrew", Command: "brew upgrade --cask mcptray"}, true
		}
	}
	return Manager{}, false
}
