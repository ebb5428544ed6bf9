package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/mcptray/mcptray/config"
)

// absCommand resolves `server add`'s command and --cwd once, against the folder the person
// runs it from: MCP Tray starts servers from its own home, not from there. A relative --cwd
// becomes absolute; a relative command (./run.sh, bin/server) is taken from --cwd if given,
// else from the current folder, and must be there. A bare program name (npx) is left for the
// search path.
func absCommand(command, dir string) (string, string, error) {
	here, err := os.Getwd()
	if err != nil {
		return "", "", fmt.Errorf("MCP Tray could not tell which folder you are in (%v); give the command's full path", err)
	}
	if dir != "" && !filepath.IsAbs(dir) {
		dir = filepath.Join(here, dir)
	}
	base := here
	if dir != "" {
		base = dir
	}
	abs, err := config.AbsCommand(command, base)
	if err != nil {
		return "", "", usageError{fmt.Errorf("%w; give its full path, or run this from the folder that holds it", err)}
	}
	return abs, dir, nil
}
