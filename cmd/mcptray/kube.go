package main

import (
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
	"github.com/spf13/cobra"
)

func newKubeCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "kube",
		Short: "Choose which Kubernetes context each Kubernetes server may reach",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageError{errors.New("kube needs a command: contexts, use or forget")}
		},
	}
	var asJSON bool
	contexts := &cobra.Command{
		Use:   "contexts [SERVER]",
		Short: "List your kubeconfig's contexts and the one each Kubernetes server uses",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var p api.KubeContextsParams
			if len(args) == 1 {
				p.Server = args[0]
			}
			var res api.KubeContextsResult
			if err := call(e, api.KubeContexts, p, &res); err != nil {
				return err
			}
			if asJSON {
				return writeJSON(e, res)
			}
			return printKubeContexts(e, res)
		},
	}
	contexts.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	var yes bool
	var namespace string
	use := &cobra.Command{
		Use:   "use SERVER CONTEXT [--namespace NAMESPACE] [--yes]",
		Short: "Let a Kubernetes server reach one context (and no other)",
		Long: `Let a Kubernetes server reach one context of your kubeconfig, and no other.

MCP Tray writes a kubeconfig holding only that context for the server and restarts it.
A production context needs --yes; there, every tool that may change something asks you first.

With --namespace, the server is also limited to one namespace of that context: its kubeconfig
names it, and calls that name another namespace (or all of them) are refused. Without it, the
server may use every namespace its context's user may.`,
		Args: exactArgs(2, "a server name and a context name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := call(e, api.KubeUse, api.KubeUseParams{Server: args[0], Context: args[1], Namespace: namespace, Yes: yes}, nil); err != nil {
				return err
			}
			if namespace != "" {
				fmt.Fprintf(e.stdout, "%s now uses the Kubernetes context %s, and only its namespace %s.\n", args[0], args[1], namespace)
			} else {
				fmt.Fprintf(e.stdout, "%s now uses the Kubernetes context %s.\n", args[0], args[1])
			}
			if yes {
				fmt.Fprintln(e.stdout, "This is a production context: every tool that may change something will ask you first.")
			}
			if cfg, err := e.home.Load(); err == nil && cfg.Servers[args[0]] != nil && cfg.Servers[args[0]].EffectiveMode() == config.ModeShared {
				fmt.Fprintln(e.stdout, "The server restarted; AI apps connected to it reconnect to the new context.")
			} else {
				fmt.Fprintf(e.stdout, "AI apps already connected keep their connection until they reconnect (MCP Tray asks before their calls that may change something); new connections use %s.\n", args[1])
			}
			return nil
		},
	}
	use.Flags().BoolVar(&yes, "yes", false, "confirm a production context")
	use.Flags().StringVarP(&namespace, "namespace", "n", "", "limit the server to this namespace")
	forget := &cobra.Command{
		Use:   "forget SERVER",
		Short: "Say a server is not a Kubernetes server, though MCP Tray took it for one",
		Long: `Say a server is not a Kubernetes server, though MCP Tray took it for one (because it
takes --context or names kubectl, for instance), so that it starts without a context chosen.

Like every server that is not a Kubernetes server, it then gets an empty kubeconfig and
reaches no cluster. To treat it as a Kubernetes server again: mcptray kube use SERVER CONTEXT`,
		Args: exactArgs(1, "a server name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := call(e, api.KubeForget, api.KubeForgetParams{Server: args[0]}, nil); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "MCP Tray no longer treats %s as a Kubernetes server: it starts with an empty kubeconfig and reaches no cluster.\n", args[0])
			return nil
		},
	}
	cmd.AddCommand(contexts, use, forget)
	return cmd
}

func printKubeContexts(e *env, res api.KubeContextsResult) error {
	if res.Error != "" {
		fmt.Fprintln(e.stdout, res.Error)
	}
	if len(res.Servers) == 0 {
		fmt.Fprintln(e.stdout, "There are no Kubernetes servers in MCP Tray. Install one from the catalog: mcptray catalog search kubernetes")
		return nil
	}
	for i, s := range res.Servers {
		if i > 0 {
			fmt.Fprintln(e.stdout)
		}
		switch {
		case s.Context == "":
			fmt.Fprintf(e.stdout, "%s: no context chosen yet; choose one with: mcptray kube use %s CONTEXT\n", s.Server, s.Server)
		case s.Production:
			fmt.Fprintf(e.stdout, "%s uses %s%s (PRODUCTION)\n", s.Server, s.Context, namespaceNote(s.Namespace))
		default:
			fmt.Fprintf(e.stdout, "%s uses %s%s\n", s.Server, s.Context, namespaceNote(s.Namespace))
		}
		if s.Problem != "" && s.Context != "" {
			fmt.Fprintln(e.stdout, s.Problem)
		}
		if len(s.Contexts) == 0 {
			continue
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  CONTEXT\tCLUSTER\tNAMESPACE\tUSER\t")
		for _, c := range s.Contexts {
			mark, prod := " ", ""
			if c.Name == s.Context {
				mark = "*"
			}
			if c.Production {
				prod = "PRODUCTION"
			}
			fmt.Fprintf(tw, "%s %s\t%s\t%s\t%s\t%s\n", mark, c.Name, c.Cluster, c.Namespace, c.User, prod)
		}
		tw.Flush()
	}
	return nil
}

// namespaceNote is what `kube contexts` says after a context limited to namespace.
func namespaceNote(namespace string) string {
	if namespace == "" {
		return ""
	}
	return ", namespace " + namespace + " only"
}
