package daemon

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"sync"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/internal/prose"
	"github.com/mcptray/mcptray/supervisor"
)

// The control methods the GUI needs beyond the CLI's: pause, per-server switches, secrets,
// the audit log, settings and AI clients. Each one changes config.json through config.Home
// (the daemon's watcher applies it) or acts on the daemon's runtime state; none of them keeps
// state of its own except the pause, which lives in memory only.

// PauseParams switches "Pause all" on or off.
type PauseParams struct {
	Paused bool `json:"paused"`
}

// ServerSwitchParams turns a server on or off (servers.enable).
type ServerSwitchParams struct {
	Name    string `json:"name"`
	Enabled bool   `json:"enabled"`
}

// ServerModeParams sets how a server's processes are shared (servers.mode).
type ServerModeParams struct {
	Name string      `json:"name"`
	Mode config.Mode `json:"mode"`
}

// RuleParams sets the person's rule for one tool (policy.set).
type RuleParams struct {
	Name string      `json:"name"`
	Tool string      `json:"tool"`
	Rule config.Rule `json:"rule"`
}

// ServerDetail is what servers.details says about one configured server beyond its status.
type ServerDetail struct {
	Name     string      `json:"name"`
	Command  string      `json:"command"`
	Args     []string    `json:"args"`
	Mode     config.Mode `json:"mode"`
	Disabled bool        `json:"disabled"`
	Secrets  []string    `json:"secrets"`
	// Catalog and Version say where an installed server came from; empty for hand-added ones.
	Catalog string `json:"catalog,omitempty"`
	Version string `json:"version,omitempty"`
	// KubeContext is the kubeconfig context of a Kubernetes server.
	KubeContext string `json:"kubeContext,omitempty"`
	// MemoryBytes is the resident memory of the server's ready process (its warm spare or
	// shared process) and its children; 0 when none runs or the platform cannot tell.
	MemoryBytes int64 `json:"memoryBytes"`
	// Sandbox says in plain words what the server may touch ("can read and change files in
	// Documents/notes; cannot use the internet"), or that it runs without a sandbox.
	Sandbox string `json:"sandbox"`
	// Confined is true when the server runs in its sandbox.
	Confined bool `json:"confined"`
}

// ServerDetailsResult is the answer of servers.details, sorted by name.
type ServerDetailsResult struct {
	Servers []ServerDetail `json:"servers"`
}

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
		d.notes.Publish(Note{Kind: NotePaused, Message: pausedMessage})
	} else {
		d.notes.Publish(Note{Kind: NoteResumed})
	}
	var firstErr error
	for _, name := range names {
		var err error
		if on {
			err = d.sup.Stop(ctx, name)
		} else {
			err = d.sup.Start(ctx, name)
		}
		if err != nil && firstErr == nil && !isNoServer(err) {
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

func isNoServer(err error) bool {
	var ce *control.Error
	return errors.As(serverError(err), &ce) && ce.Code == control.CodeNotFound
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
				return nil, &control.Error{Code: control.CodeFailed, Message: pausedMessage}
			}
		}
		return next(ctx, h, files)
	}
}

// appRoutes registers the GUI's control methods. routes calls it once, last.
func (d *Daemon) appRoutes() {
	d.app = newPauseGate()
	c := d.ctl
	c.Handle("pause", func(ctx context.Context, raw json.RawMessage) (any, error) {
		p, err := decode[PauseParams](raw)
		if err != nil {
			return nil, err
		}
		return PauseParams{Paused: p.Paused}, d.setPaused(ctx, p.Paused)
	})
	c.Handle("servers.enable", func(ctx context.Context, raw json.RawMessage) (any, error) {
		p, err := decode[ServerSwitchParams](raw)
		if err != nil {
			return nil, err
		}
		return nil, d.updateServer(p.Name, func(s *config.Server) error { s.Disabled = !p.Enabled; return nil })
	})
	c.Handle("servers.mode", func(ctx context.Context, raw json.RawMessage) (any, error) {
		p, err := decode[ServerModeParams](raw)
		if err != nil {
			return nil, err
		}
		return nil, d.updateServer(p.Name, func(s *config.Server) error { return s.SetMode(p.Mode) })
	})
	c.Handle("policy.set", func(ctx context.Context, raw json.RawMessage) (any, error) {
		p, err := decode[RuleParams](raw)
		if err != nil {
			return nil, err
		}
		return nil, d.updateServer(p.Name, func(s *config.Server) error { return s.SetRule(p.Tool, p.Rule) })
	})
	c.Handle("servers.details", func(ctx context.Context, _ json.RawMessage) (any, error) {
		return d.serverDetails(), nil
	})
	d.secretRoutes()
	d.settingsRoutes()
	d.appClientRoutes()
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
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ce):
		return err
	case errors.Is(err, config.ErrNoServer):
		return &control.Error{Code: control.CodeNotFound, Message: fmt.Sprintf("There is no server named %q in MCP Tray.", server)}
	case errors.Is(err, config.ErrBadRule), errors.Is(err, config.ErrBadMode), errors.Is(err, config.ErrBadSecretName):
		return &control.Error{Code: control.CodeBadRequest, Message: prose.Sentence(err)}
	}
	return fmt.Errorf("MCP Tray could not save the change to config.json: %w", err)
}

// serverDetails reads the configuration in effect and each server's memory.
func (d *Daemon) serverDetails() ServerDetailsResult {
	d.mu.Lock()
	cfg := d.cfg
	d.mu.Unlock()
	res := ServerDetailsResult{Servers: []ServerDetail{}}
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
		det := ServerDetail{Name: sum.Name, Command: sum.Command, Args: sum.Args, Mode: sum.Mode, Disabled: sum.Disabled, Secrets: sum.Secrets}
		if s.Source != nil {
			det.Catalog, det.Version = s.Source.Catalog, s.Source.Version
		}
		if s.Kube != nil {
			det.KubeContext = s.Kube.Context
		}
		det.MemoryBytes = memory[pids[name]]
		det.Sandbox, det.Confined = s.Sandbox.Sentence(userHome()), s.Sandbox.Confined()
		res.Servers = append(res.Servers, det)
	}
	return res
}
