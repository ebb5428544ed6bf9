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

// Shared-mode restarts: a crashed shared process is replaced at once, then after 1 s, 2 s,
// 4 s; after sharedMaxCrashes crashes within sharedCrashWindow MCP Tray stops trying until
// the person restarts the server.
const (
	sharedMaxCrashes  = 5
	sharedCrashWindow = time.Minute
)

// sharedHubs keeps one gateway.Hub, and so one server process, for every enabled server in
// shared mode. Each hub has one goroutine (sharedHub.run) that owns its process: it takes
// it from the supervisor, serves it, and replaces it when it dies. Safe for concurrent use.
type sharedHubs struct {
	d      *Daemon
	ctx    context.Context
	cancel context.CancelFunc

	mu   sync.Mutex
	hubs map[string]*sharedHub
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

// shutdown closes every hub and returns once their processes are gone.
func (s *sharedHubs) shutdown() {
	s.mu.Lock()
	s.cancel()
	hubs := s.hubs
	s.hubs = map[string]*sharedHub{}
	s.mu.Unlock()
	for _, sh := range hubs {
		sh.stop()
	}
}

func (s *sharedHubs) start(name string) *sharedHub {
	d := s.d
	logs := d.sup.Logs(name)
	hub := gateway.NewHub(gateway.HubOptions{Server: name, Gate: d.guard, Version: d.opts.Version,
		Hooks: gateway.Hooks{
			Tools:   d.tools.record,
			Traffic: d.traffic.record,
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
	var crashes []time.Time
	for ctx.Err() == nil {
		drain(events)
		p, err := d.sup.Take(ctx, sh.name)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			sh.hub.SetDown(prose.Sentence(err))
			// A change of state (the person starts it) or, for a passing failure, a while.
			waitStatus(ctx, events, 5*time.Second, func(supervisor.Status) bool { return true })
			continue
		}
		takenAt := time.Now() // changes the unit went through before this are old news
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
			crashes = nil
			continue
		case !errors.Is(err, gateway.ErrServerGone):
			note("the shared process could not be used: %v", err)
		default:
			note("the shared process stopped; MCP Tray starts a new one and keeps clients connected")
		}
		now := time.Now()
		crashes = recent(crashes, now)
		if len(crashes) >= sharedMaxCrashes {
			msg := fmt.Sprintf("The server %q stopped %d times within a minute, so MCP Tray gave up restarting it. Restart it in MCP Tray (or run: mcptray server restart %s); its log may say why (mcptray logs %s).", sh.name, len(crashes), sh.name, sh.name)
			note("failed: %s", msg)
			sh.hub.SetDown(msg)
			waitStatus(ctx, events, 0, func(st supervisor.Status) bool { return st.State == supervisor.Starting })
			crashes = nil
			continue
		}
		if len(crashes) > 1 {
			delay := time.Second << (len(crashes) - 2)
			select {
			case <-ctx.Done():
				return
			case <-time.After(delay):
			}
		}
	}
}

// recent keeps the crash times within the window and adds now.
func recent(crashes []time.Time, now time.Time) []time.Time {
	kept := crashes[:0]
	for _, c := range crashes {
		if now.Sub(c) < sharedCrashWindow {
			kept = append(kept, c)
		}
	}
	return append(kept, now)
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

// waitStatus waits for a status change that satisfies ok, for ctx to end, or for max (0
// means no limit).
func waitStatus(ctx context.Context, events <-chan supervisor.Status, max time.Duration, ok func(supervisor.Status) bool) {
	var timeout <-chan time.Time
	if max > 0 {
		t := time.NewTimer(max)
		defer t.Stop()
		timeout = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-timeout:
			return
		case st := <-events:
			if ok(st) {
				return
			}
		}
	}
}
