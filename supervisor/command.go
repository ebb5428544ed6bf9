package supervisor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// The PATH that GUI apps inherit on macOS (launchd's) and often on Linux lacks what a person
// installed through nvm, fnm, Homebrew, volta, mise or pipx: the cause of `spawn npx ENOENT`.
// Commands are therefore resolved against the person's login-shell PATH, then the daemon's
// own PATH, then the usual install folders.

var searchPath struct {
	once sync.Once
	dirs []string
}

// SearchPath returns the folders, in order, where server commands are looked up. It runs the
// person's login shell once (bounded by a timeout) and caches the answer.
func SearchPath() []string {
	searchPath.once.Do(func() { searchPath.dirs = buildSearchPath(loginShellPath(context.Background())) })
	return searchPath.dirs
}

func buildSearchPath(login string) []string {
	var dirs []string
	seen := map[string]bool{}
	add := func(list string) {
		for _, d := range filepath.SplitList(list) {
			if d != "" && !seen[d] {
				seen[d] = true
				dirs = append(dirs, d)
			}
		}
	}
	add(login)
	add(os.Getenv("PATH"))
	add(strings.Join(wellKnownDirs(), string(os.PathListSeparator)))
	return dirs
}

// PathEnv is the PATH value given to server processes.
func PathEnv() string { return strings.Join(SearchPath(), string(os.PathListSeparator)) }

// ResolveCommand finds command's executable: a path is used as is (relative paths against
// dir), a bare name is looked up in SearchPath. A missing program gives ErrCommandNotFound
// with a sentence naming it and saying what provides it. A relative path with no dir is
// refused (Permanent): it would be looked for in whatever folder MCP Tray started in, and
// run from another.
func ResolveCommand(command, dir string) (string, error) {
	if strings.ContainsRune(command, os.PathSeparator) || strings.ContainsRune(command, '/') {
		p := command
		if !filepath.IsAbs(p) {
			if dir == "" {
				return "", Permanent(fmt.Errorf("The command %q is a relative path, so MCP Tray cannot tell which folder it is in; change it to the program's full path (mcptray server add works that out for you).", command))
			}
			p = filepath.Join(dir, p)
		}
		if isExecutable(p) {
			return p, nil
		}
		return "", &CommandError{Command: command}
	}
	for _, d := range SearchPath() {
		for _, name := range executableNames(command) {
			p := filepath.Join(d, name)
			if isExecutable(p) {
				return p, nil
			}
		}
	}
	return "", &CommandError{Command: command}
}

// CommandError says which program is missing and how to get it.
type CommandError struct{ Command string }

func (e *CommandError) Error() string {
	base := strings.TrimSuffix(strings.ToLower(filepath.Base(e.Command)), ".exe")
	hint := "Install it, or change the server's command to the program's full path."
	switch base {
	case "npx", "node", "npm", "pnpm", "bunx", "bun":
		hint = "It comes with Node.js: install Node.js from https://nodejs.org (version 18 or newer), then start the server again."
	case "uvx", "uv":
		hint = "It comes with uv: install uv from https://docs.astral.sh/uv/, then start the server again."
	case "python", "python3", "pip", "pipx":
		hint = "It comes with Python: install Python from https://python.org, then start the server again."
	case "docker", "podman":
		hint = "Install Docker Desktop (or Podman) and make sure it is running, then start the server again."
	}
	return fmt.Sprintf("The program %q was not found on this computer. %s", e.Command, hint)
}

func (e *CommandError) Unwrap() error { return ErrCommandNotFound }

// IsNotFound reports whether err means the server's program is missing.
func IsNotFound(err error) bool { return errors.Is(err, ErrCommandNotFound) }

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	if err != nil || fi.IsDir() {
		return false
	}
	return executableMode(fi)
}

// newCommand builds the exec.Cmd for a spec with a resolved program.
func newCommand(path string, args []string, env []string, dir string) *exec.Cmd {
	cmd := exec.Command(path, args...)
	cmd.Env = env
	cmd.Dir = dir
	return cmd
}
