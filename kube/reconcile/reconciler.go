package reconcile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"slices"
	"sync"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/internal/atomicfile"
	"github.com/mcptray/mcptray/internal/filewatch"
	"github.com/mcptray/mcptray/kube"
	"github.com/mcptray/mcptray/supervisor"
)

// Processes is what the reconciler needs of the supervisor: to restart a running server
// whose kubeconfig it rewrote.
type Processes interface {
	Status() []supervisor.Status
	Restart(ctx context.Context, name string) error
}

// Change names what Options.Notify is told about.
type Change int

// The changes the reconciler reports, each with one sentence for the person.
const (
	ContextGone Change = iota // a running server's context left the kubeconfig; it stopped
	Switched                  // Use switched a server to a context
	Forgotten                 // Forget declared a server not a Kubernetes server
)

// Options configure a Reconciler. Zero values are sensible defaults except Home.
type Options struct {
	Home config.Home
	Log  *slog.Logger // nil: nothing is logged
	// Sources returns the KUBECONFIG value and the home folder kubectl would use; nil means
	// this process's environment.
	Sources func() (kubeconfigEnv, homeDir string)
	// Processes restarts a server whose kubeconfig was rewritten; nil: none is.
	Processes Processes
	// Reload re-applies config.json (which calls Specs); Use, Forget and a change to a watched
	// kubeconfig call it. nil: nothing is re-applied.
	Reload func()
	// Notify is told of a change the person should hear of; nil: nobody is.
	Notify func(c Change, sentence string)
}

// Reconciler is MCP Tray's view of its Kubernetes servers: the context each one may reach,
// whether that is production, and why a server may not run. It writes each server's
// one-context kubeconfig (File) and watches the person's kubeconfig files. It is safe for
// concurrent use; Specs must not run twice at once (the daemon calls it under its reload lock).
type Reconciler struct {
	opts Options
	log  *slog.Logger

	mu       sync.Mutex
	servers  map[string]state
	sessions map[string]state // bridge session id → the server's state when first seen
	watcher  *filewatch.Watcher
	watched  map[string]bool
}

// state is one Kubernetes server's context as last applied.
type state struct {
	context    string
	namespace  string // the namespace it is limited to, "" for none
	production bool
	refuse     string // why the server may not run, "" when it may
}

// New returns a reconciler for opts.Home; it does nothing until Specs or Watch is called.
func New(opts Options) *Reconciler {
	if opts.Sources == nil {
		opts.Sources = func() (string, string) { h, _ := os.UserHomeDir(); return os.Getenv("KUBECONFIG"), h }
	}
	if opts.Reload == nil {
		opts.Reload = func() {}
	}
	if opts.Notify == nil {
		opts.Notify = func(Change, string) {}
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Reconciler{opts: opts, log: log, servers: map[string]state{}, sessions: map[string]state{}, watched: map[string]bool{}}
}

// load reads the person's kubeconfig files; it also returns the files it looked at.
func (r *Reconciler) load() (*kube.Config, []string, error) {
	env, home := r.opts.Sources()
	files := kube.Sources(env, home)
	c, err := kube.Load(files)
	return c, files, err
}

// Specs gives every Kubernetes server in specs KUBECONFIG pointing at its one-context file
// and nothing else, after writing that file; a server with no usable context gets a Refuse
// sentence instead. Every other server gets KUBECONFIG pointing at EmptyFile. It reports
// ContextGone when a chosen context disappears. Idempotent: a file whose content did not
// change is not rewritten.
func (r *Reconciler) Specs(cfg *config.Config, specs []supervisor.Spec) []supervisor.Spec {
	// Most people have no Kubernetes server: then there is no kubeconfig to read or watch
	// on each reload.
	var src *kube.Config
	var watch []string
	var loadErr error
	if slices.ContainsFunc(specs, func(sp supervisor.Spec) bool { return IsServer(cfg.Servers[sp.Name]) }) {
		src, watch, loadErr = r.load()
	}
	prodGuard := Production(cfg)
	next := map[string]state{}
	var noneErr error
	if slices.ContainsFunc(specs, func(sp supervisor.Spec) bool { return !IsServer(cfg.Servers[sp.Name]) }) {
		noneErr = r.writeEmpty()
	}
	for i := range specs {
		name := specs[i].Name
		s := cfg.Servers[name]
		if !IsServer(s) {
			specs[i] = r.none(specs[i], noneErr)
			continue
		}
		r.mu.Lock()
		prev, known := r.servers[name]
		r.mu.Unlock()
		st := state{context: ContextOf(s), namespace: NamespaceOf(s)}
		path := File(r.opts.Home, name)
		switch {
		case st.context == "":
			st.refuse = fmt.Sprintf("%q does not start until you choose which Kubernetes context it may use%s: choose its Kubernetes context first: mcptray kube use %s CONTEXT (`mcptray kube contexts %s` lists them).%s", name, why(s), name, name, forgetHint(name, s))
		case loadErr != nil && !errors.Is(loadErr, kube.ErrNoKubeconfig):
			// A kubeconfig being edited may not parse for a moment: keep what was in effect.
			if known && prev.context == st.context && prev.namespace == st.namespace {
				st = prev
			} else {
				st.refuse = fmt.Sprintf("MCP Tray could not read your kubeconfig, so %q cannot start: %v.", name, loadErr)
			}
			r.log.Warn("kubeconfig not read", "server", name, "err", loadErr)
		default:
			st = r.write(name, st.context, st.namespace, src, loadErr, prodGuard)
			if src != nil {
				watch = append(watch, src.References(st.context)...)
			}
		}
		if st.refuse != "" {
			if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
				r.log.Warn("removing a Kubernetes server's kubeconfig", "server", name, "err", err)
			}
			if known && prev.refuse == "" && prev.context == st.context && st.context != "" {
				r.log.Warn("Kubernetes context gone; server stopped", "server", name, "context", st.context)
				r.opts.Notify(ContextGone, st.refuse)
			}
		}
		next[name] = st
		env := maps.Clone(specs[i].Env)
		if env == nil {
			env = map[string]string{}
		}
		env["KUBECONFIG"] = path
		specs[i].Env, specs[i].Refuse = env, st.refuse
		// Nothing else may point the server elsewhere: a keychain value named KUBECONFIG
		// would be added after env, and a flag in its arguments would override the file.
		specs[i].Secrets = slices.DeleteFunc(slices.Clone(specs[i].Secrets), func(k string) bool { return k == "KUBECONFIG" })
		if flag := overrideFlag(specs[i].Args); flag != "" && st.refuse == "" {
			specs[i].Refuse = fmt.Sprintf("%q is started with %s, which would let it reach other Kubernetes contexts than the one you chose; remove that from its arguments (mcptray server add) so MCP Tray can start it.", name, flag)
		}
	}
	r.mu.Lock()
	for name := range r.servers {
		if _, ok := next[name]; !ok {
			os.Remove(File(r.opts.Home, name))
		}
	}
	r.servers = next
	r.mu.Unlock()
	r.rewatch(watch)
	return specs
}

// emptyKubeconfig is the content of EmptyFile: a valid kubeconfig with no cluster, so that
// client libraries that read it start, and find nothing to reach.
var emptyKubeconfig = []byte(`# MCP Tray gives this kubeconfig, which has no cluster, to servers that are not Kubernetes
# servers, so that a kubectl inside them reaches no cluster. See: mcptray kube contexts
apiVersion: v1
kind: Config
clusters: []
contexts: []
users: []
`)

// writeEmpty writes EmptyFile when it is missing or differs (once a reload).
func (r *Reconciler) writeEmpty() error {
	path := EmptyFile(r.opts.Home)
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, emptyKubeconfig) {
		return nil
	}
	return atomicfile.WriteFile(path, emptyKubeconfig, 0o600)
}

// none gives a server that is not a Kubernetes server KUBECONFIG pointing at EmptyFile; when
// that file could not be written (writeErr), the server does not start (it could otherwise
// reach the person's current context).
func (r *Reconciler) none(sp supervisor.Spec, writeErr error) supervisor.Spec {
	if writeErr != nil && sp.Refuse == "" {
		sp.Refuse = fmt.Sprintf("MCP Tray could not write the empty kubeconfig that keeps %q away from your Kubernetes clusters: %v.", sp.Name, writeErr)
	}
	env := maps.Clone(sp.Env)
	if env == nil {
		env = map[string]string{}
	}
	env["KUBECONFIG"] = EmptyFile(r.opts.Home)
	sp.Env = env
	return sp
}

// write writes the one-context kubeconfig of a server and returns its state; a context that
// is gone or broken gives a state with a Refuse sentence.
func (r *Reconciler) write(name, kubeContext, namespace string, src *kube.Config, loadErr error, prodGuard kube.Production) state {
	st := state{context: kubeContext, namespace: namespace}
	if loadErr != nil { // no kubeconfig file at all
		st.refuse = fmt.Sprintf("MCP Tray stopped %q because it finds no kubeconfig any more, so the context %q is gone. Restore it, or choose another context with `mcptray kube use %s CONTEXT`.", name, kubeContext, name)
		return st
	}
	data, err := src.MinifyIn(kubeContext, namespace)
	switch {
	case errors.Is(err, kube.ErrContextMissing):
		st.refuse = fmt.Sprintf("MCP Tray stopped %q because the context %q is no longer in your kubeconfig. Choose another with `mcptray kube use %s CONTEXT`.", name, kubeContext, name)
		return st
	case err != nil:
		st.refuse = fmt.Sprintf("MCP Tray stopped %q because its Kubernetes context cannot be used: %v.", name, err)
		return st
	}
	c, _ := src.Context(kubeContext)
	st.production = prodGuard.Is(limitedTo(c, namespace))
	path := File(r.opts.Home, name)
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return st
	}
	if err := atomicfile.WriteFile(path, data, 0o600); err != nil {
		st.refuse = fmt.Sprintf("MCP Tray could not write the kubeconfig for %q: %v.", name, err)
		return st
	}
	r.log.Info("wrote the one-context kubeconfig", "server", name, "context", kubeContext)
	r.restartSpare(name)
	return st
}

// restartSpare restarts a running server whose kubeconfig was rewritten, so that its warm
// spare, and so the next connection, reads the new file. Connections already open keep their
// process. A server that is stopped, failed or not yet started is left alone (when its spec
// changes, the supervisor starts it afresh anyway).
func (r *Reconciler) restartSpare(name string) {
	if r.opts.Processes == nil {
		return
	}
	for _, st := range r.opts.Processes.Status() {
		if st.Name != name {
			continue
		}
		switch st.State {
		case supervisor.Running, supervisor.Starting, supervisor.Backoff:
			if err := r.opts.Processes.Restart(context.Background(), name); err != nil {
				r.log.Warn("restarting a Kubernetes server after its kubeconfig changed", "server", name, "err", err)
			}
		}
	}
}
