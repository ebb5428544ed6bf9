//go:build gui

package main

import (
	"context"
	"errors"
	"fmt"

	fyneapp "fyne.io/fyne/v2/app"

	"github.com/mcptray/mcptray/app"
	"github.com/mcptray/mcptray/daemon"
)

// runTray starts the daemon and the GUI in this process. If MCP Tray already runs for this
// home, it asks that one to show its window instead and exits.
func runTray(e *env) error {
	var ui *app.UI
	d, err := newDaemon(e, func() {
		if ui != nil {
			ui.Show()
		}
	})
	if errors.Is(err, daemon.ErrAlreadyRunning) {
		if err := e.call("show", nil, nil); err != nil {
			return fmt.Errorf("MCP Tray is already running but did not open its window: %w", err)
		}
		fmt.Fprintln(e.stdout, "MCP Tray is already running; its window is now open.")
		return nil
	}
	if err != nil {
		return err
	}
	fa := fyneapp.NewWithID("io.github.mcptray")
	ui = app.New(fa, app.Options{Client: e.client(), Version: version})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- d.Run(ctx)
		ui.Quit() // the daemon ended (a signal): close the GUI too
	}()
	stopOnSignal(cancel)
	ui.Run()
	// The person quit: stop every server before the process ends.
	cancel()
	return <-done
}
