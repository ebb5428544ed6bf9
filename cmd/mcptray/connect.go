package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/mcptray/mcptray/gateway"
	"github.com/spf13/cobra"
)

func newConnectCmd(e *env) *cobra.Command {
	var client string
	cmd := &cobra.Command{
		Use:   "connect NAME",
		Short: "Connect an AI client to a server through MCP Tray (what AI clients run)",
		Long: `connect is the command MCP Tray writes into your AI apps' settings. It speaks MCP on
stdin and stdout and hands everything to the MCP Tray app, which runs the real server.`,
		Args: exactArgs(1, "the name of a server"),
		RunE: func(cmd *cobra.Command, args []string) error {
			err := gateway.Bridge(context.Background(), gateway.BridgeOptions{
				Control:     e.client(),
				Server:      args[0],
				ClientName:  client,
				StartDaemon: func() error { return startForBridge(e) },
				Stdin:       e.stdin,
				Stdout:      e.stdout,
				Stderr:      e.stderr,
				StdinFile:   passFile(e.stdin),
				StdoutFile:  passFile(e.stdout),
			})
			if err != nil {
				return silentError{err}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&client, "client", "", "which AI client this is (for logs and approval prompts)")
	return cmd
}

// silentError is an error already reported (the bridge told the client and wrote to stderr).
type silentError struct{ error }

// startForBridge starts MCP Tray for a bridge, but only for a home that has a configuration:
// a bridge pointed at the wrong home (an AI app that dropped MCPTRAY_HOME) must say so, not
// leave an empty MCP Tray running there.
func startForBridge(e *env) error {
	if _, err := os.Stat(e.home.ConfigFile()); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("MCP Tray has no settings in %s, so it was not started there; if MCP Tray keeps its settings elsewhere, connect this app again from MCP Tray", e.home)
	}
	return startBackground(e)
}

// startBackground starts MCP Tray detached from the caller: the tray app when a display is
// available, else the daemon. Its output goes to logs/daemon.log in the home.
func startBackground(e *env) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	if err := e.home.Ensure(); err != nil {
		return err
	}
	logf, err := os.OpenFile(filepath.Join(e.home.LogDir(), "daemon.log"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer logf.Close()
	var args []string
	if !hasDisplay() {
		args = []string{"daemon"}
	}
	cmd := exec.Command(self, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	detach(cmd)
	if err := cmd.Start(); err != nil {
		return err
	}
	return cmd.Process.Release()
}

// passFile returns the file to hand to the daemon, or nil to copy bytes through the bridge
// instead (always, when MCPTRAY_BRIDGE_COPY=1: a diagnostic switch, and how tests cover the
// copying path that Windows and terminals use).
func passFile(v any) *os.File {
	if os.Getenv("MCPTRAY_BRIDGE_COPY") == "1" {
		return nil
	}
	f, _ := v.(*os.File)
	return f
}
