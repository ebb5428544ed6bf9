package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/mcptray/mcptray/internal/screen"
)

// screenWait is how long the tray app waits for the display server to answer: at login it
// can start before the X server or compositor listens.
const screenWait = 5 * time.Second

// runApp starts the tray app, or the daemon alone when there is no display to show it on or
// the one the environment names does not answer (a closed SSH session's forwarded display).
func runApp(ctx context.Context, e *env) error {
	if !hasDisplay() {
		fmt.Fprintln(e.stderr, "No display found, so MCP Tray runs without its tray icon (as `mcptray daemon`). Stop it with Ctrl-C.")
		return runDaemonForeground(e)
	}
	if err := screen.Wait(ctx, os.Getenv, screenWait); err != nil {
		fmt.Fprintf(e.stderr, "MCP Tray cannot show its tray icon: %v. It runs without it (as `mcptray daemon`); stop it with Ctrl-C.\n", err)
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
