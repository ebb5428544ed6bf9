package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// displayAlwaysAvailable is true where the OS always has a desktop session (macOS, Windows).
var displayAlwaysAvailable = false

// runApp starts the tray app, or the daemon alone when there is no display to show it on.
func runApp(ctx context.Context, e *env) error {
	if !hasDisplay() {
		fmt.Fprintln(e.stderr, "No display found, so MCP Tray runs without its tray icon (as `mcptray daemon`). Stop it with Ctrl-C.")
		return runDaemonForeground(e)
	}
	return runTray(e)
}

// runDaemonForeground runs the daemon until SIGINT or SIGTERM.
func runDaemonForeground(e *env) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	d, err := newDaemon(e, nil)
	if err != nil {
		return err
	}
	return d.Run(ctx)
}
