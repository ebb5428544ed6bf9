package installer

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/gateway"
	"github.com/mcptray/mcptray/sandbox"
	"github.com/mcptray/mcptray/supervisor"
)

// Scanning a server before anything is enabled: `mcptray scan ID` (a catalog entry) and
// `mcptray scan --client C` (servers an AI app runs on its own), and the check before an
// install. The person has not agreed to run this server, so it starts in the sandbox (package
// sandbox, as a confined server does) and in a throwaway environment: it may read the system
// and its runtime and nothing else of the person's, change only a new empty folder (its home,
// working, cache and temp folder), reach neither MCP Tray's home nor its socket, and has no
// network — an npx package is first fetched into the throwaway cache by npm alone (network
// on, install scripts off, the package not run), as the supervisor does for confined servers
// without network. Only a package runner that cannot fetch first (uvx, pipx, bunx, deno)
// gets the network, because it downloads its package as it starts. It sees no variable of the person's environment but PATH and the locale,
// and every credential is a placeholder. Its tools are listed, and it is stopped with its
// whole process tree. A computer that cannot confine a server does not start it at all.

// ScanTarget is one server to list the tools of.
type ScanTarget struct {
	Name    string            // a label for messages
	Command string            // resolved with PATH, as the supervisor does
	Args    []string          //
	Env     map[string]string // non-secret environment
	// Secrets are the names of credentials; each gets the value "placeholder", so a server
	// can start without a real credential ever reaching an untrusted program.
	Secrets []string
	// Home is MCP Tray's home: it and its control socket are hidden from the server.
	Home config.Home
	// Read lists files or folders the server may read besides the system and its runtime.
	// Nothing of the person's belongs here: tests give a fake server its tool list this way.
	Read []string
	// Frozen is the installed tree the command runs from (an update's new version, built
	// beside the old one): it is checked before the start and readable inside the sandbox,
	// though the rest of MCP Tray's home is hidden. The zero value: not installed.
	Frozen config.Frozen
}

// ErrScanUnconfined is the sentence for a computer that cannot start a server in a sandbox.
var ErrScanUnconfined = errors.New("This computer cannot run a server in a sandbox, so MCP Tray does not start a server you have not installed just to list its tools; a saved tool list can still be checked with: mcptray scan FILE")

// ScanPlaceholder is the value every credential gets while a server is scanned.
const ScanPlaceholder = "placeholder"

// scanTimeout bounds a whole listing, downloads (npx, uvx) included.
const scanTimeout = 3 * time.Minute

// ListToolsIsolated starts target in its sandbox and a throwaway environment, lists its tools
// (every page) and stops it with its whole process tree. It blocks until the list arrives, the
// server stops, ctx ends or three minutes pass; the process and its temporary folder are gone
// when it returns. The tools are the server's own bytes. Where the computer cannot confine a
// server, it starts nothing and returns ErrScanUnconfined.
func ListToolsIsolated(ctx context.Context, target ScanTarget) ([]json.RawMessage, error) {
	if target.Command == "" {
		return nil, fmt.Errorf("%s is not a program MCP Tray can start (a remote server is scanned once it is added)", target.Name)
	}
	if !sandbox.Check().Supported() {
		return nil, ErrScanUnconfined
	}
	ctx, cancel := context.WithTimeout(ctx, scanTimeout)
	defer cancel()
	dir, err := os.MkdirTemp("", "mcptray-scan-")
	if err != nil {
		return nil, fmt.Errorf("making a throwaway folder to scan %s in: %w", target.Name, err)
	}
	defer os.RemoveAll(dir)
	// The server's own folder is dir/scan (the supervisor's state folder for a server named
	// "scan"): its home, working folder and package cache; dir/tmp/scan is its temp folder.
	own := filepath.Join(dir, "scan")
	if err := os.Mkdir(own, 0o700); err != nil {
		return nil, fmt.Errorf("making a throwaway folder to scan %s in: %w", target.Name, err)
	}
	opts := supervisor.SandboxOptions{StateRoot: dir, TempRoot: filepath.Join(dir, "tmp")}
	if target.Home != "" {
		opts.AppHome, opts.Socket = string(target.Home), target.Home.SocketPath()
	}
	secrets := func(ctx context.Context, server string, keys []string) (map[string]string, error) {
		m := make(map[string]string, len(keys))
		for _, k := range keys {
			m[k] = ScanPlaceholder
		}
		return m, nil
	}
	sup := supervisor.New(supervisor.Options{DefaultDir: own, Secrets: secrets, Env: throwawayEnv(own), Sandbox: opts})
	defer sup.Shutdown()
	sup.Apply([]supervisor.Spec{{Name: "scan", Command: target.Command, Args: target.Args, Env: target.Env,
		Secrets: slices.Clone(target.Secrets), Dir: own, NoSpare: true, Frozen: target.Frozen,
		Confined: true, Sandbox: sandbox.Spec{Read: slices.Clone(target.Read), Network: fetchesAsItStarts(target.Command)}}})
	p, err := sup.Take(ctx, "scan")
	if err != nil {
		return nil, fmt.Errorf("starting %s: %w", target.Name, err)
	}
	defer p.Stop()
	type listed struct {
		tools []json.RawMessage
		err   error
	}
	done := make(chan listed, 1)
	go func() {
		defer control.Recover(nil, "reading the tools of a server it was scanning", func(err error) { done <- listed{err: err} })
		tools, err := gateway.ListTools(p.Stdin(), bufio.NewReaderSize(p.Stdout(), 64<<10))
		done <- listed{tools, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			return nil, fmt.Errorf("%s did not list its tools: %w", target.Name, r.err)
		}
		return r.tools, nil
	case <-p.Done():
		// Give a list that was written just before the exit a moment to be read.
		select {
		case r := <-done:
			if r.err == nil {
				return r.tools, nil
			}
		case <-time.After(time.Second):
		}
		return nil, fmt.Errorf("%s stopped before it listed its tools (it may need a real credential or setting to start)", target.Name)
	case <-ctx.Done():
		p.Stop() // unblocks the reader
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("%s did not list its tools within %s", target.Name, scanTimeout)
		}
		return nil, ctx.Err()
	}
}

// fetchesAsItStarts reports whether command is a package runner that downloads its package
// as it starts and that MCP Tray cannot make fetch it first (the supervisor does that for npx).
func fetchesAsItStarts(command string) bool {
	base := strings.TrimSuffix(strings.ToLower(filepath.Base(command)), ".exe")
	return slices.Contains([]string{"uvx", "uv", "pipx", "bunx", "deno"}, base)
}

// throwawayEnv is the environment of a scanned server: the throwaway folder as its home and
// nothing of the person's but the locale and the temporary folder (PATH is added by the
// supervisor). npm and uv get caches inside the folder (the sandbox's rules point them at the
// same folder's cache), so nothing is left behind.
func throwawayEnv(dir string) []string {
	env := []string{"HOME=" + dir, "USERPROFILE=" + dir, "XDG_CONFIG_HOME=" + filepath.Join(dir, ".config"),
		"XDG_CACHE_HOME=" + filepath.Join(dir, ".cache"), "XDG_DATA_HOME=" + filepath.Join(dir, ".local", "share"),
		"npm_config_cache=" + filepath.Join(dir, ".npm"), "npm_config_update_notifier=false"}
	keep := []string{"LANG", "LC_ALL"} // TMPDIR and friends: the sandbox points them at its temp folder
	if runtime.GOOS == "windows" {
		keep = append(keep, "SystemRoot", "ComSpec", "PATHEXT", "APPDATA", "LOCALAPPDATA")
	}
	for _, k := range keep {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// CatalogScanTarget is the server a catalog entry would install, with every question the
// install would ask answered by its default or a placeholder: enough for most servers to
// list their tools, and nothing of the person's. The error is one sentence for a person.
func CatalogScanTarget(ctx context.Context, home config.Home, id string) (ScanTarget, error) {
	e, err := (Source{Home: home}).Lookup(ctx, id)
	if err != nil {
		return ScanTarget{}, err
	}
	qs, err := catalog.Questions(e)
	if err != nil {
		return ScanTarget{}, err
	}
	answers := map[string]string{}
	for _, q := range qs {
		if q.Default != "" || !q.Required {
			continue
		}
		switch {
		case len(q.Choices) > 0:
			answers[q.Key] = q.Choices[0]
		case q.Format == "number":
			answers[q.Key] = "1"
		case q.Format == "boolean":
			answers[q.Key] = "false"
		case q.Format == "filepath":
			answers[q.Key] = os.TempDir()
		default:
			answers[q.Key] = ScanPlaceholder
		}
	}
	p, err := catalog.Plan(e, answers)
	if err != nil {
		return ScanTarget{}, err
	}
	if p.Remote != nil {
		return ScanTarget{}, fmt.Errorf("%s is a remote server, which MCP Tray cannot start on its own; its tools are checked when it is added and first lists them", e.ID())
	}
	return PlanScanTarget(home, e.ID(), p), nil
}
