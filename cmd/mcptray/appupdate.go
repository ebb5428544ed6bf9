package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/mcptray/mcptray/internal/display"
	"github.com/mcptray/mcptray/release"
	"github.com/spf13/cobra"
)

// installFolder is the folder this program runs from, links resolved: the one an update replaces.
func installFolder() (exe, dir string, err error) {
	exe, err = os.Executable()
	if err == nil {
		exe, err = filepath.EvalSymlinks(exe)
	}
	if err != nil {
		return "", "", fmt.Errorf("could not find where MCP Tray is installed: %w", err)
	}
	return exe, filepath.Dir(exe), nil
}

// newUpdateAppCmd is `mcptray update-app [--check | --rollback]`: MCP Tray's own update, for
// the person at a terminal (docs/app-updates.md).
func newUpdateAppCmd(e *env) *cobra.Command {
	var check, rollback bool
	cmd := &cobra.Command{
		Use:   "update-app",
		Short: "Update MCP Tray itself to the newest signed release",
		Long: `Update MCP Tray itself: fetch the signed release description, check its signature and
each downloaded program's SHA-256, then replace the programs and keep the previous ones.

  mcptray update-app             check and install a newer version now
  mcptray update-app --check     only say whether a newer version exists
  mcptray update-app --rollback  go back to the version before the last update

A copy installed by a package manager (apt, dnf, Homebrew, the MSI or winget) is left alone:
the command says which command updates it. MCP Tray checks on its own only once you agreed to
daily checks, and never more than once a day.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if check && rollback {
				return usageError{errors.New("--check and --rollback cannot be used together")}
			}
			exe, dir, err := installFolder()
			if err != nil {
				return err
			}
			if m, ok := release.Managed(exe); ok {
				fmt.Fprintln(e.stdout, m.Sentence())
				if check {
					return nil
				}
				return silentError{errors.New("managed")}
			}
			if rollback {
				if err := release.Rollback(dir); err != nil {
					return err
				}
				fmt.Fprintln(e.stdout, "Went back to the previous version of MCP Tray. Quit MCP Tray and start it again to use it.")
				return nil
			}
			return updateApp(cmd.Context(), e, dir, check)
		},
	}
	cmd.Flags().BoolVar(&check, "check", false, "only say whether a newer version exists")
	cmd.Flags().BoolVar(&rollback, "rollback", false, "go back to the version before the last update")
	return cmd
}

// updateApp checks for a newer release and, unless checkOnly, applies it to dir. It records
// the check's time in the update settings, so the background check waits a day after it.
func updateApp(ctx context.Context, e *env, dir string, checkOnly bool) error {
	c, err := release.Official(version)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Minute)
	defer cancel()
	offer, err := c.Check(ctx)
	recordCheck(e)
	if errors.Is(err, release.ErrNotNewer) {
		fmt.Fprintf(e.stdout, "MCP Tray %s is the newest version.\n", version)
		return nil
	}
	if err != nil {
		return err
	}
	if checkOnly {
		fmt.Fprintf(e.stdout, "MCP Tray %s is available (this is %s). Run 'mcptray update-app' to install it.\n", display.Line(offer.Version), version)
		if offer.Notes != "" {
			fmt.Fprintln(e.stdout, display.Text(offer.Notes))
		}
		return nil
	}
	if err := c.Apply(ctx, offer, dir); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Updated MCP Tray from %s to %s; the previous version is kept ('mcptray update-app --rollback' goes back). Quit MCP Tray and start it again to use the new one.\n", version, display.Line(offer.Version))
	return nil
}

// recordCheck notes the time of a check; failing to note it changes nothing else.
func recordCheck(e *env) {
	path := release.SettingsFile(e.home.StateDir())
	s, err := release.LoadSettings(path)
	if err != nil {
		return
	}
	s.LastCheck = time.Now()
	release.SaveSettings(path, s)
}
