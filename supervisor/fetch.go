package supervisor

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/mcptray/mcptray/sandbox"
)

// A confined server without network cannot download its package, and npx fetches it at
// every first start. So before such a server's first start, its package is fetched into its
// own cache by the package manager alone — same sandbox, network on, install scripts off, the
// package itself not run — and the server then starts offline from that cache.
//
// That step has the network the server is denied, so nothing in it may be the server's: not
// the package's code (npm exec puts the package's bins first on PATH, so the command it runs
// and its script shell are absolute paths, never names a bin of the package could take: red
// team, a bin named "node" ran with the network on), not npm config the server could have
// written (npm obeys a project .npmrc in its working folder, once the server's state folder:
// the fetch runs in an empty folder of MCP Tray's), and not a fetch the server asked for
// (its marker is kept where the server cannot delete it).

// fetchCommand returns the package manager command that downloads what command (a resolved
// path) with args would fetch, without running it, or ok=false when MCP Tray does not know
// how for this command. pathEnv is the server's PATH, where node is looked up when it is not
// beside npx.
func fetchCommand(command string, args []string, pathEnv string) (path string, fetchArgs []string, ok bool) {
	if strings.TrimSuffix(strings.ToLower(filepath.Base(command)), ".cmd") != "npx" {
		return "", nil, false
	}
	var spec, registry string
	for _, a := range args {
		switch {
		case a == "-y" || a == "--yes" || a == "-q" || a == "--quiet":
			continue
		case strings.HasPrefix(a, "--package="):
			spec = strings.TrimPrefix(a, "--package=")
			continue
		case strings.HasPrefix(a, "--registry="):
			registry = a
			continue
		case strings.HasPrefix(a, "-"):
			return "", nil, false // a flag this reading does not know: let npx fetch as usual
		}
		if spec == "" {
			spec = a
		}
		break // the package (or, after --package, the command): the server's own arguments follow
	}
	if spec == "" {
		return "", nil, false
	}
	dir := filepath.Dir(command)
	npm := filepath.Join(dir, "npm")
	if _, err := os.Stat(npm); err != nil {
		return "", nil, false
	}
	node := findProgram("node", append([]string{dir}, filepath.SplitList(pathEnv)...))
	if node == "" {
		return "", nil, false
	}
	// --prefer-online: what the server may have left in its cache (a packument naming another
	// tarball address) is checked with the registry, not trusted.
	fetch := []string{"exec", "--yes", "--ignore-scripts", "--prefer-online", "--no-workspaces"}
	if shell := scriptShell(); shell != "" {
		fetch = append(fetch, "--script-shell="+shell)
	}
	fetch = append(fetch, "--package="+spec)
	if registry != "" {
		fetch = append(fetch, registry)
	}
	// npm exec runs its command through its script shell with the package's bins first on
	// PATH: an absolute node, which runs nothing (-e 0), is none of them.
	return npm, append(fetch, "--", node, "-e", "0"), true
}

// scriptShell is the absolute shell npm exec is to run its command with; npm's default, a
// bare "sh" (cmd on Windows), is looked up on the PATH the package's bins lead.
func scriptShell() string {
	if runtime.GOOS == "windows" {
		if c := os.Getenv("ComSpec"); filepath.IsAbs(c) {
			return c
		}
		return ""
	}
	return "/bin/sh"
}

// findProgram returns the absolute path of the program name in the first of dirs that has
// it, or "".
func findProgram(name string, dirs []string) string {
	for _, d := range dirs {
		if d == "" || !filepath.IsAbs(d) {
			continue
		}
		for _, n := range executableNames(name) {
			p := filepath.Join(d, n)
			if fi, err := os.Stat(p); err == nil && !fi.IsDir() && executableMode(fi) {
				return p
			}
		}
	}
	return ""
}

// fetchOffline makes sure the package of a confined server without network is in its cache,
// running the fetch once per command line: a marker in MCP Tray's state (beside the servers'
// folders, out of their reach) remembers it, as long as the server's npm cache is there.
func (u *unit) fetchOffline(cmdPath string, env []string, state string) error {
	if !u.spec.Confined || u.spec.Sandbox.Network || state == "" {
		return nil
	}
	npm, args, ok := fetchCommand(cmdPath, u.spec.Args, envValue(env, "PATH"))
	if !ok {
		return nil
	}
	sum := sha256.Sum256([]byte(cmdPath + "\x00" + strings.Join(u.spec.Args, "\x00")))
	markers := filepath.Join(filepath.Dir(state), ".fetched") // server names never start with "."
	marker := filepath.Join(markers, u.spec.Name+"-"+hex.EncodeToString(sum[:8]))
	npmCache := filepath.Join(state, "cache", "npm")
	if _, err := os.Stat(marker); err == nil {
		if _, err := os.Stat(npmCache); err == nil {
			return nil
		}
		// The cache is gone (the person cleared the server's folder): fetch again.
	}
	// An empty folder of MCP Tray's to run npm in, so that no .npmrc or package.json of the
	// server's is the project npm reads config from (its package.json ends npm's walk up).
	tmpRoot := u.sup.opts.Sandbox.TempRoot
	if tmpRoot != "" {
		if err := os.MkdirAll(tmpRoot, 0o700); err != nil {
			return err
		}
	}
	work, err := os.MkdirTemp(tmpRoot, ".fetch-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	if err := os.WriteFile(filepath.Join(work, "package.json"), []byte("{}\n"), 0o600); err != nil {
		return err
	}
	// What npx left in the cache is the server's to change: a package.json there would have
	// npm install whatever it names. The fetch puts back what the server needs.
	if err := os.RemoveAll(filepath.Join(npmCache, "_npx")); err != nil {
		return err
	}
	spec := u.spec.Sandbox
	spec.Network = true
	ctx := u.sandboxContext(npm, env)
	ctx.Provided = append(ctx.Provided, work) // read only, even inside MCP Tray's home
	rules := spec.Rules(ctx)
	// The person's npm config stays, unless the server could have written it.
	userconfig := envValueFold(env, "npm_config_userconfig")
	if userconfig == "" {
		if home := envValue(env, "HOME"); home != "" {
			userconfig = filepath.Join(home, ".npmrc")
		}
	}
	if userconfig == "" || rules.Writable(userconfig) {
		args = append([]string{args[0], "--userconfig=" + os.DevNull}, args[1:]...)
	}
	cmd := exec.Command(npm, args...)
	cmd.Env, cmd.Dir = env, work
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := sandbox.Wrap(cmd, rules); err != nil {
		return err
	}
	u.logs.Note("fetching the server's package (it runs without network)")
	if err := cmd.Run(); err != nil {
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if len(lines) > 3 {
			lines = lines[len(lines)-3:]
		}
		return fmt.Errorf("The package of the server %q could not be downloaded (%v): %s", u.spec.Name, err, strings.Join(lines, " / "))
	}
	if err := os.MkdirAll(markers, 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(marker, nil, 0o600); err != nil && !errors.Is(err, os.ErrExist) {
		return err
	}
	return nil
}

// envValueFold is envValue with the name matched in any case, as npm reads its variables.
func envValueFold(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(env[i], "="); ok && strings.EqualFold(k, key) {
			return v
		}
	}
	return ""
}
