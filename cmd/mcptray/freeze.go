package main

import (
	"context"
	"fmt"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/installer"
	"github.com/mcptray/mcptray/internal/display"
)

func newServerFreezeCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "freeze NAME",
		Short: "Install a server that runs with `npx -y package@version` or `uvx package==version` into MCP Tray's folder, so it starts without them",
		Args:  exactArgs(1, "the name of a server"),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			f, err := installer.FreezeServer(ctx, e.home, name, func(msg string) { fmt.Fprintln(e.stdout, display.Line(msg)) })
			if err != nil {
				return cliError(name, err)
			}
			fmt.Fprintf(e.stdout, "%s now runs %s %s from %s; nothing is downloaded when it starts.\n", display.Line(name), display.Line(f.Package), display.Line(f.Version), f.Dir)
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
