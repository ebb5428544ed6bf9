package clients

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
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
// holds its configuration file) and is not only what MCP Tray made there: connecting a client
// that is not installed creates its configuration file and folders, which must not make it
// look installed afterwards (see madeByMCPTray). So a client that was never started may be
// missed, and one that was uninstalled but left its folder behind is still listed. Detect
// only reads the file system and is safe for concurrent use.
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
	paths := c.Paths(env)
	for _, m := range markers(env) {
		if m != "" && exists(m) && !madeByMCPTray(c, m, paths) {
			return true
		}
	}
	return false
}

// madeByMCPTray reports a marker that holds nothing the client made: one of the client's
// configuration files holding exactly what MCP Tray writes into a new one (createdByMCPTray),
// or a folder holding only such files and the folders on the way to them. An empty folder is
// the client's: MCP Tray never makes a folder without a file in it. A folder with many
// entries is the client's without looking further, and entries are read a few at a time, so
// the folder of an installed client (which holds something else) costs one short read.
func madeByMCPTray(c *clientSpec, marker string, paths []string) bool {
	marker = filepath.Clean(marker)
	fi, err := os.Stat(marker)
	if err != nil {
		return false
	}
	clean := make([]string, 0, len(paths))
	for _, p := range paths {
		if p != "" {
			clean = append(clean, filepath.Clean(p))
		}
	}
	if !fi.IsDir() {
		return slices.Contains(clean, marker) && createdByMCPTray(c, marker)
	}
	var files []string // the client's files found, checked once nothing else is there
	budget := 64
	var only func(dir string) bool
	only = func(dir string) bool {
		f, err := os.Open(dir)
		if err != nil {
			return false
		}
		defer f.Close()
		any := false
		for {
			entries, err := f.ReadDir(8)
			for _, e := range entries {
				if budget--; budget < 0 {
					return false
				}
				any = true
				p := filepath.Join(dir, e.Name())
				switch {
				case e.IsDir() && slices.ContainsFunc(clean, func(q string) bool { return strings.HasPrefix(q, p+string(filepath.Separator)) }):
					if !only(p) {
						return false
					}
				case !e.IsDir() && slices.Contains(clean, p):
					files = append(files, p)
				default:
					return false
				}
			}
			if err != nil {
				return errors.Is(err, io.EOF) && any
			}
		}
	}
	if !only(marker) || len(files) == 0 {
		return false
	}
	for _, p := range files {
		if !createdByMCPTray(c, p) {
			return false
		}
	}
	return true
}

// createdCache remembers createdByMCPTray's answer per file as stat described it, since
// Detect runs on every pass of the daemon: a file stat says unchanged is not parsed again.
var createdCache struct {
	sync.Mutex
	m map[createdKey]bool
}

type createdKey struct {
	path     string
	size     int64
	modTime  int64
	clientID string
}

// createdByMCPTray reports a client file that holds exactly what MCP Tray writes when it creates
// the file: only MCP Tray's entries, byte for byte as it writes them into a new file (or, with
// none left, as removing them leaves it). A file the client or the person wrote or changed
// differs: it has settings of its own, other entries, another layout.
func createdByMCPTray(c *clientSpec, path string) bool {
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > 64<<10 {
		return false // MCP Tray's entries alone are a few kilobytes
	}
	key := createdKey{path: path, size: fi.Size(), modTime: fi.ModTime().UnixNano(), clientID: c.id}
	createdCache.Lock()
	v, ok := createdCache.m[key]
	createdCache.Unlock()
	if ok {
		return v
	}
	v = renderedByMCPTray(c, path)
	if time.Since(fi.ModTime()) < 2*time.Second {
		return v // a coarse clock could hide a second write within the same tick
	}
	createdCache.Lock()
	if createdCache.m == nil || len(createdCache.m) > 256 {
		createdCache.m = map[createdKey]bool{}
	}
	createdCache.m[key] = v
	createdCache.Unlock()
	return v
}

// renderedByMCPTray is createdByMCPTray without the cache.
func renderedByMCPTray(c *clientSpec, path string) bool {
	src, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	doc, err := c.format.parse(src)
	if err != nil {
		return false
	}
	var want []Entry
	for _, s := range doc.servers() {
		if !s.Ours || s.Key != s.ServerName {
			return false
		}
		want = append(want, Entry{Name: s.ServerName, Command: s.Command, Args: s.Args})
	}
	fresh := func(src []byte, want []Entry) []byte {
		out, _, err := editBytes(c, path, src, "", func(d document) (Result, error) { return reconcile(d, want) })
		if err != nil {
			return nil
		}
		return out
	}
	if len(want) > 0 {
		return bytes.Equal(src, fresh(nil, want))
	}
	one := fresh(nil, []Entry{NewEntry(filepath.Join(string(filepath.Separator), "mcptray"), "x")})
	return one != nil && bytes.Equal(src, fresh(one, nil))
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}
