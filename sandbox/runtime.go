package sandbox

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// runtimeNames are the programs whose installations a server may need even when its command
// is something else: npx runs node, uvx runs a Python that uv installed.
var runtimeNames = []string{"node", "npm", "npx", "python3", "python", "uv", "uvx", "bun", "bunx", "deno"}

// runtimeHomes are the folders inside the home where version managers keep runtimes. An
// installation found inside one of them is granted whole; one found elsewhere in the home
// (~/.local/bin/uv) gets only its own file, because its neighbours are the person's.
var runtimeHomes = []string{
	".nvm", ".volta", ".fnm", ".bun", ".deno", ".pyenv", ".asdf", ".n",
	".local/share/mise", ".local/share/fnm", ".local/share/uv/python", ".local/share/pnpm",
}

// runtimePaths returns what to make readable so the server's command and the runtimes on its
// PATH can run: each installation's root (the folder above its bin), or the program file
// alone when the root would be a folder of the person's own.
func runtimePaths(command, path, home string) []string {
	var out []string
	grant := func(p string, whole bool) {
		real, err := filepath.EvalSymlinks(p)
		if err != nil {
			return
		}
		out = append(out, real)
		if whole {
			if root := installRoot(real, home); root != "" {
				out = append(out, root)
			}
		}
	}
	if command != "" {
		grant(command, isRuntime(filepath.Base(command)))
	}
	if home != "" {
		// The Pythons uv installs for uvx, kept apart from anything else of uv's or the person's.
		out = append(out, filepath.Join(home, ".local", "share", "uv", "python"))
	}
	for _, dir := range filepath.SplitList(path) {
		if dir == "" || !filepath.IsAbs(dir) {
			continue
		}
		for _, name := range runtimeNames {
			p := filepath.Join(dir, name)
			if runtime.GOOS == "windows" {
				p += ".exe"
			}
			if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
				grant(p, true)
			}
		}
	}
	return out
}

// installRoot is the installation folder of the runtime program at real: the folder above
// "bin", else the program's own folder. It returns "" when that folder is the filesystem
// root, the home folder or a place in the home that is not a runtime manager's.
func installRoot(real, home string) string {
	dir := filepath.Dir(real)
	if filepath.Base(dir) == "bin" {
		dir = filepath.Dir(dir)
	}
	if dir == filepath.Dir(dir) {
		return ""
	}
	if home != "" && within(dir, home) {
		for _, rh := range runtimeHomes {
			if within(dir, filepath.Join(home, filepath.FromSlash(rh))) {
				return dir
			}
		}
		return ""
	}
	return dir
}

func isRuntime(base string) bool {
	base = strings.TrimSuffix(strings.ToLower(base), ".exe")
	for _, n := range runtimeNames {
		if base == n || strings.HasPrefix(base, "python3.") {
			return true
		}
	}
	return false
}

// cachePaths returns the package caches a server writes to (npx installs into ~/.npm, uvx
// into uv's cache and tools folder) and the environment that points them elsewhere. With a
// state folder, each server gets caches of its own there, so one server cannot plant code in
// a package another server (or the person's own npx) will run; without one, it shares the
// person's caches.
func cachePaths(home, state string) (paths, env []string) {
	if state != "" {
		c := filepath.Join(state, "cache")
		return []string{c}, []string{
			"npm_config_cache=" + filepath.Join(c, "npm"),
			"UV_CACHE_DIR=" + filepath.Join(c, "uv"),
			"UV_TOOL_DIR=" + filepath.Join(c, "uv-tools"),
			"BUN_INSTALL_CACHE_DIR=" + filepath.Join(c, "bun"),
			"DENO_DIR=" + filepath.Join(c, "deno"),
		}
	}
	if home == "" {
		return nil, nil
	}
	return []string{
		filepath.Join(home, ".npm"), filepath.Join(home, ".cache", "uv"),
		filepath.Join(home, ".local", "share", "uv"), filepath.Join(home, ".bun", "install", "cache"),
		filepath.Join(home, ".cache", "deno"),
	}, nil
}
