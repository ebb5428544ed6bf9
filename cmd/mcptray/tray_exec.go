//go:build !gui

package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
)

// This build of mcptray has no GUI: it is the small binary that AI clients spawn for every
// connection (`mcptray connect`), so it links neither Fyne nor cgo. The tray app is its
// sibling, mcptray-app, built from this same package with the gui tag; `mcptray` with no
// arguments hands over to it.

// appBinary is the file name of the GUI build next to this binary.
var appBinary = "mcptray-app" + exeSuffix

// runTray starts the tray app (mcptray-app next to this binary), or the daemon alone with a
// sentence saying so when the app is not installed.
func runTray(e *env) error {
	self, err := os.Executable()
	if err == nil {
		if resolved, rerr := filepath.EvalSymlinks(self); rerr == nil {
			self = resolved
		}
		app := filepath.Join(filepath.Dir(self), appBinary)
		if _, err := os.Stat(app); err == nil {
			return handOver(app)
		}
	}
	fmt.Fprintf(e.stderr, "The tray app (%s) is not installed next to mcptray, so MCP Tray runs without its tray icon (as `mcptray daemon`). Stop it with Ctrl-C.\n", appBinary)
	return runDaemonForeground(e)
}

// guiCommands are the commands only the tray app's build has: none here.
func guiCommands(e *env) []*cobra.Command { return nil }
