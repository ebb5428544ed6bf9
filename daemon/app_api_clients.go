package daemon

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/keychain"
)

// ClientSetParams says which servers an AI client sees (clients.set).
type ClientSetParams struct {
	Client  string `json:"client"`
	Enabled bool   `json:"enabled"`
	// Servers limits the client to these servers; empty means every server.
	Servers []string `json:"servers"`
}

// ClientImportParams asks for an import plan (DryRun) or carries it out (clients.import).
type ClientImportParams struct {
	Client string `json:"client"`
	DryRun bool   `json:"dryRun"`
}

// ClientImportResult is what clients.import planned or did.
type ClientImportResult struct {
	Client string `json:"client"`
	Name   string `json:"name"` // the client's name for people
	// Done is false for a dry run.
	Done     bool                `json:"done"`
	Servers  []ClientImportEntry `json:"servers"`
	Skipped  []ClientImportSkip  `json:"skipped"`
	Backups  []string            `json:"backups"`
	Warnings []string            `json:"warnings"`
	// RestartHint says how to restart the client so it sees the change.
	RestartHint string `json:"restartHint"`
	// Clients is every client's status after the import (config.json as it is now).
	Clients *ClientsResult `json:"clients,omitempty"`
}

// ClientImportEntry is one of the client's entries that becomes an MCP Tray server.
type ClientImportEntry struct {
	Key     string   `json:"key"`
	Name    string   `json:"name"`
	Path    string   `json:"path"`
	Note    string   `json:"note,omitempty"`
	Command []string `json:"command,omitempty"`
	// Secrets are the names of the values that go to the keychain.
	Secrets []string `json:"secrets"`
}

// ClientImportSkip is an entry the import leaves alone, and why.
type ClientImportSkip struct {
	Key    string `json:"key"`
	Reason string `json:"reason"`
}

// ClientRestoreResult is what clients.restore put back.
type ClientRestoreResult struct {
	Client   string   `json:"client"`
	Files    []string `json:"files"`
	Messages []string `json:"messages"`
	Disabled bool     `json:"disabled"`
	Warnings []string `json:"warnings"`
	// Clients is every client's status after the restore.
	Clients *ClientsResult `json:"clients,omitempty"`
}

func (d *Daemon) appClientRoutes() {
	c := d.ctl
	c.Handle("clients.set", func(ctx context.Context, raw json.RawMessage) (any, error) {
		p, err := decode[ClientSetParams](raw)
		if err != nil {
			return nil, err
		}
		if _, err := knownClient(p.Client); err != nil {
			return nil, err
		}
		err = d.opts.Home.Update(func(cfg *config.Config) error {
			if !p.Enabled {
				DisableClient(cfg, p.Client, nil)
				return nil
			}
			for _, s := range p.Servers {
				if _, ok := cfg.Servers[s]; !ok {
					return &control.Error{Code: control.CodeNotFound, Message: fmt.Sprintf("There is no server named %q in MCP Tray.", s)}
				}
			}
			EnableClient(cfg, p.Client, nil)
			cfg.Clients[p.Client].Servers = slices.Clone(p.Servers)
			return nil
		})
		if err != nil {
			return nil, err
		}
		cfg, err := d.effectiveConfig() // not what waits for the person (confirm.go)
		if err != nil {
			return nil, err
		}
		d.clients.ReconcileClient(cfg, p.Client) // at once, as `client enable` does
		return d.clients.Status(cfg), nil
	})
	c.Handle("clients.status", func(ctx context.Context, _ json.RawMessage) (any, error) {
		return d.freshClientStatus(), nil
	})
	c.Handle("clients.import", func(ctx context.Context, raw json.RawMessage) (any, error) {
		p, err := decode[ClientImportParams](raw)
		if err != nil {
			return nil, err
		}
		cl, err := knownClient(p.Client)
		if err != nil {
			return nil, err
		}
		keys, err := d.keys()
		if err != nil {
			return nil, err
		}
		plan, err := PlanImport(d.importOptions(keys), cl.ID())
		if err != nil {
			return nil, err
		}
		res := importResult(plan)
		if p.DryRun || len(plan.Servers) == 0 {
			return res, nil
		}
		kctx, cancel := context.WithTimeout(ctx, keychainTimeout)
		defer cancel()
		done, err := plan.Execute(kctx)
		res.Warnings = append(res.Warnings, done.Warnings...)
		if err != nil {
			return nil, err
		}
		res.Done, res.Backups = true, append(res.Backups, done.Backups...)
		res.Clients = d.freshClientStatus()
		return res, nil
	})
	c.Handle("clients.restore", func(ctx context.Context, raw json.RawMessage) (any, error) {
		p, err := decode[ClientParams](raw)
		if err != nil {
			return nil, err
		}
		cl, err := knownClient(p.Client)
		if err != nil {
			return nil, err
		}
		var r Restored
		err = d.withKeychain(ctx, func(ctx context.Context, keys keychain.Store) error {
			r, err = RestoreClient(ctx, d.importOptions(keys), cl.ID())
			return err
		})
		if err != nil {
			return nil, err
		}
		res := ClientRestoreResult{Client: cl.ID(), Files: []string{}, Messages: []string{}, Disabled: r.Disabled, Warnings: nonNilList(r.Warnings)}
		for _, f := range r.Files {
			res.Files = append(res.Files, f.Path)
			res.Messages = append(res.Messages, f.Message)
		}
		res.Clients = d.freshClientStatus()
		return res, nil
	})
}

// freshClientStatus describes the clients with config.json as it is on disk now, not as the
// watcher last applied it, so a change just made shows at once.
func (d *Daemon) freshClientStatus() *ClientsResult {
	cfg, err := d.opts.Home.Load()
	if err != nil {
		d.mu.Lock()
		cfg = d.cfg
		d.mu.Unlock()
	}
	res := d.clients.Status(cfg)
	return &res
}

func (d *Daemon) importOptions(keys keychain.Store) ImportOptions {
	return ImportOptions{Home: d.opts.Home, Env: d.opts.ClientEnv, Binary: d.opts.Binary, Keys: keys}
}

func knownClient(id string) (clients.Client, error) {
	c, ok := clients.ByID(id)
	if !ok {
		return nil, &control.Error{Code: control.CodeNotFound, Message: fmt.Sprintf("MCP Tray does not know an AI client called %q.", id)}
	}
	return c, nil
}

func importResult(p *ImportPlan) ClientImportResult {
	res := ClientImportResult{Client: p.Client.ID(), Name: p.Client.Name(), RestartHint: p.Client.RestartHint(),
		Servers: []ClientImportEntry{}, Skipped: []ClientImportSkip{}, Backups: []string{}, Warnings: []string{}}
	for _, s := range p.Servers {
		e := ClientImportEntry{Key: s.Key, Name: s.Name, Path: s.Path, Note: s.Note, Secrets: []string{}}
		if !s.Same && s.Server != nil {
			e.Command = append([]string{s.Server.Command}, s.Server.Args...)
			e.Secrets = append(e.Secrets, s.Server.Secrets...)
		}
		res.Servers = append(res.Servers, e)
	}
	for _, s := range p.Skipped {
		res.Skipped = append(res.Skipped, ClientImportSkip{Key: s.Key, Reason: s.Reason})
	}
	return res
}
