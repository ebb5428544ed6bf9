package main

import (
	"context"
	"errors"
	"fmt"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/installer"
	"github.com/mcptray/mcptray/internal/display"
	"github.com/mcptray/mcptray/store"
)

// exactVersionRE is an exact npm version: 1.2.3, 1.2.3-beta.1, 2026.8.31 (no ranges or tags).
var exactVersionRE = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)

// npxFreezable reads a hand-added server's command line `npx [-y|--yes] pkg@VERSION ARGS…` (or
// `npx -y --package=pkg@VERSION CMD ARGS…`) and returns what to install and the server's own
// arguments; ok is false for anything else, with the sentence saying why.
func npxFreezable(s *config.Server) (p store.Package, serverArgs []string, why string) {
	base := strings.TrimSuffix(strings.ToLower(filepath.Base(s.Command)), ".cmd")
	if base != "npx" {
		return p, nil, "it does not run npx"
	}
	args := s.Args
	for len(args) > 0 && (args[0] == "-y" || args[0] == "--yes") {
		args = args[1:]
	}
	if len(args) == 0 {
		return p, nil, "npx is given no package"
	}
	spec := args[0]
	args = args[1:]
	if rest, ok := strings.CutPrefix(spec, "--package="); ok {
		if len(args) == 0 || strings.HasPrefix(args[0], "-") {
			return p, nil, "npx is given a package but no program to run from it"
		}
		spec, p.Bin, args = rest, args[0], args[1:]
	} else if strings.HasPrefix(spec, "-") {
		return p, nil, fmt.Sprintf("npx is given the option %s, which MCP Tray cannot carry over", display.Line(spec))
	}
	at := strings.LastIndex(spec, "@")
	if at <= 0 {
		return p, nil, fmt.Sprintf("%s names no exact version (write it as package@1.2.3)", display.Line(spec))
	}
	p.Registry, p.Name, p.Version = "npm", spec[:at], spec[at+1:]
	if !exactVersionRE.MatchString(p.Version) {
		return store.Package{}, nil, fmt.Sprintf("%s names no exact version (write it as package@1.2.3)", display.Line(spec))
	}
	return p, slices.Clone(args), ""
}

// freezeOffer is the one line `server list` prints under a server that could be frozen; ""
// when it cannot be or already is.
func freezeOffer(name string, s *config.Server) string {
	if s.Frozen != nil {
		return ""
	}
	if _, _, why := npxFreezable(s); why != "" {
		return ""
	}
	return fmt.Sprintf("%s runs through npx, which may fetch its dependencies afresh at any start; install it into MCP Tray's folder with: mcptray server freeze %s", display.Line(name), display.Line(name))
}

func newServerFreezeCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "freeze NAME",
		Short: "Install a server that runs with `npx -y package@version` into MCP Tray's folder, so it starts without npx",
		Args:  exactArgs(1, "the name of a server"),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			cfg, err := e.home.Load()
			if err != nil {
				return err
			}
			s, ok := cfg.Servers[name]
			if !ok {
				return errNoServer(name)
			}
			if s.Frozen != nil {
				return fmt.Errorf("%s is already installed into MCP Tray's folder (%s)", name, s.Frozen.Dir)
			}
			p, serverArgs, why := npxFreezable(s)
			if why != "" {
				return fmt.Errorf("MCP Tray can only freeze a server that runs `npx -y package@version`, and %s: %s", name, why)
			}
			ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			st := installer.HomeStore(e.home)
			f, argv, err := st.Build(ctx, name, p, func(msg string) { fmt.Fprintln(e.stdout, display.Line(msg)) })
			if errors.Is(err, store.ErrExists) {
				return fmt.Errorf("%s@%s is already in MCP Tray's folder for %s but not in use; remove %s and try again", p.Name, p.Version, name, st.Dir(name, p.Version))
			}
			if err != nil {
				return fmt.Errorf("%s could not be installed into MCP Tray's folder: %w", name, err)
			}
			before := s.Clone()
			err = updateServer(e, name, func(s *config.Server) error {
				if s.Command != before.Command || !slices.Equal(s.Args, before.Args) {
					return fmt.Errorf("the server %s was changed meanwhile; nothing was switched", name)
				}
				s.Command, s.Args, s.Frozen = argv[0], append(argv[1:], serverArgs...), &f
				return nil
			})
			if err != nil {
				st.Remove(name, p.Version)
				return err
			}
			fmt.Fprintf(e.stdout, "%s now runs %s@%s from %s, without npx.\n", display.Line(name), display.Line(p.Name), display.Line(p.Version), f.Dir)
			return nil
		},
	}
}

// removeInstalled deletes what MCP Tray installed for a server that was removed: every
// version in servers/NAME. It says so on stdout; a failure is reported, not fatal.
func removeInstalled(e *env, name string, removed *config.Server) {
	if removed.Frozen == nil && (removed.Rollback == nil || removed.Rollback.Frozen == nil) {
		return
	}
	if err := installer.HomeStore(e.home).Remove(name, ""); err != nil {
		fmt.Fprintf(e.stderr, "The server is removed, but %v.\n", err)
		return
	}
	fmt.Fprintf(e.stdout, "Deleted its installed files.\n")
}
