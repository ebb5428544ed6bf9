// Package clienttest gives tests AI client files in a temporary home folder, as a person would
// have them: a World with some clients installed, and helpers that write, read and inspect
// client files. Every helper fails the test on an error. Only tests import it.
package clienttest

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/config"
)

// World is a temporary home folder (Env.Home) with an MCP Tray home inside it.
type World struct {
	Env  clients.Env
	Home config.Home
}

// NewWorld makes a World on Linux paths in which the clients installed are detected: the
// folder of each one's main file exists.
func NewWorld(t testing.TB, installed ...string) *World {
	t.Helper()
	dir := t.TempDir()
	w := &World{Env: clients.Env{GOOS: "linux", Home: dir}, Home: config.Home(filepath.Join(dir, "mcptray"))}
	for _, id := range installed {
		c, ok := clients.ByID(id)
		if !ok {
			t.Fatalf("no AI client %q", id)
		}
		Mkdir(t, filepath.Dir(c.Paths(w.Env)[0]))
	}
	return w
}

// Path is the main config file of client id in w.
func (w *World) Path(id string) string {
	c, _ := clients.ByID(id)
	return c.Paths(w.Env)[0]
}

// Mkdir makes dir and its parents, owner-only.
func Mkdir(t testing.TB, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
}

// Write writes content to path, making its folder.
func Write(t testing.TB, path, content string) {
	t.Helper()
	Mkdir(t, filepath.Dir(path))
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// Read returns the content of path.
func Read(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Ours returns server → key of MCP Tray's entries in the file of client id at path, and
// reports an error for each that does not connect to the server it is for.
func Ours(t testing.TB, id, path string) map[string]string {
	t.Helper()
	c, _ := clients.ByID(id)
	cur, err := clients.Read(c, path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, s := range cur.Servers {
		if s.Ours {
			args := s.Args
			if n := len(args); n == 4 && args[2] == "--home" { // for a client that drops MCPTRAY_HOME (clients.HomeArg)
				args = args[:2]
			}
			if !slices.Equal(args, []string{"connect", s.ServerName}) {
				t.Errorf("%s: entry %q is %q %q", id, s.Key, s.Command, s.Args)
			}
			out[s.ServerName] = s.Key
		}
	}
	return out
}
