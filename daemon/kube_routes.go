package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/kube"
)

// CodeNeedsConfirmation is the control.Error code of a switch to a production context that
// was not confirmed: ask the person, then call kube.use again with "yes": true.
const CodeNeedsConfirmation = "needs_confirmation"

// KubeContextsParams selects the Kubernetes servers to list; "" means all of them.
type KubeContextsParams struct {
	Server string `json:"server,omitempty"`
}

// KubeContextsResult is the answer of kube.contexts.
type KubeContextsResult struct {
	Servers []KubeServer `json:"servers"`
	// Error is a sentence saying why the kubeconfig could not be read ("" when it could).
	Error string `json:"error,omitempty"`
}

// KubeServer is one Kubernetes server, the context it uses ("" when none is chosen), and
// every context it could use.
type KubeServer struct {
	Server  string `json:"server"`
	Context string `json:"context"`
	// Namespace is the namespace the server is limited to, "" when it is not limited.
	Namespace  string        `json:"namespace,omitempty"`
	Production bool          `json:"production"`
	Contexts   []KubeContext `json:"contexts"`
	// Problem is why the server does not run, when it cannot (no context, context gone).
	Problem string `json:"problem,omitempty"`
}

// KubeContext is one context of the person's kubeconfig.
type KubeContext struct {
	Name       string `json:"name"`
	Cluster    string `json:"cluster"`
	Namespace  string `json:"namespace"`
	User       string `json:"user"`
	Production bool   `json:"production"`
}

// KubeUseParams switches a server to a context; Yes confirms a production context.
// Namespace limits the server to one namespace of it; "" lifts any limit.
type KubeUseParams struct {
	Server    string `json:"server"`
	Context   string `json:"context"`
	Namespace string `json:"namespace,omitempty"`
	Yes       bool   `json:"yes"`
}

// KubeForgetParams names a server the person says is not a Kubernetes server.
type KubeForgetParams struct {
	Server string `json:"server"`
}

func (d *Daemon) kubeRoutes() {
	d.kube = newKubeBook(d.opts.Home)
	d.ctl.Handle("kube.contexts", func(ctx context.Context, raw json.RawMessage) (any, error) {
		p, err := decode[KubeContextsParams](raw)
		if err != nil {
			return nil, err
		}
		return d.kubeContexts(p.Server)
	})
	d.ctl.Handle("kube.use", func(ctx context.Context, raw json.RawMessage) (any, error) {
		p, err := decode[KubeUseParams](raw)
		if err != nil {
			return nil, err
		}
		return struct{}{}, d.kubeUse(ctx, p)
	})
	d.ctl.Handle("kube.forget", func(ctx context.Context, raw json.RawMessage) (any, error) {
		p, err := decode[KubeForgetParams](raw)
		if err != nil {
			return nil, err
		}
		return struct{}{}, d.kubeForget(p.Server)
	})
}

// kubeServer returns the named server's configuration if it is a Kubernetes server.
func kubeServer(cfg *config.Config, name string) (*config.Server, error) {
	s := cfg.Servers[name]
	if s == nil {
		return nil, &control.Error{Code: control.CodeNotFound, Message: fmt.Sprintf("There is no server named %q in MCP Tray.", name)}
	}
	if !isKubeServer(s) {
		return nil, &control.Error{Code: control.CodeBadRequest, Message: fmt.Sprintf("%q is not a Kubernetes server, so it has no Kubernetes context to choose.", name)}
	}
	return s, nil
}

func (d *Daemon) currentConfig() *config.Config {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cfg == nil {
		return &config.Config{Servers: map[string]*config.Server{}}
	}
	return d.cfg
}

func (d *Daemon) kubeContexts(only string) (KubeContextsResult, error) {
	cfg := d.currentConfig()
	names := cfg.ServerNames()
	if only != "" {
		if _, err := kubeServer(cfg, only); err != nil {
			return KubeContextsResult{}, err
		}
		names = []string{only}
	}
	res := KubeContextsResult{Servers: []KubeServer{}}
	src, files, err := d.kube.load()
	if err != nil {
		res.Error = kubeconfigSentence(err, files)
	}
	guard := production(cfg)
	var contexts []KubeContext
	if src != nil {
		for _, c := range src.Contexts() {
			contexts = append(contexts, KubeContext{Name: c.Name, Cluster: c.Cluster, Namespace: c.Namespace, User: c.User, Production: guard.Is(c)})
		}
	}
	if contexts == nil {
		contexts = []KubeContext{}
	}
	for _, name := range names {
		s := cfg.Servers[name]
		if !isKubeServer(s) {
			continue
		}
		ks := KubeServer{Server: name, Context: kubeContextOf(s), Namespace: kubeNamespaceOf(s), Contexts: contexts}
		d.kube.mu.Lock()
		st, ok := d.kube.servers[name]
		d.kube.mu.Unlock()
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

// kubeUse switches a server to a context: it checks the context, asks for confirmation on a
// production one, saves the choice in config.json, rewrites the server's kubeconfig, and
// restarts the server so that the next connection gets the new context.
func (d *Daemon) kubeUse(_ context.Context, p KubeUseParams) error {
	cfg := d.currentConfig()
	if s := cfg.Servers[p.Server]; s == nil || s.Kube == nil || !s.Kube.None { // a forgotten one may be taken back
		if _, err := kubeServer(cfg, p.Server); err != nil {
			return err
		}
	}
	if p.Namespace != "" && !kube.ValidNamespace(p.Namespace) {
		return &control.Error{Code: control.CodeBadRequest, Message: fmt.Sprintf("%q cannot be a Kubernetes namespace: a namespace is lower-case letters, digits and \"-\".", p.Namespace)}
	}
	src, files, err := d.kube.load()
	if err != nil {
		return errors.New(kubeconfigSentence(err, files))
	}
	c, ok := src.Context(p.Context)
	if !ok {
		return &control.Error{Code: control.CodeNotFound, Message: fmt.Sprintf("There is no context %q in your kubeconfig; `mcptray kube contexts %s` lists the ones there are.", p.Context, p.Server)}
	}
	if _, err := src.Minify(p.Context); err != nil {
		return fmt.Errorf("The context %q cannot be used: %v.", p.Context, err)
	}
	prod := production(cfg).Is(c)
	nsFlag := ""
	if p.Namespace != "" {
		nsFlag = " --namespace " + p.Namespace
	}
	if prod && !p.Yes {
		return &control.Error{Code: CodeNeedsConfirmation, Message: fmt.Sprintf(
			"%q is a production context: tools that may change something will ask you every time. To confirm, run: mcptray kube use %s %s%s --yes", p.Context, p.Server, p.Context, nsFlag)}
	}
	err = d.opts.Home.Update(func(c *config.Config) error {
		s := c.Servers[p.Server]
		if s == nil || !isKubeServer(s) && (s.Kube == nil || !s.Kube.None) {
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
	d.reload() // rewrites the server's kubeconfig and restarts it (kubeSpecs)
	where := p.Context
	if p.Namespace != "" {
		where = fmt.Sprintf("%s, namespace %s only", p.Context, p.Namespace)
	}
	msg := fmt.Sprintf("%s now uses the Kubernetes context %s.", p.Server, where)
	if prod {
		msg = fmt.Sprintf("%s now uses the production context %s: tools that may change something ask you every time.", p.Server, where)
	}
	d.log.Info("Kubernetes context switched", "server", p.Server, "context", p.Context, "namespace", p.Namespace, "production", prod)
	d.notes.Publish(Note{Kind: NoteKubeSwitched, Message: msg})
	return nil
}

// kubeForget records that the person says a server MCP Tray took for a Kubernetes server is
// not one (Kube.None in config.json): it then starts without a context chosen, with the
// empty kubeconfig like every other server that is not a Kubernetes server, so it still
// reaches no cluster. `mcptray kube use` takes it back. Only the person may do this (it
// stops the server being guarded; see loosening in authority.go).
func (d *Daemon) kubeForget(name string) error {
	cfg := d.currentConfig()
	s := cfg.Servers[name]
	if s == nil {
		return &control.Error{Code: control.CodeNotFound, Message: fmt.Sprintf("There is no server named %q in MCP Tray.", name)}
	}
	if !isKubeServer(s) {
		return nil // already not one: nothing to do
	}
	err := d.opts.Home.Update(func(c *config.Config) error {
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
	d.reload() // starts it with the empty kubeconfig (kubeSpecs)
	d.log.Info("server declared not a Kubernetes server", "server", name)
	d.notes.Publish(Note{Kind: NoteKubeForgotten, Message: fmt.Sprintf("MCP Tray no longer treats %s as a Kubernetes server; it reaches no Kubernetes cluster.", name)})
	return nil
}
