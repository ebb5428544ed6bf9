package clients

import (
	"os"
	"path/filepath"
)

// Detected is one installed client and the files MCP Tray manages for it.
type Detected struct {
	Client Client
	Files  []File
}

// File is one configuration file of a detected client.
type File struct {
	Path   string
	Exists bool // false: the client is installed but has no file yet; Apply creates it
}

// Detect returns the clients installed for env, in the order of All. A client counts as
// installed when one of its marker folders or files exists (for most clients the folder that
// holds its configuration file), so a client that was never started may be missed, and one
// that was uninstalled but left its folder behind is still listed. Detect only reads the file
// system and is safe for concurrent use.
func Detect(env Env) []Detected {
	var out []Detected
	for _, c := range registry {
		if !installed(c, env) {
			continue
		}
		d := Detected{Client: c}
		// The first path is the client's main file and is managed as soon as the client is
		// installed (Apply creates its folder); the others only when their folder exists,
		// which skips e.g. a classic %APPDATA%\Claude folder that an MSIX install never made.
		for i, p := range c.Paths(env) {
			if i > 0 && !isDir(filepath.Dir(p)) {
				continue
			}
			d.Files = append(d.Files, File{Path: p, Exists: exists(p)})
		}
		if len(d.Files) > 0 {
			out = append(out, d)
		}
	}
	return out
}

func installed(c *clientSpec, env Env) bool {
	markers := c.markers
	if markers == nil {
		markers = func(e Env) []string {
			var dirs []string
			for _, p := range c.Paths(e) {
				dirs = append(dirs, filepath.Dir(p))
			}
			return dirs
		}
	}
	for _, m := range markers(env) {
		if m != "" && exists(m) {
			return true
		}
	}
	return false
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}
