package supervisor

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// loginShellPath is empty on Windows: GUI apps there inherit the user's PATH.
func loginShellPath(context.Context) string { return "" }

func wellKnownDirs() []string {
	var dirs []string
	if pf := os.Getenv("ProgramFiles"); pf != "" {
		dirs = append(dirs, filepath.Join(pf, "nodejs"), filepath.Join(pf, "Docker", "Docker", "resources", "bin"))
	}
	if ad := os.Getenv("APPDATA"); ad != "" {
		dirs = append(dirs, filepath.Join(ad, "npm"))
	}
	if home, _ := os.UserHomeDir(); home != "" {
		dirs = append(dirs, filepath.Join(home, ".local", "bin"))
	}
	return dirs
}

// executableNames tries the PATHEXT extensions, so "npx" finds npx.cmd.
func executableNames(name string) []string {
	if filepath.Ext(name) != "" {
		return []string{name}
	}
	exts := os.Getenv("PATHEXT")
	if exts == "" {
		exts = ".COM;.EXE;.BAT;.CMD"
	}
	var names []string
	for _, e := range strings.Split(exts, ";") {
		names = append(names, name+strings.ToLower(e))
	}
	return names
}

func executableMode(fs.FileInfo) bool { return true }
