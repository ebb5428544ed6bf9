package main

import (
	"log/slog"

	"github.com/mcptray/mcptray/daemon"
	"github.com/spf13/cobra"
)

func newDaemonCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "daemon",
		Short: "Run MCP Tray without the tray icon (for servers, terminals and tests)",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, args []string) error { return runDaemonForeground(e) },
	}
}

// newDaemon builds the daemon for e's home with the production wiring.
func newDaemon(e *env, onShow func()) (*daemon.Daemon, error) {
	return daemon.New(daemon.Options{
		Home:    e.home,
		Version: version,
		Log:     slog.New(slog.NewTextHandler(e.stderr, nil)),
		OnShow:  onShow,
		Keys:    e.keys(),
	})
}
