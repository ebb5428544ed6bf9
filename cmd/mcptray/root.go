package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/internal/prose"
	"github.com/mcptray/mcptray/internal/screen"
	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// env is what every command needs: where the home is and how to reach the daemon.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	home           config.Home
}

func (e *env) client() *control.Client { return &control.Client{Path: e.home.SocketPath()} }

// call runs method m on the daemon with a timeout suitable for an interactive command and
// stores its result in res (nil when the result is not needed).
func call[P, R any](e *env, m api.Method[P, R], p P, res *R) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r, err := api.Call(ctx, e.client(), m, p)
	if err == nil && res != nil {
		*res = r
	}
	return err
}

// daemonRunning reports whether a daemon answers for this home.
func (e *env) daemonRunning() bool {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err := api.Call(ctx, e.client(), api.Ping, api.None{})
	return err == nil
}

// usageError marks a command-line mistake (exit code 2).
type usageError struct{ error }

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	root := newRoot(e)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	if err == nil {
		return 0
	}
	var silent silentError
	if errors.As(err, &silent) {
		return 1
	}
	var ue usageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		fmt.Fprintf(stderr, "mcptray: %s\nRun 'mcptray --help' for usage.\n", prose.Sentence(err))
		return 2
	}
	fmt.Fprintf(stderr, "mcptray: %s\n", prose.Sentence(err))
	return 1
}

func isCobraUsage(err error) bool {
	s := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "accepts ", "requires at least", "invalid argument", "flag needs an argument", "required flag"} {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

func newRoot(e *env) *cobra.Command {
	var homeFlag string
	root := &cobra.Command{
		Use:   "mcptray",
		Short: "MCP Tray runs your MCP servers and connects them to your AI apps",
		Long: `MCP Tray runs your MCP servers and connects them to your AI apps.

With no command it starts the tray app. Every action in the app has a command here.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if err := useHomeFlag(homeFlag); err != nil {
				return err
			}
			h, err := config.DefaultHome()
			if err != nil {
				return err
			}
			e.home = h
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return runApp(cmd.Context(), e) },
	}
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return usageError{err} })
	root.PersistentFlags().StringVar(&homeFlag, "home", "", "MCP Tray's home folder (instead of MCPTRAY_HOME or the usual place)")
	root.AddCommand(
		newDaemonCmd(e),
		newConnectCmd(e),
		newServerCmd(e),
		newSecretCmd(e),
		newClientCmd(e),
		newPolicyCmd(e),
		newApprovalsCmd(e),
		newApproveCmd(e),
		newDenyCmd(e),
		newAuditCmd(e),
		newLogsCmd(e),
		newCatalogCmd(e), newInstallCmd(e), newUpdateCmd(e),
		newKubeCmd(e),
		newConfigCmd(e),
		newScanCmd(e),
		newVersionCmd(e), newUpdateAppCmd(e),
		newExportCmd(e), newImportCmd(e),
	)
	root.AddCommand(guiCommands(e)...)
	return root
}

func exactArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageError{fmt.Errorf("%s needs %s", cmd.CommandPath(), names)}
		}
		return nil
	}
}

func newVersionCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of MCP Tray",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintf(e.stdout, "mcptray %s\n", version)
			return nil
		},
	}
}

// hasDisplay reports whether a graphical session is available for the tray app.
func hasDisplay() bool { return screen.Has(runtime.GOOS, os.Getenv) }
