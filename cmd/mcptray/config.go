package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/daemon"
	"github.com/mcptray/mcptray/internal/display"
	"github.com/mcptray/mcptray/keychain"
)

// Every change this program writes to config.json is MCP Tray's own: it is accepted as it is
// written, so the running MCP Tray does not hold it for review. Other programs' changes to
// config.json (and the person's by hand) wait for `mcptray config review`.
func init() { config.SetWriteHook(acceptOwnWrite) }

// acceptOwnWrite is the config write hook of the command line. With MCP Tray running it tells
// it about the change (config.expect), which MCP Tray takes only from the person's own
// terminal: when it refuses, nothing is written. Without MCP Tray it records the change in
// accepted.json itself.
func acceptOwnWrite(h config.Home, before, after *config.Config) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := &control.Client{Path: h.SocketPath()}
	err := c.Call(ctx, "config.expect", daemon.ExpectParams{Before: before, After: after}, nil)
	if errors.Is(err, control.ErrNotRunning) {
		acceptLocally(ctx, h, before, after)
		return nil
	}
	if err != nil {
		return fmt.Errorf("%w Nothing was changed", err)
	}
	return nil
}

// acceptLocally records a change in accepted.json when MCP Tray is not running. When the
// record cannot be read or sealed, the change is written anyway and waits for the person's
// confirmation when MCP Tray next starts.
func acceptLocally(ctx context.Context, h config.Home, before, after *config.Config) {
	note := func(err error) {
		fmt.Fprintf(os.Stderr, "Note: MCP Tray will ask you to confirm this change when it starts (%v).\n", err)
	}
	key, err := h.LoadAcceptKey(ctx, keychain.System(keychain.Options{}))
	if err != nil {
		note(err)
		return
	}
	acc, err := h.LoadAccepted(key)
	switch {
	case errors.Is(err, config.ErrNoAccepted):
		acc = before // the first record: config.json as it was predates it
	case err != nil:
		note(err)
		return
	}
	next, err := config.Carry(before, after, acc)
	if err != nil {
		note(err)
		return
	}
	if err := h.SaveAccepted(key, next); err != nil {
		note(err)
	}
}

// localReview is what waits in config.json when MCP Tray is not running: accepted.json
// (sealed with the key in the keychain) against config.json, as the daemon would review it.
// It reads the keychain once; review keeps the key for accepting.
type localReview struct {
	key                           config.AcceptKey
	accepted, proposed, effective *config.Config
	res                           daemon.PendingResult
}

func reviewLocally(e *env) (*localReview, error) {
	proposed, err := e.home.Load()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	key, err := e.home.LoadAcceptKey(ctx, e.keys())
	if err != nil {
		return nil, err
	}
	r := &localReview{key: key, proposed: proposed, res: daemon.PendingResult{Changes: []string{}}}
	r.accepted, err = e.home.LoadAccepted(key)
	switch {
	case errors.Is(err, config.ErrNoAccepted):
		r.accepted, r.effective = proposed, proposed
		return r, nil
	case errors.Is(err, config.ErrTampered):
		r.accepted = &config.Config{Servers: map[string]*config.Server{}}
		r.res.Changes = append(r.res.Changes, "Another program changed or removed MCP Tray's record of what you accepted, so MCP Tray runs nothing from config.json until you confirm it.")
	case err != nil:
		return nil, err
	}
	effective, changes := config.Review(r.accepted, proposed, config.ReviewOptions{ClientName: clientName})
	r.effective = effective
	if len(changes) > 0 {
		r.res.Pending, r.res.Fingerprint = true, config.Fingerprint(proposed)
		r.res.Changes = append(r.res.Changes, changes...)
	} else {
		r.res.Changes = []string{}
	}
	return r, nil
}

// effectiveConfig is config.json without what waits for the person, for writing AI apps'
// settings when MCP Tray is not running.
func (e *env) effectiveConfig() (*config.Config, error) {
	r, err := reviewLocally(e)
	if err != nil {
		return nil, err
	}
	return r.effective, nil
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
	var res daemon.PendingResult
	switch {
	case accept != "":
		if err := e.call("config.confirm", daemon.ConfirmParams{Fingerprint: accept}, &res); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, "Accepted. MCP Tray now runs config.json as it is.")
	case discard:
		if err := e.call("config.pending", nil, &res); err != nil {
			return err
		}
		if !res.Pending {
			fmt.Fprintln(e.stdout, nothingToUndo)
			return nil
		}
		if err := e.call("config.discard", nil, &res); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, "Undone: config.json is back to what MCP Tray runs.")
	default:
		if err := e.call("config.pending", nil, &res); err != nil {
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
		if !r.res.Pending {
			return errors.New("no change to config.json waits for your confirmation")
		}
		changedAgain := errors.New("config.json changed again since you reviewed it, so nothing was accepted; review it again (mcptray config review)")
		if accept != r.res.Fingerprint {
			return changedAgain
		}
		err := e.home.Locked(func() error {
			now, err := e.home.Load()
			if err != nil {
				return err
			}
			if config.Fingerprint(now) != accept {
				return changedAgain
			}
			return e.home.SaveAccepted(r.key, r.proposed)
		})
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, "Accepted. MCP Tray will run config.json as it is.")
		return nil
	case discard:
		if !r.res.Pending {
			fmt.Fprintln(e.stdout, nothingToUndo)
			return nil
		}
		err := e.home.Update(func(c *config.Config) error {
			// Review what is there now, under the lock, against what the person accepted.
			eff, _ := config.Review(r.accepted, c, config.ReviewOptions{ClientName: clientName})
			*c = *eff
			return nil
		})
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, "Undone: config.json is back to what MCP Tray runs.")
		return nil
	}
	printPending(e, r.res, false)
	return nil
}

// printPending lists what waits, numbered, with the code to accept it.
func printPending(e *env, res daemon.PendingResult, quietWhenNone bool) {
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
