package daemon

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/gateway"
	"github.com/mcptray/mcptray/internal/prose"
	"github.com/mcptray/mcptray/supervisor"
)

// Shared-mode restarts follow the supervisor's one policy (supervisor.Restarts: its backoff,
// its window, its clock): a crashed shared process is replaced after the same delays as a
// crashed spare, and after as many crashes within the window MCP Tray stops trying until the
// person restarts the server. While it waits, clients stay joined and their requests wait.

// takeRetry is how long a hub waits, when the supervisor refused it a process for a passing
// reason, before it asks again (a change of the server's state ends the wait sooner).
const takeRetry = 5 * time.Second

// sharedHubs keeps one gateway.Hub, and so one server process, for every enabled server in
// shared mode. Each hub has one goroutine (sharedHub.run) that owns its process: it takes
// it from the supervisor, serves it, and replaces it when it dies. Safe for concurrent use.
type sharedHubs struct {
	d      *Daemon
	ctx    context.Context
	cancel context.CancelFunc

	mu   sync.Mutex
	hubs map[string]*sharedHub

	ended sync.Once // shutdown's work, done once; every caller waits for it
}

type sharedHub struct {
	name   string
	hub    *gateway.Hub
	pid    atomic.Int64 // the shared process's pid while one runs
	cancel context.CancelFunc
	done   chan struct{}
}

func newSharedHubs(d *Daemon) *sharedHubs {
	ctx, cancel := context.WithCancel(context.Background())
	return &sharedHubs{d: d, ctx: ctx, cancel: cancel, hubs: map[string]*sharedHub{}}
}

// apply starts a hub for every enabled shared server of cfg and closes every other hub,
// disconnecting its clients (they reconnect in the server's new mode). It is idempotent and
// returns once closed hubs' processes are gone.
func (s *sharedHubs) apply(cfg *config.Config) {
	s.mu.Lock()
	var ending []*sharedHub
	for name, sh := range s.hubs {
		if srv := cfg.Servers[name]; srv == nil || srv.Disabled || srv.EffectiveMode() != config.ModeShared {
			ending = append(ending, sh)
			delete(s.hubs, name)
		}
	}
	for _, name := range cfg.ServerNames() {
		srv := cfg.Servers[name]
		if srv.Disabled || srv.EffectiveMode() != config.ModeShared || s.hubs[name] != nil || s.ctx.Err() != nil {
			continue
		}
		s.hubs[name] = s.start(name)
	}
	s.mu.Unlock()
	for _, sh := range ending {
		sh.stop()
	}
}

// hub returns the named server's hub, or nil when it is not in shared mode.
func (s *sharedHubs) hub(name string) *gateway.Hub {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sh := s.hubs[name]; sh != nil {
		return sh.hub
	}
	return nil
}

// pid returns the pid of the named server's shared process, or 0 when none runs.
func (s *sharedHubs) pid(name string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sh := s.hubs[name]; sh != nil {
		return int(sh.pid.Load())
	}
	return 0
}

// shutdown closes every hub and returns once their processes are gone, and their last
// handshake with them (which records the tools' pins) has ended. A second call, such as Run's
// own after the one its context started, waits for the first rather than returning at once.
func (s *sharedHubs) shutdown() {
	s.ended.Do(func() {
		s.mu.Lock()
		s.cancel()
		hubs := s.hubs
		s.hubs = map[string]*sharedHub{}
		s.mu.Unlock()
		for _, sh := range hubs {
			sh.stop()
		}
	})
}

func (s *sharedHubs) start(name string) *sharedHub {
	d := s.d
	logs := d.sup.Logs(name)
	hub := gateway.NewHub(gateway.HubOptions{Server: name, Gate: d.guard, Version: d.opts.Version,
		Hooks: gateway.Hooks{
			Tools:   d.tools.record,
			Traffic: d.traffic.Record,
			Result:  d.sandboxResults(name),
			Note: func(_ *gateway.Session, msg string) {
				if logs != nil {
					logs.Note("%s", msg)
				}
			},
		}})
	ctx, cancel := context.WithCancel(s.ctx)
	sh := &sharedHub{name: name, hub: hub, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(sh.done)
		sh.run(ctx, d)
	}()
	return sh
}

func (sh *sharedHub) stop() {
	sh.cancel()
	sh.hub.Close()
	<-sh.done
}

// run owns the shared process until ctx ends: it takes a process, lets the hub serve it, and
// takes the next one when it dies, or when the person stops or restarts the server.
func (sh *sharedHub) run(ctx context.Context, d *Daemon) {
	events := make(chan supervisor.Status, 64)
	go watchServer(ctx, d.sup, sh.name, events)
	note := func(format string, args ...any) {
		if logs := d.sup.Logs(sh.name); logs != nil {
			logs.Note(format, args...)
		}
	}
	restarts := d.sup.NewRestarts()
	clock := d.sup.Clock()
	for ctx.Err() == nil {
		drain(events)
		p, err := d.sup.Take(ctx, sh.name)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			sh.hub.SetDown(prose.Sentence(err))
			// A change of state (the person starts it) or, for a passing failure, a while.
			waitStatus(ctx, events, clock.After(takeRetry), func(supervisor.Status) bool { return true })
			continue
		}
		takenAt := clock.Now() // changes the unit went through before this are old news (Status.Since)
		sh.hub.SetDown("")
		note("shared process started (pid %d); every client of this server uses it", p.Pid())
		serveCtx, stopServe := context.WithCancel(ctx)
		served := make(chan error, 1)
		sh.pid.Store(int64(p.Pid()))
		go func() {
			served <- sh.hub.Serve(serveCtx, gateway.Upstream{Stdin: p.Stdin(), Stdout: p.Stdout(), Stop: p.Stop})
		}()
		byPerson := false
	serving:
		for {
			select {
			case err = <-served:
				break serving
			case st := <-events:
				// Stopped, restarted, turned off, removed.
				if st.State != supervisor.Running && !st.Since.Before(takenAt) {
					byPerson = true
					stopServe()
				}
			}
		}
		stopServe()
		sh.pid.Store(0)
		switch {
		case ctx.Err() != nil:
			return
		case byPerson:
			restarts.Reset()
			continue
		case d.waitSignIn(ctx, sh.name, sh.hub, events): // remote_routes.go: not a crash
			restarts.Reset()
			continue
		case !errors.Is(err, gateway.ErrServerGone):
			note("the shared process could not be used: %v", err)
		default:
			note("the shared process stopped; MCP Tray starts a new one and keeps clients connected")
		}
		delay, give := restarts.Failed()
		if give {
			msg := restarts.GaveUp(sh.name) + fmt.Sprintf(" Restart it in MCP Tray (or run: mcptray server restart %s); its log may say why (mcptray logs %s).", sh.name, sh.name)
			note("failed: %s", msg)
			sh.hub.SetDown(msg)
			waitStatus(ctx, events, nil, func(st supervisor.Status) bool { return st.State == supervisor.Starting })
			restarts.Reset()
			continue
		}
		note("a new shared process starts in %s", delay.Round(time.Millisecond))
		// The person starting or restarting the server ends the wait, and the count.
		if waitStatus(ctx, events, restarts.After(delay), func(st supervisor.Status) bool { return st.State == supervisor.Starting }) {
			restarts.Reset()
		}
	}
}

// watchServer forwards the named server's status changes until ctx ends, subscribing again
// when it falls behind. A full events channel drops the change: the reader only needs to
// know that something changed.
func watchServer(ctx context.Context, sup *supervisor.Supervisor, name string, events chan<- supervisor.Status) {
	for ctx.Err() == nil {
		_, ch, cancel := sup.Subscribe()
		func() {
			defer cancel()
			for {
				select {
				case <-ctx.Done():
					return
				case st, ok := <-ch:
					if !ok {
						return
					}
					if st.Name == name {
						select {
						case events <- st:
						default:
						}
					}
				}
			}
		}()
		select { // the supervisor shut down or we fell behind: look again shortly
		case <-ctx.Done():
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func drain(events <-chan supervisor.Status) {
	for {
		select {
		case <-events:
		default:
			return
		}
	}
}

// waitStatus waits for a status change that satisfies ok (then it returns true), for ctx to
// end, or for timeout to deliver (nil: no limit).
func waitStatus(ctx context.Context, events <-chan supervisor.Status, timeout <-chan time.Time, ok func(supervisor.Status) bool) bool {
	for {
		select {
		case <-ctx.Done():
			return false
		case <-timeout:
			return false
		case st := <-events:
			if ok(st) {
				return true
			}
		}
	}
}
