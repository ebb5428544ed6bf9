// Package daemon wires MCP Tray's core together: it owns the root context, watches
// config.json and reconciles the world to it (server processes now; client files and
// kubeconfigs as those reconcilers arrive), and serves the control API on the local socket.
// It knows nothing about Fyne: the GUI is a client of the same API as the CLI.
package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/internal/bus"
	"github.com/mcptray/mcptray/keychain"
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
	// DefaultBinary().
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
	secrets  *secretBook
	guard    *guard
	traffic  *trafficBook
	clients  *ClientReconciler // AI client config files; set up by clientRoutes
	shared   *sharedHubs       // one process per server in shared mode
	app      *pauseGate        // "Pause all"; set up by appRoutes
	live     liveSessions      // session relays, which a pause ends
	kube     *kubeBook         // Kubernetes servers' contexts; set up by kubeRoutes
	confirm  *confirmBook      // what the person accepted in config.json; set up by confirmRoutes
	unlock   func()            // releases the home's daemon lock (lockHome)
	authz    *authority        // who may loosen (authority.go)
	eras     eraBook           // what each server speaks, learned by session relays (eras.go)
	reloadMu sync.Mutex        // one reload at a time: config.json and the kubeconfig files both trigger it

	mu     sync.Mutex
	cfg    *config.Config // last configuration that loaded cleanly
	cfgErr error          // why the file on disk is not in effect, if it is not
	notes  bus.Bus[Note]
}

// Note is a daemon-level event for the GUI: a config problem, a change it should tell the
// person about.
type Note struct {
	Kind    NoteKind `json:"kind"`
	Message string   `json:"message,omitempty"` // one sentence for a person, for most kinds
}

// NoteKind names what a Note is about. Faces switch on these constants, never on strings.
type NoteKind string

// The notes the daemon publishes on "events".
const (
	NoteConfigError          NoteKind = "config_error"           // config.json does not load; Message says why
	NoteConfigOK             NoteKind = "config_ok"              // config.json loads (again)
	NoteConfigPending        NoteKind = "config_pending"         // a change waits for the person; Message sums it up
	NoteConfigPendingCleared NoteKind = "config_pending_cleared" // confirmed, undone or superseded
	NotePaused               NoteKind = "paused"                 // "Pause all" is on
	NoteResumed              NoteKind = "resumed"                // and off again
	NoteSettings             NoteKind = "settings"               // app settings changed
	NoteKubeSwitched         NoteKind = "kube_switched"          // a Kubernetes server now reaches another context
	NoteKubeContextGone      NoteKind = "kube_context_gone"      // its context left the kubeconfig
	NoteKubeForgotten        NoteKind = "kube_forgotten"         // its context choice was forgotten
	NoteClientChanged        NoteKind = "client_changed"         // MCP Tray wrote an AI app's file
	NoteClientHealed         NoteKind = "client_healed"          // it put back entries the app dropped
	NoteClientError          NoteKind = "client_error"           // an AI app's file could not be read or written
	NoteClientGaveUp         NoteKind = "client_gave_up"         // it stopped fighting another writer of that file
	NoteClientOK             NoteKind = "client_ok"              // a file that had a problem is in order again
)

// IsClient reports a note about an AI app's config file: the AI-apps view shows it.
func (k NoteKind) IsClient() bool { return strings.HasPrefix(string(k), "client_") }

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
	d := &Daemon{opts: opts, log: opts.Log, tools: newToolRegistry(), secrets: newSecretBook(), authz: newAuthority()}
	d.traffic = newTrafficBook(d.secrets.redactString)
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
		Redact:     d.secrets.redactString,
		Sandbox:    sandboxOptions(opts.Home),
	})
	d.shared = newSharedHubs(d)
	if err := d.openPolicy(); err != nil {
		l.Close()
		unlock()
		return nil, err
	}
	d.ctl = control.NewServer(d.log)
	d.ctl.Guard(d.authorize) // before every handler: who may loosen (authority.go)
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
	defer d.unlock() // last: the next daemon may start only once this one is gone
	defer d.closePolicy()
	defer d.sup.Shutdown()
	defer d.shared.shutdown()
	// Shared servers stop as soon as MCP Tray does, not after the last connection closes: a
	// connection waiting on a server that stopped reading would otherwise never close.
	context.AfterFunc(ctx, d.shared.shutdown)
	// Watch first, then load: a change written between the two is then never missed.
	if err := d.opts.Home.Watch(ctx, d.reload); err != nil {
		d.listener.Close()
		return fmt.Errorf("watching config.json: %w", err)
	}
	d.reload()
	if err := d.clients.Watch(ctx); err != nil {
		d.log.Warn("AI client config files are not watched", "err", err)
	}
	if err := d.kubeWatch(ctx); err != nil {
		d.log.Warn("kubeconfig files are not watched", "err", err)
	}
	d.log.Info("MCP Tray daemon running", "home", string(d.opts.Home), "socket", d.opts.Home.SocketPath(), "pid", os.Getpid())
	err := d.ctl.Serve(ctx, d.listener)
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
		cfg = d.reviewConfig(cfg) // what waits for the person is left out (confirm.go)
	}
	d.mu.Lock()
	if err != nil {
		d.cfgErr = err
		d.mu.Unlock()
		d.log.Error("config.json not applied", "err", err)
		d.notes.Publish(Note{Kind: NoteConfigError, Message: err.Error()})
		return
	}
	hadErr := d.cfgErr != nil
	d.cfg, d.cfgErr = cfg, nil
	d.mu.Unlock()
	if hadErr {
		d.notes.Publish(Note{Kind: NoteConfigOK})
	}
	d.guard.engine.SetRules(rules(cfg))
	d.guard.broker.SetTimeout(time.Duration(cfg.Settings.ApprovalTimeoutSeconds) * time.Second) // 0: the default
	d.sup.Apply(d.kubeSpecs(cfg, Specs(cfg)))
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
