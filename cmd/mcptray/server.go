package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/installer"
	"github.com/mcptray/mcptray/internal/display"
	kubereconcile "github.com/mcptray/mcptray/kube/reconcile"
	"github.com/mcptray/mcptray/supervisor"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

func newServerCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "server",
		Short: "Add, remove, list and control MCP servers",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageError{errors.New("server needs a command: add, list, status, remove, start, stop, restart, enable, disable or sandbox")}
		},
	}
	cmd.AddCommand(newServerAddCmd(e), newServerListCmd(e), newServerStatusCmd(e), newServerRemoveCmd(e))
	for _, verb := range []struct {
		name, short, done string
		m                 api.Method[api.NameParams, api.None]
	}{
		{"start", "Start a stopped server", "Started", api.Start},
		{"stop", "Stop a server until you start it again", "Stopped", api.Stop},
		{"restart", "Stop and start a server", "Restarted", api.Restart},
	} {
		cmd.AddCommand(&cobra.Command{
			Use:   verb.name + " NAME",
			Short: verb.short,
			Args:  exactArgs(1, "the name of a server"),
			RunE: func(cmd *cobra.Command, args []string) error {
				if err := call(e, verb.m, api.NameParams{Name: args[0]}, nil); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "%s %s.\n", verb.done, args[0])
				return nil
			},
		})
	}
	cmd.AddCommand(newServerToggleCmd(e, "enable", false), newServerToggleCmd(e, "disable", true))
	cmd.AddCommand(newServerSandboxCmd(e))
	cmd.AddCommand(newServerFreezeCmd(e)) // freeze.go
	cmd.AddCommand(newServerLoginCmd(e))  // server_remote.go
	return cmd
}

func newServerAddCmd(e *env) *cobra.Command {
	var envs, secrets []string
	var mode, dir string
	var noSpare, kubeFlag bool
	var rf remoteFlags // server_remote.go
	cmd := &cobra.Command{
		Use:   "add NAME [flags] -- COMMAND [ARGS...]",
		Short: "Add a server that MCP Tray runs",
		Example: `  mcptray server add files -- npx -y @modelcontextprotocol/server-filesystem@2026.1.14 ~/Documents
  mcptray server add github --secret GITHUB_PERSONAL_ACCESS_TOKEN -- npx -y @modelcontextprotocol/server-github@2025.4.8`,
		Args: func(cmd *cobra.Command, args []string) error {
			if rf.set() && (len(args) != 1 || cmd.ArgsLenAtDash() != -1) {
				return usageError{errors.New("server add NAME --url ADDRESS takes no command")}
			}
			if rf.set() {
				return nil
			}
			if len(args) < 2 || cmd.ArgsLenAtDash() != 1 {
				return usageError{errors.New("server add needs a name, then -- and the command that runs the server")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			if err := config.CheckName(name); err != nil {
				return usageError{err}
			}
			if rf.set() {
				return addRemoteServer(e, name, &rf, secrets, mode) // server_remote.go
			}
			command, cwd, err := absCommand(args[1], dir) // server_command.go
			if err != nil {
				return err
			}
			s := &config.Server{Command: command, Args: args[2:], Mode: config.Mode(mode), Dir: cwd, NoSpare: noSpare}
			for _, kv := range envs {
				k, v, err := config.ParseEnvPair(kv)
				if err != nil {
					return usageError{err}
				}
				if clients.LooksLikeCredential(k, v) { // the rule `client import` uses
					fmt.Fprintf(e.stderr, "Note: %s looks like a credential. Use --secret %s instead to keep it in the keychain rather than in config.json.\n", k, k)
				}
				if s.Env == nil {
					s.Env = map[string]string{}
				}
				s.Env[k] = v
			}
			s.Secrets = secrets
			kubeNote := kubereconcile.Mark(s, name, kubeFlag)
			err = e.home.AddServer(name, s)
			if errors.Is(err, config.ErrServerExists) {
				return fmt.Errorf("there is already a server named %q; remove it first (mcptray server remove %s) or pick another name", name, name)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "Added the server %q.\n", name)
			if kubeNote != "" {
				fmt.Fprintln(e.stdout, kubeNote)
			}
			if err := askSecrets(e, name, secrets); err != nil {
				return err
			}
			switch {
			case kubeNote != "": // it starts once its context is chosen
			case e.daemonRunning():
				fmt.Fprintln(e.stdout, "MCP Tray is starting it now.")
			default:
				fmt.Fprintln(e.stdout, "It will start when MCP Tray runs (open the app, or run: mcptray daemon).")
			}
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&envs, "env", nil, "environment variable NAME=VALUE for the server (repeatable; not for credentials)")
	cmd.Flags().StringArrayVar(&secrets, "secret", nil, "name of a credential the server needs, kept in the keychain (repeatable)")
	cmd.Flags().StringVar(&mode, "mode", "", "session (each client gets its own process, the default) or shared")
	cmd.Flags().StringVar(&dir, "cwd", "", "working folder for the server")
	cmd.Flags().BoolVar(&noSpare, "no-spare", false, "start the server only when a client connects, instead of keeping one ready")
	rf.register(cmd)
	cmd.Flags().BoolVar(&kubeFlag, "kube", false, "the server reaches Kubernetes: it starts once you choose the one context it may use (mcptray kube use)")
	return cmd
}

// errNoServer is the sentence for a server name config.json does not have.
func errNoServer(name string) error {
	return fmt.Errorf("there is no server named %q (see: mcptray server list)", name)
}

// updateServer changes one server in config.json under its lock (config.Home.UpdateServer,
// as the daemon does).
func updateServer(e *env, name string, change func(*config.Server) error) error {
	return cliError(name, e.home.UpdateServer(name, change))
}

// cliError gives the config package's "no such server" the command line's sentence.
func cliError(server string, err error) error {
	if errors.Is(err, config.ErrNoServer) {
		return errNoServer(server)
	}
	return err
}

func newServerRemoveCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "remove NAME",
		Short: "Remove a server (it is stopped, and AI clients stop seeing it)",
		Args:  exactArgs(1, "the name of a server"),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			removed, err := e.home.RemoveServer(name)
			if err != nil {
				return cliError(name, err)
			}
			fmt.Fprintf(e.stdout, "Removed the server %q.\n", name)
			removeInstalled(e, name, &removed) // freeze.go
			if deleted, err := installer.PruneBundles(e.home, &removed); err != nil {
				fmt.Fprintf(e.stderr, "The server is removed, but %v.\n", err)
			} else if len(deleted) > 0 {
				fmt.Fprintln(e.stdout, "Deleted the bundle file it was downloaded as.")
			}
			if removed.OAuth != nil {
				ctx, cancel := keychainCtx()
				err := config.ForgetSignIn(ctx, e.keys(), &removed)
				cancel()
				if err != nil {
					return fmt.Errorf("the server is removed, but its sign-in could not be deleted from the keychain: %w", err)
				}
				fmt.Fprintln(e.stdout, "Deleted its sign-in from the system keychain.")
			}
			if len(removed.Secrets) > 0 {
				if err := deleteSecrets(e, name, removed.Secrets); err != nil {
					return fmt.Errorf("the server is removed, but its secrets could not be deleted from the keychain: %w", err)
				}
				fmt.Fprintf(e.stdout, "Deleted its secrets (%s) from the system keychain.\n", strings.Join(removed.Secrets, ", "))
			}
			return nil
		},
	}
}

func newServerToggleCmd(e *env, verb string, disabled bool) *cobra.Command {
	return &cobra.Command{
		Use:   verb + " NAME",
		Short: map[bool]string{false: "Turn a server on", true: "Turn a server off (kept in the list, not run)"}[disabled],
		Args:  exactArgs(1, "the name of a server"),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			err := updateServer(e, name, func(s *config.Server) error {
				s.Disabled = disabled
				return nil
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "Turned %s %s.\n", name, map[bool]string{false: "on", true: "off"}[disabled])
			return nil
		},
	}
}

// ServerListItem is one row of `server list --json`.
type ServerListItem struct {
	config.ServerSummary
	Status *supervisor.Status `json:"status,omitempty"` // present when MCP Tray is running
}

func newServerListCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the configured servers (and their state when MCP Tray is running)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := e.home.Load()
			if err != nil {
				return err
			}
			var st api.StatusResult
			running := call(e, api.Status, api.None{}, &st) == nil
			byName := map[string]*supervisor.Status{}
			for i := range st.Servers {
				byName[st.Servers[i].Name] = &st.Servers[i]
			}
			items := []ServerListItem{}
			for _, name := range cfg.ServerNames() {
				items = append(items, ServerListItem{ServerSummary: config.Summary(name, cfg.Servers[name]), Status: byName[name]})
			}
			if asJSON {
				return writeJSON(e, map[string]any{"servers": items, "running": running})
			}
			if len(items) == 0 {
				fmt.Fprintln(e.stdout, "No servers yet. Add one with: mcptray server add NAME -- COMMAND [ARGS...]")
				return nil
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tSTATE\tMODE\tCOMMAND")
			for _, it := range items {
				state := "-"
				switch {
				case it.Status != nil:
					state = it.Status.State.String()
				case it.Disabled:
					state = "off"
				}
				what := shellJoin(append([]string{it.Command}, it.Args...))
				if it.URL != "" {
					what = it.URL // a remote server (server_remote.go)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", display.Line(it.Name), state, display.Line(string(it.Mode)), display.Line(what))
			}
			tw.Flush()
			for _, it := range items {
				if offer := installer.FreezeOffer(it.Name, cfg.Servers[it.Name]); offer != "" {
					fmt.Fprintln(e.stdout, "\n"+offer)
				}
			}
			var waits api.PendingResult
			if running && call(e, api.ConfigPending, api.None{}, &waits) == nil && waits.Pending {
				fmt.Fprintln(e.stdout, "\nA change to config.json that MCP Tray did not make waits for your confirmation; see: mcptray config review")
			}
			if !running {
				fmt.Fprintln(e.stdout, "\nMCP Tray is not running, so no server is either. Open the app, or run: mcptray daemon")
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (see docs/cli-json.md)")
	return cmd
}

func newServerStatusCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status [NAME]",
		Short: "Show each running server's state, process, restarts and last error",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var st api.StatusResult
			if err := call(e, api.Status, api.None{}, &st); err != nil {
				return err
			}
			if len(args) == 1 {
				st.Servers = slices.DeleteFunc(st.Servers, func(s supervisor.Status) bool { return s.Name != args[0] })
				if len(st.Servers) == 0 {
					return api.Errorf(api.ErrNotFound, "There is no server named %q (see: mcptray server list)", args[0])
				}
			}
			if asJSON {
				return writeJSON(e, st)
			}
			if st.ConfigError != "" {
				fmt.Fprintf(e.stdout, "config.json has a problem, so MCP Tray keeps using the last good version: %s\n\n", st.ConfigError)
			}
			if len(st.Servers) == 0 {
				fmt.Fprintln(e.stdout, "No servers yet. Add one with: mcptray server add NAME -- COMMAND [ARGS...]")
				return nil
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tSTATE\tFOR\tPID\tRESTARTS\tCLIENTS\tPROBLEM")
			for _, s := range st.Servers {
				pid := "-"
				if s.Pid > 0 {
					pid = fmt.Sprint(s.Pid)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%s\n", s.Name, s.State, since(s.Since), pid, s.Restarts, s.Sessions, s.Error)
			}
			tw.Flush()
			if cfg, err := e.home.Load(); err == nil && len(args) == 1 && cfg.Servers[args[0]] != nil {
				fmt.Fprintf(e.stdout, "\n%s %s.\n", display.Line(args[0]), sandboxSentence(args[0], cfg.Servers[args[0]]))
			}
			for _, s := range st.Servers {
				if s.State == supervisor.Failed && len(s.StderrTail) > 0 {
					fmt.Fprintf(e.stdout, "\nLast output of %s:\n  %s\n", s.Name, strings.Join(s.StderrTail, "\n  "))
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (see docs/cli-json.md)")
	return cmd
}

func since(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return time.Since(t).Round(time.Second).String()
}

func writeJSON(e *env, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.stdout, "%s\n", b)
	return err
}

// shellJoin quotes args the way a person would type them.
func shellJoin(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\"'$\\") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}

// askSecrets asks for the values of newly declared secrets when someone is at a terminal, and
// otherwise says how to set them.
func askSecrets(e *env, server string, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	f, ok := e.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		fmt.Fprintf(e.stdout, "It needs %s; set each with: mcptray secret set %s KEY\n", strings.Join(keys, ", "), server)
		return nil
	}
	for _, k := range keys {
		v, err := readSecret(e, k)
		if err != nil {
			return err
		}
		if err := storeSecret(e, server, k, v); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Saved %s in the system keychain.\n", k)
	}
	return nil
}
