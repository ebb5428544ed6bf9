package daemon

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/mcptray/mcptray/autostart"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/policy"
)

// SettingsResult is the answer of settings.get and settings.set.
type SettingsResult struct {
	// ApprovalTimeoutSeconds is in effect now (the default filled in).
	ApprovalTimeoutSeconds int `json:"approvalTimeoutSeconds"`
	// StartAtLogin is whether MCP Tray starts when the person logs in (the entry exists).
	StartAtLogin bool `json:"startAtLogin"`
	// Theme is "light", "dark" or "" for the system's.
	Theme string `json:"theme"`
}

// SettingsParams changes settings with settings.set; a nil field is left as it is.
type SettingsParams struct {
	ApprovalTimeoutSeconds *int    `json:"approvalTimeoutSeconds,omitempty"`
	StartAtLogin           *bool   `json:"startAtLogin,omitempty"`
	Theme                  *string `json:"theme,omitempty"`
}

// AuditParams selects audit.recent's records.
type AuditParams struct {
	// Limit is how many of the newest records to return: 0 means 200, at most 2000.
	Limit  int    `json:"limit"`
	Server string `json:"server,omitempty"`
}

// AuditResult is the answer of audit.recent: newest first.
type AuditResult struct {
	Entries []policy.AuditRecord `json:"entries"`
}

// AutostartEntry is MCP Tray's start-at-login entry: it runs the mcptray program, which opens
// the tray app.
func (d *Daemon) autostartEntry() (autostart.Entry, error) {
	bin := d.opts.Binary
	if bin == "" {
		var err error
		if bin, err = DefaultBinary(); err != nil {
			return autostart.Entry{}, err
		}
	}
	return autostart.Entry{ID: "io.github.mcptray", Name: "MCP Tray", Command: bin,
		Comment: "Runs your MCP servers and asks you before risky tool calls"}, nil
}

func (d *Daemon) settingsRoutes() {
	c := d.ctl
	c.Handle("settings.get", func(ctx context.Context, _ json.RawMessage) (any, error) {
		return d.settings()
	})
	c.Handle("settings.set", func(ctx context.Context, raw json.RawMessage) (any, error) {
		p, err := decode[SettingsParams](raw)
		if err != nil {
			return nil, err
		}
		if t := p.ApprovalTimeoutSeconds; t != nil && (*t < 5 || *t > 3600) {
			return nil, &control.Error{Code: control.CodeBadRequest, Message: "Choose a waiting time between 5 seconds and 1 hour."}
		}
		if t := p.Theme; t != nil && *t != "" && *t != "light" && *t != "dark" {
			return nil, &control.Error{Code: control.CodeBadRequest, Message: "Choose a light, dark or the system's theme."}
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
				return nil, fmt.Errorf("MCP Tray could not change whether it starts at login: %w", err)
			}
		}
		err = d.opts.Home.Update(func(c *config.Config) error {
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
			return nil, fmt.Errorf("MCP Tray could not save your settings: %w", err)
		}
		if p.ApprovalTimeoutSeconds != nil {
			d.guard.broker.SetTimeout(time.Duration(*p.ApprovalTimeoutSeconds) * time.Second)
		}
		res, err := d.settings()
		if err == nil {
			d.notes.Publish(Note{Kind: NoteSettings})
		}
		return res, err
	})
	c.Handle("audit.recent", func(ctx context.Context, raw json.RawMessage) (any, error) {
		p, err := decode[AuditParams](raw)
		if err != nil {
			return nil, err
		}
		limit := p.Limit
		if limit <= 0 {
			limit = 200
		}
		limit = min(limit, 2000)
		recs, err := policy.ReadAudit(d.opts.Home.AuditDir(), policy.AuditQuery{Server: p.Server, Last: limit})
		if err != nil {
			return nil, err
		}
		out := make([]policy.AuditRecord, 0, len(recs))
		for i := len(recs) - 1; i >= 0; i-- {
			out = append(out, recs[i])
		}
		return AuditResult{Entries: out}, nil
	})
}

// settings reads the settings from config.json and the start-at-login entry.
func (d *Daemon) settings() (SettingsResult, error) {
	cfg, err := d.opts.Home.Load()
	if err != nil {
		return SettingsResult{}, err
	}
	res := SettingsResult{ApprovalTimeoutSeconds: cfg.Settings.ApprovalTimeoutSeconds, Theme: cfg.Settings.Theme}
	if res.ApprovalTimeoutSeconds == 0 {
		res.ApprovalTimeoutSeconds = int(DefaultApprovalTimeout / time.Second)
	}
	if e, err := d.autostartEntry(); err == nil {
		res.StartAtLogin, _ = autostart.Enabled(e)
	}
	return res, nil
}
