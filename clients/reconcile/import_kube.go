package reconcile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/mcptray/mcptray/kube"
)

// planKube, for an entry imported as a Kubernetes server (it reaches Kubernetes, so plan gave
// it Kube with no context), offers the current context of the kubeconfig its KUBECONFIG
// names, and returns the sentence that tells the person so ("" for other entries).
func (p *ImportPlan) planKube(is *ImportServer, env map[string]string) string {
	srv := is.Server
	r, ok := kube.Recognise(srv.Command, srv.Args, srv.Env, srv.Secrets)
	if !ok || srv.Kube == nil {
		return ""
	}
	if c, ok := p.kubeCurrent(env["KUBECONFIG"]); ok {
		is.KubeContext, is.KubeProduction = c.Name, p.prod.Is(c)
		yes := ""
		if is.KubeProduction {
			yes = " --yes (it is a production context)"
		}
		if files, ok := p.kubeReadable(c.Name); !ok {
			return fmt.Sprintf("a Kubernetes server (%s): it starts once you choose its context; its kubeconfig's current context is %s, but MCP Tray reads contexts from %s, which has no context %s: add that file to KUBECONFIG where MCP Tray starts, then run: mcptray kube use %s %s%s", r.Reason, c.Name, strings.Join(files, ", "), c.Name, is.Name, c.Name, yes)
		}
		return fmt.Sprintf("a Kubernetes server (%s): it starts once you choose its context; its kubeconfig's current context is %s, to use it run: mcptray kube use %s %s%s", r.Reason, c.Name, is.Name, c.Name, yes)
	}
	return fmt.Sprintf("a Kubernetes server (%s): it starts once you choose its context: mcptray kube use %s CONTEXT", r.Reason, is.Name)
}

// kubeReadable reports whether the kubeconfig MCP Tray reads (KUBECONFIG of this process, or
// ~/.kube/config) has the named context, and which files that kubeconfig is.
func (p *ImportPlan) kubeReadable(name string) ([]string, bool) {
	files := kube.Sources(os.Getenv("KUBECONFIG"), p.opts.Env.Home)
	src, err := kube.Load(files)
	if err != nil {
		return files, false
	}
	_, ok := src.Context(name)
	return files, ok
}

// kubeCurrent returns the current context of the kubeconfig files named by an entry's
// KUBECONFIG value (relative paths and ~ from the person's home), if they have one.
func (p *ImportPlan) kubeCurrent(value string) (kube.Context, bool) {
	if value == "" {
		return kube.Context{}, false
	}
	var files []string
	for _, f := range filepath.SplitList(value) {
		if rest, ok := strings.CutPrefix(f, "~"); ok && p.opts.Env.Home != "" {
			f = filepath.Join(p.opts.Env.Home, rest)
		} else if !filepath.IsAbs(f) && p.opts.Env.Home != "" {
			f = filepath.Join(p.opts.Env.Home, f)
		}
		files = append(files, f)
	}
	src, err := kube.Load(files)
	if err != nil || src.CurrentContext() == "" {
		return kube.Context{}, false
	}
	return src.Context(src.CurrentContext())
}
