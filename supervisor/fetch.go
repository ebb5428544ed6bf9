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
	"strings"

	"github.com/mcptray/mcptray/sandbox"
)

// A confined server without network cannot download its package, and npx fetches it at
// every first start. So before such a server's first start, its package is fetched into its
// own cache by the package manager alone — same sandbox, network on, install scripts off, the
// package itself not run — and the server then starts offline from that cache.

// fetchCommand returns the package manager command that downloads what command (a resolved
// path) with args would fetch, without running it, or ok=false when MCP Tray does not know
// how for this command.
func fetchCommand(command string, args []string) (path string, fetchArgs []string, ok bool) {
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
	npm := filepath.Join(filepath.Dir(command), "npm")
	if _, err := os.Stat(npm); err != nil {
		return "", nil, false
	}
	fetch := []string{"exec", "--yes", "--ignore-scripts", "--package=" + spec}
	if registry != "" {
		fetch = append(fetch, registry)
	}
	return npm, append(fetch, "--", "node", "-e", "0"), true
}

// fetchOffline makes sure the package of a confined server without network is in its cache,
// running the fetch once per command line (a marker in the server's cache remembers it).
func (u *unit) fetchOffline(cmdPath string, env []string, state string) error {
	if !u.spec.Confined || u.spec.Sandbox.Network || state == "" {
		return nil
	}
	npm, args, ok := fetchCommand(cmdPath, u.spec.Args)
	if !ok {
		return nil
	}
	sum := sha256.Sum256([]byte(cmdPath + "\x00" + strings.Join(u.spec.Args, "\x00")))
	marker := filepath.Join(state, "cache", "fetched-"+hex.EncodeToString(sum[:8]))
	if _, err := os.Stat(marker); err == nil {
		return nil
	}
	spec := u.spec.Sandbox
	spec.Network = true
	cmd := exec.Command(npm, args...)
	cmd.Env, cmd.Dir = env, state
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	rules := spec.Rules(u.sandboxContext(npm, env))
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
	if err := os.WriteFile(marker, nil, 0o600); err != nil && !errors.Is(err, os.ErrExist) {
		return err
	}
	return nil
}
