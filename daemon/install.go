package daemon

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/installer"
)

// installRoutes registers the catalog and install methods (docs/catalog-json.md):
// api.CatalogList, api.CatalogPlan, the api.Install and api.Update streams, api.CatalogOutdated,
// api.Probe and api.BundleOpen.
func (d *Daemon) installRoutes() {
	c := d.ctl
	api.Handle(c, api.CatalogList, func(ctx context.Context, p installer.ListParams) (installer.ListResult, error) {
		entries, registry, err := d.newInstaller().Source.Search(ctx, p.Query)
		if err != nil {
			return installer.ListResult{}, err
		}
		cfg, _ := d.opts.Home.Load()
		return installer.ListResult{Entries: installer.Views(entries, cfg, nil), Registry: registry}, nil
	})
	api.Handle(c, api.CatalogPlan, func(ctx context.Context, p installer.PlanParams) (installer.PlanView, error) {
		if p.ID == "" {
			return installer.PlanView{}, api.Errorf(api.ErrBadRequest, "catalog.plan needs the id of a catalog entry or a bundle.")
		}
		return d.newInstaller().Plan(ctx, p)
	})
	api.HandleStream(c, api.Install, func(ctx context.Context, req installer.Request, send func(installer.Progress) error) error {
		// A failed install is a "failed" line, not a stream error: the stream ends cleanly.
		d.newInstaller().Install(ctx, req, func(p installer.Progress) { send(p) })
		return nil
	})
	api.Handle(c, api.Probe, func(ctx context.Context, p api.ProbeParams) (api.ToolsResult, error) {
		if p.Server == "" {
			return api.ToolsResult{}, api.Errorf(api.ErrBadRequest, "probe needs the name of a server.")
		}
		tools, err := d.probe(ctx, p.Server)
		return api.ToolsResult{Tools: tools}, err
	})
	d.updateRoutes()
	d.bundleRoutes()
}

// newInstaller returns an installer working on this daemon. It holds no state of its own:
// config.json's lock keeps concurrent installs apart.
func (d *Daemon) newInstaller() *installer.Installer {
	return &installer.Installer{
		Source:  installer.Source{Home: d.opts.Home},
		Keys:    d.opts.Keys,
		Runtime: installRuntime{d},
		Store:   installer.HomeStore(d.opts.Home),
	}
}

// installRuntime is the installer's view of the running daemon.
type installRuntime struct{ d *Daemon }

func (r installRuntime) Apply() { r.d.reload() }

func (r installRuntime) Probe(ctx context.Context, server string) ([]string, error) {
	tools, err := r.d.probe(ctx, server)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(tools))
	for i, t := range tools {
		names[i] = t.Name
	}
	return names, nil
}

func (r installRuntime) Follow(server string, since time.Time) (<-chan string, func()) {
	logs := r.d.sup.Logs(server)
	if logs == nil {
		return nil, func() {}
	}
	tail, ch, cancel := logs.Follow(200)
	out := make(chan string, 256)
	stop := make(chan struct{})
	var once sync.Once
	go func() {
		defer close(out)
		for _, l := range tail {
			if !l.Time.Before(since) && l.Source == "stderr" {
				select {
				case out <- l.Text:
				case <-stop:
					return
				}
			}
		}
		for {
			select {
			case l, ok := <-ch:
				if !ok {
					return
				}
				if l.Source != "stderr" {
					continue
				}
				select {
				case out <- l.Text:
				case <-stop:
					return
				}
			case <-stop:
				return
			}
		}
	}()
	return out, func() { once.Do(func() { close(stop); cancel() }) }
}

func (r installRuntime) SyncClients(ids []string) error {
	cfg, err := r.d.confirm.Effective() // not what waits for the person (confirm.go)
	if err != nil {
		return err
	}
	for _, id := range ids {
		r.d.clients.ReconcileClient(cfg, id)
	}
	st := r.d.clients.Status(cfg)
	for _, id := range ids {
		for _, c := range st.Clients {
			if c.ID != id {
				continue
			}
			for _, f := range c.Files {
				if f.Error != "" {
					name := id
					if cl, ok := clients.ByID(id); ok {
						name = cl.Name()
					}
					return fmt.Errorf("%s's settings could not be written: %s", name, f.Error)
				}
			}
		}
	}
	return nil
}

func (r installRuntime) Forget(server string) { r.d.secrets.Forget(server) }

func (r installRuntime) Blocked(server string) []string {
	var out []string
	for _, t := range r.d.guard.engine.Tools(server) {
		if t.Blocked && !t.Removed {
			out = append(out, t.Tool)
		}
	}
	slices.Sort(out)
	return out
}
