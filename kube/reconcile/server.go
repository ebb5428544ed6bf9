package reconcile

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/kube"
)

// File is the one-context kubeconfig MCP Tray writes for a Kubernetes server.
func File(home config.Home, server string) string {
	return filepath.Join(home.KubeDir(), server+".yaml")
}

// EmptyFile is the empty kubeconfig every server that is not a Kubernetes server gets as
// KUBECONFIG, so that a kubectl or helm inside it finds no cluster (and never reads
// ~/.kube/config). Its name cannot be a server's one-context file (those end in .yaml).
func EmptyFile(home config.Home) string {
	return filepath.Join(home.KubeDir(), "none.kubeconfig")
}

// IsServer reports whether s is a Kubernetes server: marked so in config.json (catalog,
// `server add --kube`, import) or recognised by what it starts (kube.Recognise), however it
// was added, config.json edited by hand included; unless the person declared it not one
// (`mcptray kube forget`: Kube.None).
func IsServer(s *config.Server) bool {
	if s == nil {
		return false
	}
	if s.Kube != nil {
		return !s.Kube.None
	}
	_, ok := kube.Recognise(s.Command, s.Args, s.Env, s.Secrets)
	return ok
}

// ContextOf is the context chosen for a Kubernetes server, "" when none is.
func ContextOf(s *config.Server) string {
	if s == nil || s.Kube == nil || s.Kube.None {
		return ""
	}
	return s.Kube.Context
}

// NamespaceOf is the namespace a Kubernetes server is limited to, "" when it is not.
func NamespaceOf(s *config.Server) string {
	if s == nil || s.Kube == nil || s.Kube.None {
		return ""
	}
	return s.Kube.Namespace
}

// Production returns the production guard configured in cfg.
func Production(cfg *config.Config) kube.Production {
	return kube.Production{Patterns: cfg.Settings.ProductionPatterns, Contexts: cfg.Settings.ProductionContexts}
}

// limitedTo is c as a server limited to namespace ("" for no limit) works in it: production
// is judged on the namespace it uses, which the limit replaces.
func limitedTo(c kube.Context, namespace string) kube.Context {
	if namespace != "" {
		c.Namespace = namespace
	}
	return c
}

// why says, for a person, why MCP Tray treats s as a Kubernetes server.
func why(s *config.Server) string {
	if r, ok := kube.Recognise(s.Command, s.Args, s.Env, s.Secrets); ok && s.Kube == nil {
		return " (MCP Tray treats it as a Kubernetes server because " + r.Reason + ")"
	}
	return ""
}

// forgetHint tells the person how to say name is not a Kubernetes server, for a server MCP
// Tray took for one by what it starts (not one installed as such from the catalog).
func forgetHint(name string, s *config.Server) string {
	if s.Source != nil && s.Source.Catalog != "" {
		return ""
	}
	return fmt.Sprintf(" If %s is not a Kubernetes server, run: mcptray kube forget %s", name, name)
}

// overrideFlag returns the first argument that would make a Kubernetes server ignore its
// one-context kubeconfig (--kubeconfig, --context, --cluster, --user, --server, --token), or
// "" when there is none.
func overrideFlag(args []string) string {
	for _, a := range args {
		for _, f := range []string{"--kubeconfig", "--context", "--cluster", "--user", "--server", "--token"} {
			if a == f || strings.HasPrefix(a, f+"=") {
				return f
			}
		}
	}
	return ""
}
