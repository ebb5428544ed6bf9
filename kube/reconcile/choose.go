package reconcile

import (
	"errors"
	"fmt"
	"strings"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/kube"
)

// The kinds of refusal Use, Forget and Contexts return, each wrapped in one sentence for the
// person (errors.Is tells them apart; the error's text is the sentence). A server that does
// not exist wraps config.ErrNoServer.
var (
	ErrNotKubeServer     = errors.New("not a Kubernetes server")
	ErrBadNamespace      = errors.New("not a namespace name")
	ErrNoContext         = errors.New("no such context")
	ErrNeedsConfirmation = errors.New("a production context needs confirming")
)

// refusal is an error whose text is a sentence for the person and which is one kind.
type refusal struct {
	msg  string
	kind error
}

func (e *refusal) Error() string        { return e.msg }
func (e *refusal) Is(target error) bool { return target == e.kind }

// Listing is every Kubernetes server with the context it uses and every context it could use.
type Listing struct {
	Servers []Server `json:"servers"`
	// Error is a sentence saying why the kubeconfig could not be read ("" when it could).
	Error string `json:"error,omitempty"`
}

// Server is one Kubernetes server, the context it uses ("" when none is chosen), and every
// context it could use.
type Server struct {
	Server  string `json:"server"`
	Context string `json:"context"`
	// Namespace is the namespace the server is limited to, "" when it is not limited.
	Namespace  string    `json:"namespace,omitempty"`
	Production bool      `json:"production"`
	Contexts   []Context `json:"contexts"`
	// Problem is why the server does not run, when it cannot (no context, context gone).
	Problem string `json:"problem,omitempty"`
}

// Context is one context of the person's kubeconfig.
type Context struct {
	Name       string `json:"name"`
	Cluster    string `json:"cluster"`
	Namespace  string `json:"namespace"`
	User       string `json:"user"`
	Production bool   `json:"production"`
}

// Choice switches a server to a context; Yes confirms a production context. Namespace limits
// the server to one namespace of it; "" lifts any limit.
type Choice struct {
	Server    string `json:"server"`
	Context   string `json:"context"`
	Namespace string `json:"namespace,omitempty"`
	Yes       bool   `json:"yes"`
}

// lookup returns the named server's configuration if it is a Kubernetes server.
func lookup(cfg *config.Config, name string) (*config.Server, error) {
	s := cfg.Servers[name]
	if s == nil {
		return nil, &refusal{fmt.Sprintf("There is no server named %q in MCP Tray.", name), config.ErrNoServer}
	}
	if !IsServer(s) {
		return nil, &refusal{fmt.Sprintf("%q is not a Kubernetes server, so it has no Kubernetes context to choose.", name), ErrNotKubeServer}
	}
	return s, nil
}

// Contexts lists the Kubernetes servers of cfg (only the one named only, when it is not "")
// with every context of the person's kubeconfig. A kubeconfig that cannot be read is said in
// Listing.Error; the error is for an unknown server or one that is not a Kubernetes server.
func (r *Reconciler) Contexts(cfg *config.Config, only string) (Listing, error) {
	names := cfg.ServerNames()
	if only != "" {
		if _, err := lookup(cfg, only); err != nil {
			return Listing{}, err
		}
		names = []string{only}
	}
	res := Listing{Servers: []Server{}}
	src, files, err := r.load()
	if err != nil {
		res.Error = kubeconfigSentence(err, files)
	}
	guard := Production(cfg)
	var contexts []Context
	if src != nil {
		for _, c := range src.Contexts() {
			contexts = append(contexts, Context{Name: c.Name, Cluster: c.Cluster, Namespace: c.Namespace, User: c.User, Production: guard.Is(c)})
		}
	}
	if contexts == nil {
		contexts = []Context{}
	}
	for _, name := range names {
		s := cfg.Servers[name]
		if !IsServer(s) {
			continue
		}
		ks := Server{Server: name, Context: ContextOf(s), Namespace: NamespaceOf(s), Contexts: contexts}
		r.mu.Lock()
		st, ok := r.servers[name]
		r.mu.Unlock()
		if ok && st.context == ks.Context {
			ks.Production, ks.Problem = st.production, st.refuse
		}
		res.Servers = append(res.Servers, ks)
	}
	return res, nil
}

// kubeconfigSentence says, for a person, why the kubeconfig could not be read.
func kubeconfigSentence(err error, files []string) string {
	if errors.Is(err, kube.ErrNoKubeconfig) {
		return fmt.Sprintf("MCP Tray found no kubeconfig (it looked for %s). Set up kubectl first, or start MCP Tray with KUBECONFIG set.", strings.Join(files, ", "))
	}
	return fmt.Sprintf("MCP Tray could not read your kubeconfig: %v.", err)
}

// Use switches a server of cfg (the configuration in effect) to a context: it checks the
// context, refuses a production one that p does not confirm (ErrNeedsConfirmation, with the
// command that confirms it), saves the choice in config.json, and calls Options.Reload, which
// rewrites the server's kubeconfig and restarts it so that the next connection gets the new
// context. It blocks on the config lock.
func (r *Reconciler) Use(cfg *config.Config, p Choice) error {
	if s := cfg.Servers[p.Server]; s == nil || s.Kube == nil || !s.Kube.None { // a forgotten one may be taken back
		if _, err := lookup(cfg, p.Server); err != nil {
			return err
		}
	}
	if p.Namespace != "" && !kube.ValidNamespace(p.Namespace) {
		return &refusal{fmt.Sprintf("%q cannot be a Kubernetes namespace: a namespace is lower-case letters, digits and \"-\".", p.Namespace), ErrBadNamespace}
	}
	src, files, err := r.load()
	if err != nil {
		return errors.New(kubeconfigSentence(err, files))
	}
	c, ok := src.Context(p.Context)
	if !ok {
		return &refusal{fmt.Sprintf("There is no context %q in your kubeconfig; `mcptray kube contexts %s` lists the ones there are.", p.Context, p.Server), ErrNoContext}
	}
	if _, err := src.Minify(p.Context); err != nil {
		return fmt.Errorf("The context %q cannot be used: %v.", p.Context, err)
	}
	prod := Production(cfg).Is(limitedTo(c, p.Namespace))
	nsFlag := ""
	if p.Namespace != "" {
		nsFlag = " --namespace " + p.Namespace
	}
	if prod && !p.Yes {
		return &refusal{fmt.Sprintf(
			"%q is a production context: tools that may change something will ask you every time. To confirm, run: mcptray kube use %s %s%s --yes", p.Context, p.Server, p.Context, nsFlag), ErrNeedsConfirmation}
	}
	err = r.opts.Home.Update(func(c *config.Config) error {
		s := c.Servers[p.Server]
		if s == nil || !IsServer(s) && (s.Kube == nil || !s.Kube.None) {
			return fmt.Errorf("the server %q was removed or changed meanwhile; try again", p.Server)
		}
		if s.Kube == nil { // recognised by what it starts: from now on marked in config.json
			s.Kube = &config.Kube{}
		}
		s.Kube.Context, s.Kube.Namespace, s.Kube.None = p.Context, p.Namespace, false
		return nil
	})
	if err != nil {
		return fmt.Errorf("saving the context choice: %w", err)
	}
	r.opts.Reload() // rewrites the server's kubeconfig and restarts it (Specs)
	where := p.Context
	if p.Namespace != "" {
		where = fmt.Sprintf("%s, namespace %s only", p.Context, p.Namespace)
	}
	msg := fmt.Sprintf("%s now uses the Kubernetes context %s.", p.Server, where)
	if prod {
		msg = fmt.Sprintf("%s now uses the production context %s: tools that may change something ask you every time.", p.Server, where)
	}
	r.log.Info("Kubernetes context switched", "server", p.Server, "context", p.Context, "namespace", p.Namespace, "production", prod)
	r.opts.Notify(Switched, msg)
	return nil
}

// UseLoosens reports whether Use(cfg, p) would loosen anything: choosing a context other than
// the server's own does (the first choice too: the person picks the cluster), so does lifting
// or changing the server's namespace limit, and so does the same context when it is now a
// production one; adding a namespace limit to the same context does not. A context that
// cannot be classified counts as production.
func (r *Reconciler) UseLoosens(cfg *config.Config, p Choice) bool {
	if ns := NamespaceOf(cfg.Servers[p.Server]); ns != "" && ns != p.Namespace {
		return true // lifts or changes the server's namespace limit
	}
	if ContextOf(cfg.Servers[p.Server]) != p.Context {
		// Another cluster than the one the person chose (or the first choice): the server
		// would reach what they did not pick, production or not (red team: an AI app could
		// move a server from the context the person chose to any other non-production one).
		return true
	}
	src, _, err := r.load()
	if err != nil {
		return true
	}
	c, ok := src.Context(p.Context)
	if !ok {
		return false // Use refuses an unknown context
	}
	return Production(cfg).Is(limitedTo(c, p.Namespace))
}

// Forget records that the person says a server MCP Tray took for a Kubernetes server is not
// one (Kube.None in config.json) and calls Options.Reload: it then starts without a context
// chosen, with the empty kubeconfig like every other server that is not a Kubernetes server,
// so it still reaches no cluster. Use takes it back. Only the person may do this: it stops
// the server being guarded. Forgetting a server that is not one does nothing.
func (r *Reconciler) Forget(cfg *config.Config, name string) error {
	s := cfg.Servers[name]
	if s == nil {
		return &refusal{fmt.Sprintf("There is no server named %q in MCP Tray.", name), config.ErrNoServer}
	}
	if !IsServer(s) {
		return nil // already not one: nothing to do
	}
	err := r.opts.Home.Update(func(c *config.Config) error {
		s := c.Servers[name]
		if s == nil {
			return fmt.Errorf("the server %q was removed meanwhile", name)
		}
		s.Kube = &config.Kube{None: true}
		return nil
	})
	if err != nil {
		return fmt.Errorf("saving that %s is not a Kubernetes server: %w", name, err)
	}
	r.opts.Reload() // starts it with the empty kubeconfig (Specs)
	r.log.Info("server declared not a Kubernetes server", "server", name)
	r.opts.Notify(Forgotten, fmt.Sprintf("MCP Tray no longer treats %s as a Kubernetes server; it reaches no Kubernetes cluster.", name))
	return nil
}
