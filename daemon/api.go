package daemon

import (
	"context"
	"errors"
	"os"
	"runtime"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/internal/bus"
	"github.com/mcptray/mcptray/policy"
	"github.com/mcptray/mcptray/supervisor"
)

// routes registers every control method (package api declares them) and the bridge.
func (d *Daemon) routes() {
	c := d.ctl
	api.Handle(c, api.Ping, func(ctx context.Context, _ api.None) (api.PingResult, error) {
		return api.PingResult{Version: d.opts.Version, Pid: os.Getpid(), Home: string(d.opts.Home), ConfigError: d.configError(), Paused: d.paused(), Goroutines: runtime.NumGoroutine()}, nil
	})
	api.Handle(c, api.Status, func(ctx context.Context, _ api.None) (api.StatusResult, error) {
		return api.StatusResult{Servers: d.statuses(), ConfigError: d.configError(), Paused: d.paused()}, nil
	})
	for _, r := range []struct {
		m  api.Method[api.NameParams, api.None]
		do func(context.Context, string) error
	}{{api.Start, d.sup.Start}, {api.Stop, d.sup.Stop}, {api.Restart, d.sup.Restart}} {
		api.Handle(c, r.m, func(ctx context.Context, p api.NameParams) (api.None, error) {
			return api.None{}, serverError(r.do(ctx, p.Name))
		})
	}
	api.Handle(c, api.Show, func(ctx context.Context, _ api.None) (api.None, error) {
		if d.opts.OnShow == nil {
			return api.None{}, errors.New("MCP Tray is running without a window (started as `mcptray daemon`).")
		}
		d.opts.OnShow()
		return api.None{}, nil
	})
	api.Handle(c, api.Tools, func(ctx context.Context, p api.NameParams) (api.ToolsResult, error) {
		return api.ToolsResult{Tools: d.tools.list(p.Name)}, nil
	})
	api.Handle(c, api.SecretsChanged, d.secretsChanged)
	d.clientRoutes()
	d.installRoutes()
	d.scanRoutes()
	// "Pause all" holds new connections; a bridge and its AI app are known from the connect
	// request on, paused or not (authority.go).
	c.HandleConnect(d.trackBridges(d.pausable(d.connect)))
	api.HandleStream(c, api.Logs, d.streamLogs)
	api.HandleStream(c, api.Traffic, d.streamTraffic)
	api.HandleStream(c, api.Events, d.streamEvents)
	d.appRoutes()
	d.kubeRoutes()
	d.remoteRoutes() // remote_routes.go
	d.confirmRoutes()
	d.sandboxRoutes()
}

// serverError marks "no such server" errors so clients can tell them apart.
func serverError(err error) error {
	if errors.Is(err, config.ErrNoServer) {
		return api.Errorf(api.ErrNotFound, "%s", err.Error())
	}
	return err
}

func (d *Daemon) streamLogs(ctx context.Context, p api.LogsParams, send func(supervisor.Line) error) error {
	logs := d.sup.Logs(p.Name)
	if logs == nil {
		return api.Errorf(api.ErrNotFound, "There is no server named %q in MCP Tray.", p.Name)
	}
	if !p.Follow {
		return bus.Forward(ctx, logs.Tail(p.Tail), nil, nil, send, "")
	}
	tail, ch, cancel := logs.Follow(p.Tail)
	defer cancel()
	return bus.Forward(ctx, tail, ch, nil, send, "the log moved too fast to follow; run the command again")
}

// streamEvents sends every server's status, then each change and daemon note as it happens.
func (d *Daemon) streamEvents(ctx context.Context, _ api.None, send func(api.Event) error) error {
	notes, cancelNotes := d.notes.Subscribe(64)
	defer cancelNotes()
	pending, approvals, cancelApprovals := d.guard.broker.Subscribe()
	defer cancelApprovals()
	snap, ch, cancel := d.sup.Subscribe()
	defer cancel()
	for i := range snap {
		if err := send(api.Event{Server: &snap[i]}); err != nil {
			return err
		}
	}
	// A config note always follows the snapshot, so a subscriber knows it is up to date even
	// when no server is configured.
	first := api.Note{Kind: api.NoteConfigOK}
	if msg := d.configError(); msg != "" {
		first = api.Note{Kind: api.NoteConfigError, Message: msg}
	}
	if err := send(api.Event{Note: &first}); err != nil {
		return err
	}
	if d.paused() {
		if err := send(api.Event{Note: &api.Note{Kind: api.NotePaused, Message: pausedMessage}}); err != nil {
			return err
		}
	}
	for _, a := range pending {
		if err := send(api.Event{Approval: &policy.Event{Kind: policy.ApprovalAdded, Approval: a}}); err != nil {
			return err
		}
	}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case st, ok := <-ch:
			if !ok {
				return errors.New("events fell behind; subscribe again")
			}
			if err := send(api.Event{Server: &st}); err != nil {
				return err
			}
		case a, ok := <-approvals:
			if !ok {
				return errors.New("events fell behind; subscribe again")
			}
			if err := send(api.Event{Approval: &a}); err != nil {
				return err
			}
		case n, ok := <-notes:
			if !ok {
				return errors.New("events fell behind; subscribe again")
			}
			if err := send(api.Event{Note: &n}); err != nil {
				return err
			}
		}
	}
}
