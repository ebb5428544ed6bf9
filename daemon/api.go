package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/policy"
	"github.com/mcptray/mcptray/supervisor"
)

// The control API. Results are documented in docs/cli-json.md; fields are only ever added.

// PingResult identifies the running daemon.
type PingResult struct {
	Version     string `json:"version"`
	Pid         int    `json:"pid"`
	Home        string `json:"home"`
	ConfigError string `json:"configError,omitempty"`
	Paused      bool   `json:"paused,omitempty"` // "Pause all" is on
	// Goroutines is a health figure for leak checks.
	Goroutines int `json:"goroutines"`
}

// StatusResult is every server's state.
type StatusResult struct {
	Servers     []supervisor.Status `json:"servers"`
	ConfigError string              `json:"configError,omitempty"`
	Paused      bool                `json:"paused,omitempty"` // "Pause all" is on
}

// ToolsResult lists the tools a server presented the last time a client asked.
type ToolsResult struct {
	Tools []ToolInfo `json:"tools"`
}

// NameParams names one server.
type NameParams struct {
	Name string `json:"name"`
}

// LogsParams selects log lines.
type LogsParams struct {
	Name   string `json:"name"`
	Tail   int    `json:"tail"`
	Follow bool   `json:"follow"`
}

// Event is one item of the "events" stream: a server's new status or a daemon note.
type Event struct {
	Server   *supervisor.Status `json:"server,omitempty"`
	Note     *Note              `json:"note,omitempty"`
	Approval *policy.Event      `json:"approval,omitempty"` // a held tool call raised or resolved
}

func decode[T any](raw json.RawMessage) (T, error) {
	var v T
	if len(raw) == 0 {
		return v, nil
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return v, &control.Error{Code: control.CodeBadRequest, Message: "MCP Tray could not read the request's parameters."}
	}
	return v, nil
}

func (d *Daemon) routes() {
	c := d.ctl
	c.Handle("ping", func(ctx context.Context, _ json.RawMessage) (any, error) {
		return PingResult{Version: d.opts.Version, Pid: os.Getpid(), Home: string(d.opts.Home), ConfigError: d.configError(), Paused: d.paused(), Goroutines: runtime.NumGoroutine()}, nil
	})
	c.Handle("status", func(ctx context.Context, _ json.RawMessage) (any, error) {
		return StatusResult{Servers: d.statuses(), ConfigError: d.configError(), Paused: d.paused()}, nil
	})
	for method, do := range map[string]func(context.Context, string) error{
		"start": d.sup.Start, "stop": d.sup.Stop, "restart": d.sup.Restart,
	} {
		c.Handle(method, func(ctx context.Context, raw json.RawMessage) (any, error) {
			p, err := decode[NameParams](raw)
			if err != nil {
				return nil, err
			}
			return nil, serverError(do(ctx, p.Name))
		})
	}
	c.Handle("show", func(ctx context.Context, _ json.RawMessage) (any, error) {
		if d.opts.OnShow == nil {
			return nil, errors.New("MCP Tray is running without a window (started as `mcptray daemon`).")
		}
		d.opts.OnShow()
		return nil, nil
	})
	c.Handle("tools", func(ctx context.Context, raw json.RawMessage) (any, error) {
		p, err := decode[NameParams](raw)
		if err != nil {
			return nil, err
		}
		return ToolsResult{Tools: d.tools.list(p.Name)}, nil
	})
	c.Handle("secrets.changed", d.secretsChanged)
	d.clientRoutes()
	d.installRoutes()
	d.scanRoutes()
	// "Pause all" holds new connections; a bridge and its AI app are known from the connect
	// request on, paused or not (authority.go).
	c.HandleConnect(d.trackBridges(d.pausable(d.connect)))
	c.HandleStream("logs", d.streamLogs)
	c.HandleStream("traffic", d.streamTraffic)
	c.HandleStream("events", d.streamEvents)
	d.appRoutes()
	d.kubeRoutes()
	d.confirmRoutes()
	d.sandboxRoutes()
}

// serverError marks "no such server" errors so clients can tell them apart.
func serverError(err error) error {
	if errors.Is(err, config.ErrNoServer) {
		return &control.Error{Code: control.CodeNotFound, Message: err.Error()}
	}
	return err
}

func (d *Daemon) streamLogs(ctx context.Context, raw json.RawMessage, send func(any) error) error {
	p, err := decode[LogsParams](raw)
	if err != nil {
		return err
	}
	logs := d.sup.Logs(p.Name)
	if logs == nil {
		return &control.Error{Code: control.CodeNotFound, Message: fmt.Sprintf("There is no server named %q in MCP Tray.", p.Name)}
	}
	if !p.Follow {
		for _, l := range logs.Tail(p.Tail) {
			if err := send(l); err != nil {
				return err
			}
		}
		return nil
	}
	tail, ch, cancel := logs.Follow(p.Tail)
	defer cancel()
	for _, l := range tail {
		if err := send(l); err != nil {
			return err
		}
	}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case l, ok := <-ch:
			if !ok {
				return errors.New("the log moved too fast to follow; run the command again")
			}
			if err := send(l); err != nil {
				return err
			}
		}
	}
}

// streamEvents sends every server's status, then each change and daemon note as it happens.
func (d *Daemon) streamEvents(ctx context.Context, _ json.RawMessage, send func(any) error) error {
	notes, cancelNotes := d.notes.Subscribe(64)
	defer cancelNotes()
	pending, approvals, cancelApprovals := d.guard.broker.Subscribe()
	defer cancelApprovals()
	snap, ch, cancel := d.sup.Subscribe()
	defer cancel()
	for i := range snap {
		if err := send(Event{Server: &snap[i]}); err != nil {
			return err
		}
	}
	// A config note always follows the snapshot, so a subscriber knows it is up to date even
	// when no server is configured.
	first := Note{Kind: NoteConfigOK}
	if msg := d.configError(); msg != "" {
		first = Note{Kind: NoteConfigError, Message: msg}
	}
	if err := send(Event{Note: &first}); err != nil {
		return err
	}
	if d.paused() {
		if err := send(Event{Note: &Note{Kind: NotePaused, Message: pausedMessage}}); err != nil {
			return err
		}
	}
	for _, a := range pending {
		if err := send(Event{Approval: &policy.Event{Kind: policy.ApprovalAdded, Approval: a}}); err != nil {
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
			if err := send(Event{Server: &st}); err != nil {
				return err
			}
		case a, ok := <-approvals:
			if !ok {
				return errors.New("events fell behind; subscribe again")
			}
			if err := send(Event{Approval: &a}); err != nil {
				return err
			}
		case n, ok := <-notes:
			if !ok {
				return errors.New("events fell behind; subscribe again")
			}
			if err := send(Event{Note: &n}); err != nil {
				return err
			}
		}
	}
}
