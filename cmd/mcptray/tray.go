//go:build gui

package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	fyneapp "fyne.io/fyne/v2/app"
	"github.com/spf13/cobra"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/app"
	"github.com/mcptray/mcptray/daemon"
	"github.com/mcptray/mcptray/internal/childproc"
	"github.com/mcptray/mcptray/internal/screen"
)

// runTray starts the daemon and the tray icon in this process; windows open in a second
// process (`mcptray-app window`) only while they are on screen. If MCP Tray already runs for
// this home, it asks that one to show its window instead and exits.
func runTray(e *env) error {
	var tray *app.Tray
	d, err := newDaemon(e, func() { tray.ShowWindow() })
	if errors.Is(err, daemon.ErrAlreadyRunning) {
		if err := call(e, api.Show, api.None{}, nil); err != nil {
			return fmt.Errorf("MCP Tray is already running but did not open its window: %w", err)
		}
		fmt.Fprintln(e.stdout, "MCP Tray is already running; its window is now open.")
		return nil
	}
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("MCP Tray could not find its own program file: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	tray = app.NewTray(app.TrayOptions{
		Client: e.client(),
		Windows: func(post func(func()), idle func(int), exited func(), noTray bool) app.Windows {
			args := []string{"window"}
			if noTray {
				args = append(args, "--no-tray")
			}
			return childproc.New(childproc.Launch{Path: self, Args: args, Started: d.WindowStarted}, post, idle, exited)
		},
		Quit: cancel, // the person quit: stop every server, then the tray
		Log:  slog.New(slog.NewTextHandler(e.stderr, nil)),
	})
	done := make(chan error, 1)
	go func() {
		done <- d.Run(ctx)
		tray.Stop() // the daemon ended (Quit, or a signal): remove the tray icon too
	}()
	stopOnSignal(cancel)
	tray.Run()
	cancel()
	return <-done
}

// windowLinger is how long the window process stays after its last window closed, so the
// next approval prompt opens at once; MCPTRAY_WINDOW_LINGER (a Go duration) overrides it.
const windowLinger = 2 * time.Minute

// newWindowCmd is the window process the tray starts: it draws MCP Tray's windows with Fyne
// and takes the tray's commands on its standard input. People do not run it.
func newWindowCmd(e *env) *cobra.Command {
	var noTray bool
	cmd := &cobra.Command{
		Use:    "window",
		Short:  "Run MCP Tray's windows for the tray (started by the tray app)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			linger := windowLinger
			if v := os.Getenv("MCPTRAY_WINDOW_LINGER"); v != "" {
				d, err := time.ParseDuration(v)
				if err != nil {
					return usageError{fmt.Errorf("MCPTRAY_WINDOW_LINGER is not a duration such as 30s: %q", v)}
				}
				linger = d
			}
			if err := screen.Wait(cmd.Context(), os.Getenv, screenWait); err != nil {
				return fmt.Errorf("MCP Tray cannot open its windows: %w", err)
			}
			if dir, err := os.UserCacheDir(); err == nil {
				os.MkdirAll(dir, 0o700) // a new account may have none; Fyne makes only its own folder in it
			}
			fa := fyneapp.NewWithID("io.github.mcptray")
			ui := app.New(fa, app.Options{Client: e.client(), Version: version, NoTray: noTray})
			go ui.Serve(os.Stdin, os.Stdout, linger)
			ui.Run()
			return nil
		},
	}
	cmd.Flags().BoolVar(&noTray, "no-tray", false, "the desktop shows no tray icon")
	return cmd
}

// newOpenCmd opens a Claude extension bundle in MCP Tray's install dialog: what the desktop
// runs when a person opens a .mcpb file with MCP Tray (packaging/linux, packaging/windows).
func newOpenCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "open FILE.mcpb",
		Short: "Open a Claude extension bundle in MCP Tray's window, to install it",
		Long: `Open a Claude extension bundle (.mcpb) in MCP Tray's window: it says who signed the
bundle, asks its settings (secret ones go to the system keychain), shows what will run and
installs it, as the install dialog does for the catalog. MCP Tray starts in the background
when it is not running; the running MCP Tray checks and installs the file.`,
		Args: exactArgs(1, "a .mcpb file"),
		RunE: func(cmd *cobra.Command, args []string) error { return openBundle(e, args[0]) },
	}
}

// openBundle shows the install dialog for file in this process, talking to the running MCP
// Tray (started first when needed), until the person closes it.
func openBundle(e *env, file string) error {
	abs, err := filepath.Abs(file)
	if err != nil {
		return err
	}
	ctx, stop := interruptContext()
	defer stop()
	if err := screen.Wait(ctx, os.Getenv, screenWait); err != nil {
		return fmt.Errorf("MCP Tray cannot open the extension's window: %w", err)
	}
	if err := ensureDaemon(ctx, e); err != nil {
		return err
	}
	if dir, err := os.UserCacheDir(); err == nil {
		os.MkdirAll(dir, 0o700) // as the window process does
	}
	fa := fyneapp.NewWithID("io.github.mcptray")
	ui := app.New(fa, app.Options{Client: e.client(), Version: version})
	ui.OpenBundle(abs, ui.Quit)
	done := make(chan struct{})
	go func() { // Ctrl-C in a terminal closes the dialog, which takes back a running install
		select {
		case <-ctx.Done():
			ui.Quit()
		case <-done:
		}
	}()
	ui.Run()
	close(done)
	return nil
}

// guiCommands are the commands only the tray app's build has.
func guiCommands(e *env) []*cobra.Command { return []*cobra.Command{newWindowCmd(e), newOpenCmd(e)} }
