package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/internal/display"
	"github.com/mcptray/mcptray/keychain"
)

// Every change this program writes to config.json is MCP Tray's own: it is accepted as it is
// written, so the running MCP Tray does not hold it for review. Other programs' changes to
// config.json (and the person's by hand) wait for `mcptray config review`.
func init() { config.SetWriteHook(acceptOwnWrite) }

// acceptOwnWrite is the config write hook of the command line. With MCP Tray running it tells
// it about the change (api.ConfigExpect), which MCP Tray takes only from the person's own
// terminal: when it refuses, nothing is written. Without MCP Tray it records the change in
// accepted.json itself.
func acceptOwnWrite(h config.Home, before, after *config.Config) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := &control.Client{Path: h.SocketPath()}
	_, err := api.Call(ctx, c, api.ConfigExpect, api.ExpectParams{Before: before, After: after})
	if errors.Is(err, control.ErrNotRunning) {
		acceptLocally(ctx, h, before, after)
		return nil
	}
	if err != nil {
		return fmt.Errorf("%w Nothing was changed", err)
	}
	return nil
}

// acceptLocally records a change in accepted.json when MCP Tray is not running
// (config.AcceptLocally). When the record cannot be read or sealed, the change is written
// anyway and waits for the person's confirmation when MCP Tray next starts.
func acceptLocally(ctx context.Context, h config.Home, before, after *config.Config) {
	if err := config.AcceptLocally(ctx, h, keychain.System(keychain.Options{}), before, after); err != nil {
		fmt.Fprintf(os.Stderr, "Note: MCP Tray will ask you to confirm this change when it starts (%v).\n", err)
	}
}

// reviewLocally is what waits in config.json when MCP Tray is not running
// (config.ReviewLocally), with AI apps named as the command line names them.
func reviewLocally(e *env) (*config.LocalReview, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	return config.ReviewLocally(ctx, e.home, e.keys(), config.ReviewOptions{ClientName: clientName})
}

// effectiveConfig is config.json without what waits for the person, for writing AI apps'
// settings when MCP Tray is not running.
func (e *env) effectiveConfig() (*config.Config, error) {
	r, err := reviewLocally(e)
	if err != nil {
		return nil, err
	}
	return r.Effective, nil
}

func clientName(id string) string {
	if c, err := clientArg(id); err == nil {
		return c.Name()
	}
	return ""
}

func newConfigCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Review changes to config.json that MCP Tray did not make itself",
	}
	cmd.AddCommand(newConfigReviewCmd(e))
	return cmd
}

func newConfigReviewCmd(e *env) *cobra.Command {
	var accept string
	var discard bool
	cmd := &cobra.Command{
		Use:   "review [--accept CODE | --discard]",
		Short: "Show what a change to config.json would let run, and accept or undo it",
		Long: `A change to config.json that MCP Tray did not make itself and that lets more run
(a new server, a changed command, an AI app seeing more servers, trust, an allow rule, a
Kubernetes context) waits until you confirm it. Tightening changes apply at once.

With no flag, review lists what waits and a code. --accept CODE accepts exactly that
change; if config.json changed again since, review it again. --discard puts config.json
back to what MCP Tray runs.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if accept != "" && discard {
				return usageError{errors.New("use --accept or --discard, not both")}
			}
			if e.daemonRunning() {
				return configReviewRemote(e, accept, discard)
			}
			return configReviewLocal(e, accept, discard)
		},
	}
	cmd.Flags().StringVar(&accept, "accept", "", "accept the change with this code (shown by review)")
	cmd.Flags().BoolVar(&discard, "discard", false, "undo the change: put config.json back to what MCP Tray runs")
	return cmd
}

// nothingToUndo answers --discard when no change waits.
const nothingToUndo = "Nothing to undo: config.json is already what MCP Tray runs."

func configReviewRemote(e *env, accept string, discard bool) error {
	var res api.PendingResult
	switch {
	case accept != "":
		if err := call(e, api.ConfigConfirm, api.ConfirmParams{Fingerprint: accept}, &res); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, "Accepted. MCP Tray now runs config.json as it is.")
	case discard:
		if err := call(e, api.ConfigPending, api.None{}, &res); err != nil {
			return err
		}
		if !res.Pending {
			fmt.Fprintln(e.stdout, nothingToUndo)
			return nil
		}
		if err := call(e, api.ConfigDiscard, api.None{}, &res); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, "Undone: config.json is back to what MCP Tray runs.")
	default:
		if err := call(e, api.ConfigPending, api.None{}, &res); err != nil {
			return err
		}
	}
	printPending(e, res, accept != "" || discard)
	return nil
}

func configReviewLocal(e *env, accept string, discard bool) error {
	r, err := reviewLocally(e)
	if err != nil {
		return err
	}
	switch {
	case accept != "":
		if err := r.Accept(accept); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, "Accepted. MCP Tray will run config.json as it is.")
		return nil
	case discard:
		if !r.Pending.Pending {
			fmt.Fprintln(e.stdout, nothingToUndo)
			return nil
		}
		if err := r.Discard(); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, "Undone: config.json is back to what MCP Tray runs.")
		return nil
	}
	printPending(e, r.Pending, false)
	return nil
}

// printPending lists what waits, numbered, with the code to accept it.
func printPending(e *env, res api.PendingResult, quietWhenNone bool) {
	if !res.Pending {
		if !quietWhenNone {
			fmt.Fprintln(e.stdout, "Nothing in config.json waits for your confirmation.")
		}
		return
	}
	fmt.Fprintln(e.stdout, "A change to config.json that MCP Tray did not make waits for your confirmation:")
	for i, c := range res.Changes {
		fmt.Fprintf(e.stdout, "  %d. %s\n", i+1, display.Line(c))
	}
	code := display.Line(res.Fingerprint)
	fmt.Fprintf(e.stdout, "Code: %s\n", code)
	fmt.Fprintf(e.stdout, "To accept exactly this: mcptray config review --accept %s\n", code)
	fmt.Fprintln(e.stdout, "To undo it:             mcptray config review --discard")
}
