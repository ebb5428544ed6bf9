package daemon

import (
	"context"
	"errors"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/config"
)

// What the person accepted in config.json, and what waits for them (config.Acceptance).

// newConfirm builds what keeps the accepted configuration, wired to the daemon's log and
// notes, and makes the daemon's own writes to config.json accepted ones. New calls it once.
func (d *Daemon) newConfirm() *config.Acceptance {
	a := config.NewAcceptance(config.AcceptanceOptions{Home: d.opts.Home, Keys: d.opts.Keys, Log: d.log,
		Review: config.ReviewOptions{ClientName: func(id string) string {
			if c, ok := clients.ByID(id); ok {
				return c.Name()
			}
			return ""
		}},
		Notify: func(summary string) {
			if summary == "" {
				d.notes.Publish(api.Note{Kind: api.NoteConfigPendingCleared})
				return
			}
			d.notes.Publish(api.Note{Kind: api.NoteConfigPending, Message: summary})
		}})
	config.HookHome(d.opts.Home, a.Write)
	return a
}

// confirmRoutes registers the config.* methods.
func (d *Daemon) confirmRoutes() {
	api.Handle(d.ctl, api.ConfigPending, func(context.Context, api.None) (api.PendingResult, error) {
		return d.confirm.Pending(), nil
	})
	api.Handle(d.ctl, api.ConfigConfirm, func(_ context.Context, p api.ConfirmParams) (api.PendingResult, error) {
		if err := d.confirm.Confirm(p.Fingerprint); err != nil {
			if errors.Is(err, config.ErrNothingPending) || errors.Is(err, config.ErrChangedAgain) {
				err = api.Errorf(api.ErrFailed, "%s", err.Error())
			}
			return api.PendingResult{}, err
		}
		d.reload()
		return d.confirm.Pending(), nil
	})
	api.Handle(d.ctl, api.ConfigDiscard, func(context.Context, api.None) (api.PendingResult, error) {
		if err := d.confirm.Discard(); err != nil {
			return api.PendingResult{}, err
		}
		d.reload()
		return d.confirm.Pending(), nil
	})
	api.Handle(d.ctl, api.ConfigExpect, func(_ context.Context, p api.ExpectParams) (api.None, error) {
		if p.Before == nil || p.After == nil {
			return api.None{}, api.Errorf(api.ErrBadRequest, "MCP Tray needs the config before and after the change.")
		}
		return api.None{}, d.confirm.Write(d.opts.Home, p.Before, p.After)
	})
}
