package daemon

import (
	"context"
	"fmt"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/clients/reconcile"
	"github.com/mcptray/mcptray/config"
)

// The AI-client reconciler lives in clients/reconcile; the daemon builds one in New, runs its
// watch in Run, gives it every configuration reload applies, and answers the control methods
// below with it.

// clientNotes are the notes the reconciler's events become.
var clientNotes = map[reconcile.Kind]api.NoteKind{
	reconcile.Changed: api.NoteClientChanged,
	reconcile.Healed:  api.NoteClientHealed,
	reconcile.Error:   api.NoteClientError,
	reconcile.GaveUp:  api.NoteClientGaveUp,
	reconcile.OK:      api.NoteClientOK,
}

// newClientReconciler builds the reconciler of the AI clients' files for the daemon's home.
// Passes that a client file's change starts read config.json as it is in effect (not what
// waits for the person, confirm.go); every event becomes a note.
func (d *Daemon) newClientReconciler() *reconcile.Reconciler {
	return reconcile.New(reconcile.Options{
		Env:     d.opts.ClientEnv,
		Binary:  d.opts.Binary,
		Home:    string(d.opts.Home),
		Backups: clients.BackupDir(d.opts.Home.BackupDir()),
		LoadConfig: func() *config.Config {
			cfg, err := d.confirm.Effective()
			if err != nil {
				return nil
			}
			return cfg
		},
		Notify: func(ev reconcile.ClientEvent) {
			d.notes.Publish(api.Note{Kind: clientNotes[ev.Kind], Message: ev.Message})
		},
		Log: d.log,
	})
}

// clientRoutes registers the control methods that read and run the client reconciler. New
// calls it once, through routes.
func (d *Daemon) clientRoutes() {
	api.Handle(d.ctl, api.ClientsList, func(ctx context.Context, _ api.None) (api.ClientsResult, error) {
		d.mu.Lock()
		cfg := d.cfg
		d.mu.Unlock()
		return d.clients.Status(cfg), nil
	})
	api.Handle(d.ctl, api.ClientsReconcile, func(ctx context.Context, p api.ClientParams) (api.ClientsResult, error) {
		if p.Client != "" {
			if _, err := knownClient(p.Client); err != nil {
				return api.ClientsResult{}, err
			}
		}
		cfg, err := d.confirm.Effective() // not what waits for the person (confirm.go)
		if err != nil {
			return api.ClientsResult{}, fmt.Errorf("config.json has a problem, so MCP Tray did not change any AI client's settings: %w", err)
		}
		if p.Client == "" {
			d.clients.Reconcile(cfg)
		} else {
			d.clients.ReconcileClient(cfg, p.Client)
		}
		return d.clients.Status(cfg), nil
	})
}
