package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/installer"
)

// interruptContext ends when the person presses Ctrl-C (or the command is terminated), so a
// running install is cancelled and MCP Tray takes back what it did.
func interruptContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// ensureDaemon starts MCP Tray in the background when it is not running, and waits until it
// answers (at most 15 s).
func ensureDaemon(ctx context.Context, e *env) error {
	if e.daemonRunning() {
		return nil
	}
	fmt.Fprintln(e.stderr, "MCP Tray is not running; starting it in the background.")
	if err := startBackground(e); err != nil {
		return fmt.Errorf("MCP Tray is not running and could not be started: %w", err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for delay := 20 * time.Millisecond; ; delay = min(delay*2, 250*time.Millisecond) {
		if e.daemonRunning() {
			return nil
		}
		if time.Now().After(deadline) {
			return errors.New("MCP Tray did not start within 15 seconds; open it from your applications menu and try again")
		}
		select {
		case <-ctx.Done():
			return errors.New("cancelled; nothing was installed")
		case <-time.After(delay):
		}
	}
}

// runProgress runs an install-like stream (api.Install, api.Update) on the daemon, starting it
// when needed, and prints each progress line: its message, or with asJSON the line itself.
// It returns the last line; a "failed" last line is returned as an error whose text is the
// line's sentence (already printed when asJSON).
func runProgress[P any](ctx context.Context, e *env, s api.Stream[P, installer.Progress], params P, asJSON bool) (installer.Progress, error) {
	if err := ensureDaemon(ctx, e); err != nil {
		return installer.Progress{}, err
	}
	var last installer.Progress
	err := api.OpenStreamRaw(ctx, e.client(), s, params, func(raw json.RawMessage) error {
		var p installer.Progress
		if err := json.Unmarshal(raw, &p); err != nil {
			return fmt.Errorf("MCP Tray sent a progress line this version cannot read: %w", err)
		}
		last = p
		switch {
		case asJSON:
			fmt.Fprintln(e.stdout, string(raw))
		case p.Step == installer.StepFailed:
			// printed once, as the command's error
		case p.Step == installer.StepDone:
			fmt.Fprintln(e.stdout, p.Message)
		default:
			fmt.Fprintf(e.stdout, "  %s\n", p.Message)
		}
		return nil
	})
	switch {
	case errors.Is(err, context.Canceled):
		return last, errors.New("cancelled; MCP Tray takes back what it had done, so nothing is left half installed")
	case errors.Is(err, control.ErrNotRunning):
		return last, err
	case err != nil:
		return last, err
	case last.Step == installer.StepFailed:
		if asJSON {
			return last, silentError{errors.New(last.Message)}
		}
		return last, errors.New(last.Message)
	case last.Step != installer.StepDone:
		return last, errors.New("MCP Tray stopped before it finished; run the command again")
	}
	return last, nil
}
