// Package daemon wires MCP Tray's core together: it builds every component in New (the
// supervisor, the gate, the AI-client and Kubernetes reconcilers, the shared-mode hubs), owns
// the root context, watches config.json and hands each reload to them, and serves the control
// API (package api) on the local socket with thin route handlers. What those components
// decide lives in their own packages. It knows nothing about Fyne: the GUI is a client of the
// same API as the CLI.
package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/authority"
	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/clients/reconcile"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/gateway"
	"github.com/mcptray/mcptray/internal/bus"
	"github.com/mcptray/mcptray/keychain"
	kubereconcile "github.com/mcptray/mcptray/kube/reconcile"
	"github.com/mcptray/mcptray/socket"
	"github.com/mcptray/mcptray/supervisor"
)

// Options configure a daemon. Zero values are sensible defaults except Home.
type Options struct {
	Home    config.Home
	Version string
	Log     *slog.Logger
	// Keys is the keychain holding servers' secrets; nil means servers with secrets cannot
	// start (they fail with a sentence saying so).
	Keys keychain.Store
	// Ladder and Backoff tune the supervisor (tests shorten them).
	Ladder  supervisor.Ladder
	Backoff supervisor.BackoffPolicy
	// OnShow is called when another `mcptray` launch asks the running one to show its window.
	OnShow func()
	// ClientEnv says where AI client config files are; the zero Env means the real ones
	// (clients.FromOS). Binary is the mcptray path written into them; empty means
	// reconcile.DefaultBinary().
	ClientEnv clients.Env
	Binary    string
}

// Daemon is a running MCP Tray core. Create it with New, run it with Run.
type Daemon struct {
	opts     Options
	log      *slog.Logger
	listener net.Listener
	sup      *supervisor.Supervisor
	ctl      *control.Server
	tools    *toolRegistry
	secrets  *keychain.Handed
	known    *knownSecrets // reads every server's secrets for the data-loss checks (secrets_known.go)
	guard    *guard
	traffic  *gateway.TrafficLog
	clients  *reconcile.Reconciler     // AI client config files (clients/reconcile)
	shared   *sharedHubs               // one process per server in shared mode
	app      *pauseGate                // "Pause all"
	live     liveSessions              // session relays, which a pause ends
	kube     *kubereconcile.Reconciler // Kubernetes servers' contexts (kube/reconcile)
	confirm  *config.Acceptance        // what the person accepted in config.json (config.Acceptance)
	unlock   func()                    // releases the home's daemon lock (lockHome)
	eras     eraBook                   // what each server speaks, learned by session relays (eras.go)
	reloadMu sync.Mutex                // one reload at a time: config.json and the kubeconfig files both trigger it
	// authz is who may loosen (package authority).
	authz *authority.Authority

	mu     sync.Mutex
	cfg    *config.Config // last configuration that loaded cleanly
	cfgErr error          // why the file on disk is not in effect, if it is not
	notes  bus.Bus[api.Note]
	// cfgNow is cfg for readers on the relay's path (each tool call's rails), which must not
	// wait for mu; it is set with cfg, under mu.
	cfgNow atomic.Pointer[config.Config]
}

// ErrAlreadyRunning means another daemon serves this home; its text is the sentence to show.
var ErrAlreadyRunning = errors.New("MCP Tray is already running for this home; use its tray icon, or stop it first")

// New prepares a daemon for opts.Home: it creates the home and takes the socket. It returns
// ErrAlreadyRunning if another daemon answers there.
func New(opts Options) (*Daemon, error) {
	if opts.Log == nil {
		opts.Log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if err := opts.Home.Ensure(); err != nil {
		return nil, err
	}
	d := &Daemon{opts: opts, log: opts.Log, tools: newToolRegistry(), secrets: keychain.NewHanded(), known: newKnownSecrets(), authz: authority.New(), app: newPauseGate()}
	redactLine := withEnvRedaction(d.secrets.RedactString) // what servers print: their secrets and MCP Tray's own
	d.traffic = gateway.NewTrafficLog(redactLine)
	l, unlock, err := d.claimHome()
	if err != nil {
		return nil, err
	}
	d.listener, d.unlock = l, unlock
	d.sup = supervisor.New(supervisor.Options{
		LogDir:     opts.Home.LogDir(),
		DefaultDir: string(opts.Home),
		Ladder:     opts.Ladder,
		Backoff:    opts.Backoff,
		Secrets:    d.secretsFor,
		Tokens:     d.remoteTokens, // remote_routes.go
		Redact:     redactLine,
		Sandbox:    sandboxOptions(opts.Home),
	})
	d.shared = newSharedHubs(d)
	d.kube = d.newKube()
	d.clients = d.newClientReconciler()
	if err := d.openPolicy(); err != nil {
		l.Close()
		unlock()
		return nil, err
	}
	d.confirm = d.newConfirm()
	d.ctl = control.NewServer(d.log)
	d.ctl.Guard(d.authz.Guard(d.loosens, orphansMay, d.log)) // before every handler: who may loosen (authority.go)
	d.routes()
	d.policyRoutes()
	return d, nil
}

// claimHome takes the home's daemon lock, then the socket. Either taken by another daemon gives
// ErrAlreadyRunning; a socket folder that is not the user's own gives its one sentence.
func (d *Daemon) claimHome() (net.Listener, func(), error) {
	unlock, err := lockHome(d.opts.Home)
	if errors.Is(err, ErrAlreadyRunning) {
		awaitOther(d.opts.Home.SocketPath())
	}
	if err != nil {
		return nil, nil, err
	}
	l, err := socket.Listen(d.opts.Home.SocketPath(), func(err error) { d.log.Warn("socket", "refused", err) })
	if err != nil {
		unlock()
		var ue *socket.UntrustedError
		switch {
		case errors.Is(err, socket.ErrAlreadyRunning):
			return nil, nil, ErrAlreadyRunning
		case errors.As(err, &ue):
			return nil, nil, err
		}
		return nil, nil, fmt.Errorf("opening MCP Tray's socket: %w", err)
	}
	return l, unlock, nil
}

// Supervisor gives in-process code (benchmarks, the gateway) the supervisor.
func (d *Daemon) Supervisor() *supervisor.Supervisor { return d.sup }

// Run reconciles and serves until ctx ends, then stops every server and returns once all
// server processes are gone. It must be called once.
func (d *Daemon) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx) // also ended when serving fails on its own
	defer cancel()
	defer d.unlock() // last: the next daemon may start only once this one is gone
	defer d.closePolicy()
	defer d.sup.Shutdown()
	defer d.shared.shutdown()
	// Shared servers stop as soon as MCP Tray does, not after the last connection closes: a
	// connection waiting on a server that stopped reading would otherwise never close.
	context.AfterFunc(ctx, d.shared.shutdown)
	// Every server's secrets are read beside the start, for the data-loss checks.
	readCtx, stopReading := context.WithCancel(ctx)
	read := make(chan struct{})
	defer func() { stopReading(); <-read }()
	go func() { defer close(read); d.readKnownSecrets(readCtx) }()
	// Watch first, then load: a change written between the two is then never missed.
	watched, err := d.opts.Home.Watch(ctx, d.reload)
	if err != nil {
		d.listener.Close()
		return fmt.Errorf("watching config.json: %w", err)
	}
	// No reload or rewrite may run once the servers stop: one would start them again, or
	// write into the home after Run returned.
	defer func() { cancel(); <-watched; <-d.clients.Stopped(); <-d.kube.Stopped() }()
	d.reload()
	if err := d.clients.Watch(ctx); err != nil {
		d.log.Warn("AI client config files are not watched", "err", err)
	}
	if err := d.kube.Watch(ctx); err != nil {
		d.log.Warn("kubeconfig files are not watched", "err", err)
	}
	d.log.Info("MCP Tray daemon running", "home", string(d.opts.Home), "socket", d.opts.Home.SocketPath(), "pid", os.Getpid())
	err = d.ctl.Serve(ctx, d.listener)
	d.log.Info("MCP Tray daemon stopping")
	return err
}

// reload reads config.json and applies it. A file that does not load leaves the last good
// configuration in effect and is reported, never rewritten.
func (d *Daemon) reload() {
	d.reloadMu.Lock()
	defer d.reloadMu.Unlock()
	cfg, err := d.opts.Home.Load()
	if err == nil {
		cfg = d.confirm.Review(cfg) // what waits for the person is left out (config.Acceptance)
	}
	d.mu.Lock()
	if err != nil {
		d.cfgErr = err
		d.mu.Unlock()
		d.log.Error("config.json not applied", "err", err)
		d.notes.Publish(api.Note{Kind: api.NoteConfigError, Message: err.Error()})
		return
	}
	hadErr := d.cfgErr != nil
	d.cfg, d.cfgErr = cfg, nil
	d.cfgNow.Store(cfg)
	d.mu.Unlock()
	if hadErr {
		d.notes.Publish(api.Note{Kind: api.NoteConfigOK})
	}
	d.known.again() // the secrets of servers not started, for the data-loss checks
	d.guard.engine.SetRules(rules(cfg))
	// An always-allow the person gave from a prompt is kept as an allow rule in config.json;
	// the engine's grants hold only those bound to a Kubernetes context (their own file).
	// Replaced at each load, so that setting the tool back to ask asks again.
	if saved, err := d.guard.scoped.Load(); err == nil {
		d.guard.engine.Grants().SetAlways(saved)
	} else {
		d.log.Warn("always-allow choices for Kubernetes contexts not read", "err", err)
	}
	d.guard.broker.SetTimeout(time.Duration(cfg.Settings.ApprovalTimeoutSeconds) * time.Second) // 0: the default
	d.sup.Apply(d.kube.Specs(cfg, Specs(cfg)))
	d.shared.apply(cfg)
	d.clients.Reconcile(cfg)
}

// Specs turns a configuration into the supervisor's specs.
func Specs(cfg *config.Config) []supervisor.Spec {
	specs := make([]supervisor.Spec, 0, len(cfg.Servers))
	for _, name := range cfg.ServerNames() {
		s := cfg.Servers[name]
		specs = append(specs, supervisor.Spec{
			Name: name, Command: s.Command, Args: s.Args, Env: s.Env, Secrets: s.Secrets,
			Dir: s.Dir, NoSpare: s.NoSpare || s.EffectiveMode() == config.ModeShared, Disabled: s.Disabled,
			Confined: s.Sandbox.Confined(), Sandbox: s.Sandbox.Spec(), Frozen: s.Installed(),
			Remote: supervisor.RemoteOf(s), // a remote server runs no program (supervisor/remote.go)
		})
	}
	return specs
}

func (d *Daemon) configError() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cfgErr == nil {
		return ""
	}
	return d.cfgErr.Error()
}
