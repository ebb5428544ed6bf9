package daemon

import (
	"context"
	"fmt"
	"time"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/autostart"
	"github.com/mcptray/mcptray/clients/reconcile"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/policy"
)

// AutostartEntry is MCP Tray's start-at-login entry: it runs the mcptray program, which opens
// the tray app.
func (d *Daemon) autostartEntry() (autostart.Entry, error) {
	bin := d.opts.Binary
	if bin == "" {
		var err error
		if bin, err = reconcile.DefaultBinary(); err != nil {
			return autostart.Entry{}, err
		}
	}
	return autostart.Entry{ID: "io.github.mcptray", Name: "MCP Tray", Command: bin,
		Comment: "Runs your MCP servers and asks you before risky tool calls"}, nil
}

func (d *Daemon) settingsRoutes() {
	c := d.ctl
	api.Handle(c, api.SettingsGet, func(ctx context.Context, _ api.None) (api.SettingsResult, error) {
		return d.settings()
	})
	api.Handle(c, api.SettingsSet, func(ctx context.Context, p api.SettingsParams) (api.SettingsResult, error) {
		if t := p.ApprovalTimeoutSeconds; t != nil && (*t < 5 || *t > 3600) {
			return api.SettingsResult{}, api.Errorf(api.ErrBadRequest, "Choose a waiting time between 5 seconds and 1 hour.")
		}
		if t := p.Theme; t != nil && *t != "" && *t != "light" && *t != "dark" {
			return api.SettingsResult{}, api.Errorf(api.ErrBadRequest, "Choose a light, dark or the system's theme.")
		}
		if p.StartAtLogin != nil {
			e, err := d.autostartEntry()
			if err == nil {
				if *p.StartAtLogin {
					err = autostart.Enable(e)
				} else {
					err = autostart.Disable(e)
				}
			}
			if err != nil {
				return api.SettingsResult{}, fmt.Errorf("MCP Tray could not change whether it starts at login: %w", err)
			}
		}
		err := d.opts.Home.Update(func(c *config.Config) error {
			if p.ApprovalTimeoutSeconds != nil {
				c.Settings.ApprovalTimeoutSeconds = *p.ApprovalTimeoutSeconds
			}
			if p.StartAtLogin != nil {
				c.Settings.StartAtLogin = *p.StartAtLogin
			}
			if p.Theme != nil {
				c.Settings.Theme = *p.Theme
			}
			return nil
		})
		if err != nil {
			return api.SettingsResult{}, fmt.Errorf("MCP Tray could not save your settings: %w", err)
		}
		if p.ApprovalTimeoutSeconds != nil {
			d.guard.broker.SetTimeout(time.Duration(*p.ApprovalTimeoutSeconds) * time.Second)
		}
		res, err := d.settings()
		if err == nil {
			d.notes.Publish(api.Note{Kind: api.NoteSettings})
		}
		return res, err
	})
	api.Handle(c, api.AuditFlush, func(ctx context.Context, _ api.None) (api.None, error) {
		d.flushAudit()
		return api.None{}, nil
	})
	api.Handle(c, api.AuditRecent, func(ctx context.Context, p api.AuditParams) (api.AuditResult, error) {
		d.flushAudit() // the calls that ended before the question are in the answer
		limit := p.Limit
		if limit <= 0 {
			limit = 200
		}
		limit = min(limit, 2000)
		recs, err := policy.ReadAudit(d.opts.Home.AuditDir(), policy.AuditQuery{Server: p.Server, Last: limit})
		if err != nil {
			return api.AuditResult{}, err
		}
		out := make([]policy.AuditRecord, 0, len(recs))
		for i := len(recs) - 1; i >= 0; i-- {
			out = append(out, recs[i])
		}
		return api.AuditResult{Entries: out}, nil
	})
}

// settings reads the settings from config.json and the start-at-login entry.
func (d *Daemon) settings() (api.SettingsResult, error) {
	cfg, err := d.opts.Home.Load()
	if err != nil {
		return api.SettingsResult{}, err
	}
	res := api.SettingsResult{ApprovalTimeoutSeconds: cfg.Settings.ApprovalTimeoutSeconds, Theme: cfg.Settings.Theme}
	if res.ApprovalTimeoutSeconds == 0 {
		res.ApprovalTimeoutSeconds = int(DefaultApprovalTimeout / time.Second)
	}
	if e, err := d.autostartEntry(); err == nil {
		res.StartAtLogin, _ = autostart.Enabled(e)
	}
	return res, nil
}
