package daemon

import (
	"context"
	"slices"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/clients/reconcile"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/keychain"
)

func (d *Daemon) appClientRoutes() {
	c := d.ctl
	api.Handle(c, api.ClientsSet, func(ctx context.Context, p api.ClientSetParams) (api.ClientsResult, error) {
		if _, err := knownClient(p.Client); err != nil {
			return api.ClientsResult{}, err
		}
		err := d.opts.Home.Update(func(cfg *config.Config) error {
			if !p.Enabled {
				reconcile.DisableClient(cfg, p.Client, nil)
				return nil
			}
			for _, s := range p.Servers {
				if _, ok := cfg.Servers[s]; !ok {
					return api.Errorf(api.ErrNotFound, "There is no server named %q in MCP Tray.", s)
				}
			}
			reconcile.EnableClient(cfg, p.Client, nil)
			cfg.Clients[p.Client].Servers = slices.Clone(p.Servers)
			return nil
		})
		if err != nil {
			return api.ClientsResult{}, err
		}
		cfg, err := d.confirm.Effective() // not what waits for the person (confirm.go)
		if err != nil {
			return api.ClientsResult{}, err
		}
		d.clients.ReconcileClient(cfg, p.Client) // at once, as `client enable` does
		return d.clients.Status(cfg), nil
	})
	api.Handle(c, api.ClientsStatus, func(ctx context.Context, _ api.None) (api.ClientsResult, error) {
		return *d.freshClientStatus(), nil
	})
	api.Handle(c, api.ClientsImport, func(ctx context.Context, p api.ClientImportParams) (api.ClientImportResult, error) {
		var none api.ClientImportResult
		cl, err := knownClient(p.Client)
		if err != nil {
			return none, err
		}
		keys, err := d.keys()
		if err != nil {
			return none, err
		}
		plan, err := reconcile.PlanImport(d.importOptions(keys), cl.ID())
		if err != nil {
			return none, err
		}
		res := importResult(plan)
		if p.DryRun || len(plan.Servers) == 0 {
			return res, nil
		}
		if p.AllowAutoApproved {
			plan.AllowAutoApproved()
		}
		kctx, cancel := context.WithTimeout(ctx, keychainTimeout)
		defer cancel()
		done, err := plan.Execute(kctx)
		res.Warnings = append(res.Warnings, done.Warnings...)
		if err != nil {
			return none, err
		}
		res.Done, res.Backups = true, append(res.Backups, done.Backups...)
		res.Clients = d.freshClientStatus()
		return res, nil
	})
	api.Handle(c, api.ClientsRestore, func(ctx context.Context, p api.ClientParams) (api.ClientRestoreResult, error) {
		var none api.ClientRestoreResult
		cl, err := knownClient(p.Client)
		if err != nil {
			return none, err
		}
		var r reconcile.Restored
		err = d.withKeychain(ctx, func(ctx context.Context, keys keychain.Store) error {
			r, err = reconcile.RestoreClient(ctx, d.importOptions(keys), cl.ID())
			return err
		})
		if err != nil {
			return none, err
		}
		res := api.ClientRestoreResult{Client: cl.ID(), Files: []string{}, Messages: []string{}, Disabled: r.Disabled, Warnings: append([]string{}, r.Warnings...)}
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
func (d *Daemon) freshClientStatus() *api.ClientsResult {
	cfg, err := d.opts.Home.Load()
	if err != nil {
		d.mu.Lock()
		cfg = d.cfg
		d.mu.Unlock()
	}
	res := d.clients.Status(cfg)
	return &res
}

func (d *Daemon) importOptions(keys keychain.Store) reconcile.ImportOptions {
	return reconcile.ImportOptions{Home: d.opts.Home, Env: d.opts.ClientEnv, Binary: d.opts.Binary, Keys: keys}
}

func knownClient(id string) (clients.Client, error) {
	c, ok := clients.ByID(id)
	if !ok {
		return nil, api.Errorf(api.ErrNotFound, "MCP Tray does not know an AI client called %q.", id)
	}
	return c, nil
}

func importResult(p *reconcile.ImportPlan) api.ClientImportResult {
	res := api.ClientImportResult{Client: p.Client.ID(), Name: p.Client.Name(), RestartHint: p.Client.RestartHint(),
		Servers: []api.ClientImportEntry{}, Skipped: []api.ClientImportSkip{}, Backups: []string{}, Warnings: []string{},
		AutoApproved: p.AutoApproved()}
	for _, s := range p.Servers {
		e := api.ClientImportEntry{Key: s.Key, Name: s.Name, Path: s.Path, Note: s.Note, Secrets: []string{}}
		if !s.Same && s.Server != nil {
			e.Command = append([]string{s.Server.Command}, s.Server.Args...)
			e.Secrets = append(e.Secrets, s.Server.Secrets...)
		}
		res.Servers = append(res.Servers, e)
	}
	for _, s := range p.Skipped {
		res.Skipped = append(res.Skipped, api.ClientImportSkip{Key: s.Key, Reason: s.Reason})
	}
	return res
}
