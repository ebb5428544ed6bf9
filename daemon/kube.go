package daemon

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/internal/atomicfile"
	"github.com/mcptray/mcptray/internal/filewatch"
	"github.com/mcptray/mcptray/kube"
	"github.com/mcptray/mcptray/supervisor"
)

// kubeBook is the daemon's view of its Kubernetes servers: the context each one may reach,
// whether that is production, and why a server may not run. It writes each server's
// one-context kubeconfig (KubeFile) and watches the person's kubeconfig files. It is safe for
// concurrent use; sync runs under the daemon's reload lock.
type kubeBook struct {
	home config.Home
	// sources returns the KUBECONFIG value and the home folder kubectl would use.
	sources func() (kubeconfigEnv, homeDir string)

	mu       sync.Mutex
	servers  map[string]kubeState
	sessions map[string]kubeState // bridge session id → the server's state when first seen
	watcher  *filewatch.Watcher
	watched  map[string]bool
}

// kubeState is one Kubernetes server's context as last applied.
type kubeState struct {
	context    string
	namespace  string // the namespace it is limited to, "" for none
	production bool
	refuse     string // why the server may not run, "" when it may
}

func newKubeBook(home config.Home) *kubeBook {
	return &kubeBook{home: home, servers: map[string]kubeState{}, sessions: map[string]kubeState{}, watched: map[string]bool{},
		sources: func() (string, string) { h, _ := os.UserHomeDir(); return os.Getenv("KUBECONFIG"), h }}
}

// KubeFile is the one-context kubeconfig MCP Tray writes for a Kubernetes server.
func KubeFile(home config.Home, server string) string {
	return filepath.Join(home.KubeDir(), server+".yaml")
}

// EmptyKubeFile is the empty kubeconfig every server that is not a Kubernetes server gets as
// KUBECONFIG, so that a kubectl or helm inside it finds no cluster (and never reads
// ~/.kube/config). Its name cannot be a server's one-context file (those end in .yaml).
func EmptyKubeFile(home config.Home) string {
	return filepath.Join(home.KubeDir(), "none.kubeconfig")
}

// isKubeServer reports whether s is a Kubernetes server: marked so in config.json (catalog,
// `server add --kube`, import) or recognised by what it starts (kube.Recognise), however it
// was added, config.json edited by hand included; unless the person declared it not one
// (`mcptray kube forget`: Kube.None).
func isKubeServer(s *config.Server) bool {
	if s == nil {
		return false
	}
	if s.Kube != nil {
		return !s.Kube.None
	}
	_, ok := kube.Recognise(s.Command, s.Args, s.Env, s.Secrets)
	return ok
}

// kubeContextOf is the context chosen for a Kubernetes server, "" when none is.
func kubeContextOf(s *config.Server) string {
	if s == nil || s.Kube == nil || s.Kube.None {
		return ""
	}
	return s.Kube.Context
}

// kubeNamespaceOf is the namespace a Kubernetes server is limited to, "" when it is not.
func kubeNamespaceOf(s *config.Server) string {
	if s == nil || s.Kube == nil || s.Kube.None {
		return ""
	}
	return s.Kube.Namespace
}

// kubeWhy says, for a person, why MCP Tray treats s as a Kubernetes server.
func kubeWhy(s *config.Server) string {
	if r, ok := kube.Recognise(s.Command, s.Args, s.Env, s.Secrets); ok && s.Kube == nil {
		return " (MCP Tray treats it as a Kubernetes server because " + r.Reason + ")"
	}
	return ""
}

// kubeForgetHint tells the person how to say name is not a Kubernetes server, for a server
// MCP Tray took for one by what it starts (not one installed as such from the catalog).
func kubeForgetHint(name string, s *config.Server) string {
	if s.Source != nil && s.Source.Catalog != "" {
		return ""
	}
	return fmt.Sprintf(" If %s is not a Kubernetes server, run: mcptray kube forget %s", name, name)
}

// production returns the production guard configured in cfg.
func production(cfg *config.Config) kube.Production {
	return kube.Production{Patterns: cfg.Settings.ProductionPatterns, Contexts: cfg.Settings.ProductionContexts}
}

// load reads the person's kubeconfig files; it also returns the files it looked at.
func (b *kubeBook) load() (*kube.Config, []string, error) {
	env, home := b.sources()
	files := kube.Sources(env, home)
	c, err := kube.Load(files)
	return c, files, err
}

// kubeSpecs gives every Kubernetes server in specs KUBECONFIG pointing at its one-context file
// and nothing else, after writing that file; a server with no usable context gets a Refuse
// sentence instead. Every other server gets KUBECONFIG pointing at EmptyKubeFile (kubeNone).
// It publishes a note when a chosen context disappears. Idempotent: a file whose content did
// not change is not rewritten.
func (d *Daemon) kubeSpecs(cfg *config.Config, specs []supervisor.Spec) []supervisor.Spec {
	b := d.kube
	// Most people have no Kubernetes server: then there is no kubeconfig to read or watch
	// on each reload.
	var src *kube.Config
	var watch []string
	var loadErr error
	if slices.ContainsFunc(specs, func(sp supervisor.Spec) bool { return isKubeServer(cfg.Servers[sp.Name]) }) {
		src, watch, loadErr = b.load()
	}
	prodGuard := production(cfg)
	next := map[string]kubeState{}
	var noneErr error
	if slices.ContainsFunc(specs, func(sp supervisor.Spec) bool { return !isKubeServer(cfg.Servers[sp.Name]) }) {
		noneErr = d.writeEmptyKubeconfig()
	}
	for i := range specs {
		name := specs[i].Name
		s := cfg.Servers[name]
		if !isKubeServer(s) {
			specs[i] = d.kubeNone(specs[i], noneErr)
			continue
		}
		b.mu.Lock()
		prev, known := b.servers[name]
		b.mu.Unlock()
		st := kubeState{context: kubeContextOf(s), namespace: kubeNamespaceOf(s)}
		path := KubeFile(d.opts.Home, name)
		switch {
		case st.context == "":
			st.refuse = fmt.Sprintf("%q does not start until you choose which Kubernetes context it may use%s: choose its Kubernetes context first: mcptray kube use %s CONTEXT (`mcptray kube contexts %s` lists them).%s", name, kubeWhy(s), name, name, kubeForgetHint(name, s))
		case loadErr != nil && !errors.Is(loadErr, kube.ErrNoKubeconfig):
			// A kubeconfig being edited may not parse for a moment: keep what was in effect.
			if known && prev.context == st.context && prev.namespace == st.namespace {
				st = prev
			} else {
				st.refuse = fmt.Sprintf("MCP Tray could not read your kubeconfig, so %q cannot start: %v.", name, loadErr)
			}
			d.log.Warn("kubeconfig not read", "server", name, "err", loadErr)
		default:
			st = d.kubeWrite(cfg, name, st.context, st.namespace, src, loadErr, prodGuard)
			if src != nil {
				watch = append(watch, src.References(st.context)...)
			}
		}
		if st.refuse != "" {
			if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
				d.log.Warn("removing a Kubernetes server's kubeconfig", "server", name, "err", err)
			}
			if known && prev.refuse == "" && prev.context == st.context && st.context != "" {
				d.log.Warn("Kubernetes context gone; server stopped", "server", name, "context", st.context)
				d.notes.Publish(Note{Kind: NoteKubeContextGone, Message: st.refuse})
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
		if flag := kubeOverrideFlag(specs[i].Args); flag != "" && st.refuse == "" {
			specs[i].Refuse = fmt.Sprintf("%q is started with %s, which would let it reach other Kubernetes contexts than the one you chose; remove that from its arguments (mcptray server add) so MCP Tray can start it.", name, flag)
		}
	}
	b.mu.Lock()
	for name := range b.servers {
		if _, ok := next[name]; !ok {
			os.Remove(KubeFile(d.opts.Home, name))
		}
	}
	b.servers = next
	b.mu.Unlock()
	b.rewatch(watch)
	return specs
}

// emptyKubeconfig is the content of EmptyKubeFile: a valid kubeconfig with no cluster, so that
// client libraries that read it start, and find nothing to reach.
var emptyKubeconfig = []byte(`# MCP Tray gives this kubeconfig, which has no cluster, to servers that are not Kubernetes
# servers, so that a kubectl inside them reaches no cluster. See: mcptray kube contexts
apiVersion: v1
kind: Config
clusters: []
contexts: []
users: []
`)

// writeEmptyKubeconfig writes EmptyKubeFile when it is missing or differs (once a reload).
func (d *Daemon) writeEmptyKubeconfig() error {
	path := EmptyKubeFile(d.opts.Home)
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, emptyKubeconfig) {
		return nil
	}
	return atomicfile.WriteFile(path, emptyKubeconfig, 0o600)
}

// kubeNone gives a server that is not a Kubernetes server KUBECONFIG pointing at
// EmptyKubeFile; when that file could not be written (writeErr), the server does not start (it
// could otherwise reach the person's current context).
func (d *Daemon) kubeNone(sp supervisor.Spec, writeErr error) supervisor.Spec {
	if writeErr != nil && sp.Refuse == "" {
		sp.Refuse = fmt.Sprintf("MCP Tray could not write the empty kubeconfig that keeps %q away from your Kubernetes clusters: %v.", sp.Name, writeErr)
	}
	env := maps.Clone(sp.Env)
	if env == nil {
		env = map[string]string{}
	}
	env["KUBECONFIG"] = EmptyKubeFile(d.opts.Home)
	sp.Env = env
	return sp
}

// kubeWrite writes the one-context kubeconfig of a server and returns its state; a context
// that is gone or broken gives a state with a Refuse sentence.
func (d *Daemon) kubeWrite(cfg *config.Config, name, kubeContext, namespace string, src *kube.Config, loadErr error, prodGuard kube.Production) kubeState {
	st := kubeState{context: kubeContext, namespace: namespace}
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
	st.production = prodGuard.Is(c)
	path := KubeFile(d.opts.Home, name)
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return st
	}
	if err := atomicfile.WriteFile(path, data, 0o600); err != nil {
		st.refuse = fmt.Sprintf("MCP Tray could not write the kubeconfig for %q: %v.", name, err)
		return st
	}
	d.log.Info("wrote the one-context kubeconfig", "server", name, "context", kubeContext)
	d.kubeRestartSpare(name)
	return st
}

// kubeRestartSpare restarts a running server whose kubeconfig was rewritten, so that its warm
// spare, and so the next connection, reads the new file. Connections already open keep their
// process. A server that is stopped, failed or not yet started is left alone (when its spec
// changes, the supervisor starts it afresh anyway).
func (d *Daemon) kubeRestartSpare(name string) {
	for _, st := range d.sup.Status() {
		if st.Name != name {
			continue
		}
		switch st.State {
		case supervisor.Running, supervisor.Starting, supervisor.Backoff:
			if err := d.sup.Restart(context.Background(), name); err != nil {
				d.log.Warn("restarting a Kubernetes server after its kubeconfig changed", "server", name, "err", err)
			}
		}
	}
}

// rewatch makes the watcher follow exactly files (once it runs).
func (b *kubeBook) rewatch(files []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	want := map[string]bool{}
	for _, f := range files {
		want[f] = true
	}
	if b.watcher != nil {
		for f := range b.watched {
			if !want[f] {
				b.watcher.Remove(f)
			}
		}
		for f := range want {
			if !b.watched[f] {
				b.watcher.Add(f)
			}
		}
	}
	b.watched = want
}

// scope returns the context a call on server runs in and whether to treat it as production;
// ok is false for servers that are not Kubernetes servers. A bridge session that began on
// another context (the person switched since) is treated as production: its server process
// may still act on the old context.
func (b *kubeBook) scope(server, session string) (context string, prod, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	st, ok := b.servers[server]
	if !ok {
		return "", false, false
	}
	if st.refuse != "" {
		return st.context, true, true
	}
	if session == "" {
		return st.context, st.production, true
	}
	first, seen := b.sessions[session]
	if !seen {
		b.sessions[session] = st
		first = st
	}
	return st.context, st.production || first.production || first.context != st.context, true
}

// namespace is the namespace a Kubernetes server is limited to, "" when it is not limited
// or is not a Kubernetes server.
func (b *kubeBook) namespace(server string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.servers[server].namespace
}

// endSession forgets a bridge session; idempotent.
func (b *kubeBook) endSession(session string) {
	b.mu.Lock()
	delete(b.sessions, session)
	b.mu.Unlock()
}

// kubeOverrideFlag returns the first argument that would make a Kubernetes server ignore its
// one-context kubeconfig (--kubeconfig, --context, --cluster, --user, --server, --token), or
// "" when there is none.
func kubeOverrideFlag(args []string) string {
	for _, a := range args {
		for _, f := range []string{"--kubeconfig", "--context", "--cluster", "--user", "--server", "--token"} {
			if a == f || strings.HasPrefix(a, f+"=") {
				return f
			}
		}
	}
	return ""
}
