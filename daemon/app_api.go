package daemon

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"sync"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/internal/prose"
	"github.com/mcptray/mcptray/supervisor"
)

// The control methods the GUI needs beyond the CLI's: pause, per-server switches, secrets,
// the audit log, settings and AI clients. Each one changes config.json through config.Home
// (the daemon's watcher applies it) or acts on the daemon's runtime state; none of them keeps
// state of its own except the pause, which lives in memory only.

// pauseGate is "Pause all": while paused, every server MCP Tray started is stopped and new
// client connections wait until the person resumes. Safe for concurrent use.
type pauseGate struct {
	mu      sync.Mutex
	paused  bool
	resumed chan struct{} // closed on resume; replaced on pause
	stopped []string      // the servers the pause stopped, started again on resume
}

func newPauseGate() *pauseGate {
	c := make(chan struct{})
	close(c)
	return &pauseGate{resumed: c}
}

// paused reports whether "Pause all" is on.
func (d *Daemon) paused() bool {
	d.app.mu.Lock()
	defer d.app.mu.Unlock()
	return d.app.paused
}

// pausedMessage is the sentence the person sees while paused.
const pausedMessage = "MCP Tray is paused: servers are stopped and AI apps wait until you choose Resume in the tray menu or the window."

// setPaused pauses or resumes. Pausing stops every running server and waits until they are
// gone; resuming starts the ones the pause stopped. Both are idempotent.
func (d *Daemon) setPaused(ctx context.Context, on bool) error {
	g := d.app
	g.mu.Lock()
	if g.paused == on {
		g.mu.Unlock()
		return nil
	}
	g.paused = on
	if on {
		g.resumed = make(chan struct{})
		g.stopped = nil
		for _, st := range d.sup.Status() {
			if st.State != supervisor.Stopped && st.State != supervisor.Disabled {
				g.stopped = append(g.stopped, st.Name)
			}
		}
	}
	names := slices.Clone(g.stopped)
	resumed := g.resumed
	g.mu.Unlock()
	if on {
		// Processes already handed to clients are not stopped by the supervisor: end their
		// sessions, so no call reaches any server while paused.
		if n := d.live.endAll(); n > 0 {
			d.log.Info("paused: ended client sessions", "sessions", n)
		}
		d.notes.Publish(api.Note{Kind: api.NotePaused, Message: pausedMessage})
	} else {
		d.notes.Publish(api.Note{Kind: api.NoteResumed})
	}
	var firstErr error
	for _, name := range names {
		var err error
		if on {
			err = d.sup.Stop(ctx, name)
		} else {
			err = d.sup.Start(ctx, name)
		}
		if err != nil && firstErr == nil && !errors.Is(err, config.ErrNoServer) {
			firstErr = err
		}
	}
	if !on {
		// Only now let held connections go on: their servers are starting again, so they get
		// a process rather than "the server is stopped".
		close(resumed)
	}
	return firstErr
}

// pausable wraps the bridge handler: while paused, a new connection waits (its server's log
// says why) until the person resumes or the bridge goes away.
func (d *Daemon) pausable(next control.ConnectFunc) control.ConnectFunc {
	return func(ctx context.Context, h control.Hello, files []*os.File) (func(net.Conn, *bufio.Reader), error) {
		d.app.mu.Lock()
		paused, resumed := d.app.paused, d.app.resumed
		d.app.mu.Unlock()
		if paused {
			if logs := d.sup.Logs(h.Server); logs != nil {
				logs.Note("%s", "A client is waiting to connect: "+pausedMessage)
			}
			select {
			case <-resumed:
			case <-ctx.Done():
				closeAll(files)
				return nil, &control.Error{Code: control.CodeFailed, Message: pausedMessage} // a connect: not through package api
			}
		}
		return next(ctx, h, files)
	}
}

// appRoutes registers the GUI's control methods. routes calls it once, last.
func (d *Daemon) appRoutes() {
	c := d.ctl
	api.Handle(c, api.Pause, func(ctx context.Context, p api.PauseParams) (api.PauseParams, error) {
		return api.PauseParams{Paused: p.Paused}, d.setPaused(ctx, p.Paused)
	})
	api.Handle(c, api.ServersEnable, func(ctx context.Context, p api.ServerSwitchParams) (api.None, error) {
		return api.None{}, d.updateServer(p.Name, func(s *config.Server) error { s.Disabled = !p.Enabled; return nil })
	})
	api.Handle(c, api.ServersMode, func(ctx context.Context, p api.ServerModeParams) (api.None, error) {
		return api.None{}, d.updateServer(p.Name, func(s *config.Server) error { return s.SetMode(p.Mode) })
	})
	api.Handle(c, api.PolicySet, func(ctx context.Context, p api.RuleParams) (api.None, error) {
		return api.None{}, d.updateServer(p.Name, func(s *config.Server) error { return s.SetRule(p.Tool, p.Rule) })
	})
	api.Handle(c, api.ServersDetails, func(ctx context.Context, _ api.None) (api.ServerDetailsResult, error) {
		return d.serverDetails(), nil
	})
	d.secretRoutes()
	d.settingsRoutes()
	d.appClientRoutes()
	d.limitRoutes()
}

// updateServer changes one server in config.json (config.Home.UpdateServer, as the command
// line does without MCP Tray running); the watcher applies the change.
func (d *Daemon) updateServer(name string, change func(*config.Server) error) error {
	return changeError(name, d.opts.Home.UpdateServer(name, change))
}

// changeError turns the error of a change to config.json into the control API's: a server
// config.json does not have is CodeNotFound, a rule, mode or secret that cannot be is
// CodeBadRequest, and any other failure says the change was not saved.
func changeError(server string, err error) error {
	var ce *control.Error
	var ae *api.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ce), errors.As(err, &ae):
		return err
	case errors.Is(err, config.ErrNoServer):
		return api.Errorf(api.ErrNotFound, "There is no server named %q in MCP Tray.", server)
	case errors.Is(err, config.ErrBadRule), errors.Is(err, config.ErrBadMode), errors.Is(err, config.ErrBadSecretName):
		return api.Errorf(api.ErrBadRequest, "%s", prose.Sentence(err))
	}
	return fmt.Errorf("MCP Tray could not save the change to config.json: %w", err)
}

// serverDetails reads the configuration in effect and each server's memory.
func (d *Daemon) serverDetails() api.ServerDetailsResult {
	d.mu.Lock()
	cfg := d.cfg
	d.mu.Unlock()
	res := api.ServerDetailsResult{Servers: []api.ServerDetail{}}
	if cfg == nil {
		return res
	}
	pids := map[string]int{}
	var all []int
	for _, st := range d.statuses() {
		if st.Pid > 0 {
			pids[st.Name] = st.Pid
			all = append(all, st.Pid)
		}
	}
	memory := supervisor.TreeMemory(all)
	for _, name := range cfg.ServerNames() {
		s := cfg.Servers[name]
		sum := config.Summary(name, s) // what `mcptray server list --json` shows too
		det := api.ServerDetail{Name: sum.Name, Command: sum.Command, Args: sum.Args, Mode: sum.Mode, Disabled: sum.Disabled, Secrets: sum.Secrets}
		if s.Source != nil {
			det.Catalog, det.Version = s.Source.Catalog, s.Source.Version
		}
		if s.Kube != nil {
			det.KubeContext = s.Kube.Context
		}
		det.MemoryBytes = memory[pids[name]]
		det.Sandbox, det.Confined = s.Sandbox.Sentence(userHome()), s.Sandbox.Confined()
		det.URL, det.Limits, det.DLP = sum.URL, s.Limits, s.DLP
		res.Servers = append(res.Servers, det)
	}
	return res
}
