package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// AbsCommand returns a server's command made absolute against dir, the folder it was given
// in, when it is a relative path (./run.sh, bin/server, ../x): a server starts from its own
// working folder or MCP Tray's home, not from where it was added, so a relative command is
// resolved once, when the server is added or imported, and stored absolute. A bare program
// name (npx) is returned as it is, for the search path at start. A relative command with no
// file at that path is an error whose sentence names the command and dir. It only reads.
func AbsCommand(command, dir string) (string, error) {
	if command == "" || filepath.IsAbs(command) || !strings.ContainsAny(command, `/`+string(filepath.Separator)) {
		return command, nil
	}
	abs := filepath.Join(dir, command)
	fi, err := os.Stat(abs)
	if err != nil || fi.IsDir() {
		return "", fmt.Errorf("the command %s is not a file in %s, the folder it is relative to", command, dir)
	}
	return abs, nil
}
