package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/clients/reconcile"
	"github.com/mcptray/mcptray/config"
	"github.com/spf13/cobra"
)

func newClientCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "client",
		Short: "Connect AI apps (Claude Desktop, Cursor, VS Code, …) to MCP Tray's servers",
		Long: `MCP Tray writes one entry per server into an AI app's MCP settings. The entry starts
"mcptray connect NAME", and MCP Tray runs the real server; no credential is ever written there.
Entries you added yourself are never touched, and the file is backed up before each change.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageError{errors.New("client needs a command: list, enable, disable, import or restore")}
		},
	}
	cmd.AddCommand(newClientListCmd(e), newClientToggleCmd(e, true), newClientToggleCmd(e, false),
		newClientImportCmd(e), newClientRestoreCmd(e))
	return cmd
}

// clientArg resolves a client id given on the command line.
func clientArg(id string) (clients.Client, error) {
	c, err := clients.Known(id)
	if err != nil {
		return nil, usageError{err}
	}
	return c, nil
}

// localClients is the client reconciler run inside this command, when MCP Tray is not running.
func (e *env) localClients() *reconcile.Reconciler {
	return reconcile.New(reconcile.Options{Backups: clients.BackupDir(e.home.BackupDir())})
}

// clientsStatus is `client list`'s data: from the running MCP Tray (with its recent events),
// else read here.
func (e *env) clientsStatus() (api.ClientsResult, bool, error) {
	var res api.ClientsResult
	if e.daemonRunning() {
		err := call(e, api.ClientsList, api.None{}, &res)
		return res, true, err
	}
	cfg, err := e.home.Load()
	if err != nil {
		return res, false, err
	}
	return e.localClients().Status(cfg), false, nil
}

// syncClient makes client id's files match config.json: through the running MCP Tray, or here
// when it is not running. It returns the client's state afterwards.
func (e *env) syncClient(id string) (api.ClientStatus, bool, error) {
	var res api.ClientsResult
	running := e.daemonRunning()
	if running {
		if err := call(e, api.ClientsReconcile, api.ClientParams{Client: id}, &res); err != nil {
			return api.ClientStatus{}, true, err
		}
	} else {
		cfg, err := e.effectiveConfig() // not what waits for the person (config.go)
		if err != nil {
			return api.ClientStatus{}, false, err
		}
		r := e.localClients()
		r.ReconcileClient(cfg, id)
		res = r.Status(cfg)
	}
	return findClient(res, id), running, nil
}

func findClient(res api.ClientsResult, id string) api.ClientStatus {
	for _, c := range res.Clients {
		if c.ID == id {
			return c
		}
	}
	return api.ClientStatus{ID: id}
}

func newClientListCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the AI apps found on this computer and which servers each one sees",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			res, running, err := e.clientsStatus()
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(e, struct {
					Running bool `json:"running"`
					api.ClientsResult
				}{running, res})
			}
			printClients(e, res)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (see docs/clients.md)")
	return cmd
}

func printClients(e *env, res api.ClientsResult) {
	if len(res.Clients) == 0 {
		fmt.Fprintln(e.stdout, "MCP Tray found no AI apps on this computer. Connect one anyway with: mcptray client enable CLIENT")
		return
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CLIENT\tAPP\tON\tSEES\tFILE")
	for _, c := range res.Clients {
		on := map[bool]string{true: "yes", false: "no"}[c.Enabled]
		sees := strings.Join(c.Sees, ", ")
		if sees == "" {
			sees = "-"
		}
		for i, f := range c.Files {
			path := f.Path
			if !f.Exists {
				path += " (not there yet)"
			}
			if i == 0 {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.ID, c.Name, on, sees, path)
			} else {
				fmt.Fprintf(tw, "\t\t\t\t%s\n", path)
			}
		}
	}
	for _, m := range res.Manual {
		fmt.Fprintf(tw, "%s\t%s\tby hand\t-\t(kept inside the app)\n", m.ID, m.Name)
	}
	tw.Flush()
	for _, m := range res.Manual {
		fmt.Fprintf(e.stdout, "\n%s keeps its servers inside the app, so MCP Tray cannot add them. %s\n", m.Name, m.How)
	}
	for _, c := range res.Clients {
		for _, f := range c.Files {
			if f.Error != "" {
				fmt.Fprintf(e.stdout, "\n%s\n", f.Error)
			}
		}
		if c.NeedsRestart {
			fmt.Fprintf(e.stdout, "\n%s: %s\n", c.Name, c.RestartHint)
		}
	}
}

func newClientToggleCmd(e *env, enable bool) *cobra.Command {
	var servers []string
	verb, short := "disable", "Stop an AI app from seeing MCP Tray's servers (or some of them)"
	if enable {
		verb, short = "enable", "Let an AI app see MCP Tray's servers (all of them, or those named)"
	}
	cmd := &cobra.Command{
		Use:     verb + " CLIENT",
		Short:   short,
		Example: fmt.Sprintf("  mcptray client %s claude-desktop\n  mcptray client %s cursor --server github --server files", verb, verb),
		Args:    exactArgs(1, "the name of an AI app (see: mcptray client list)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := clientArg(args[0])
			if err != nil {
				return err
			}
			for _, s := range servers {
				if !config.ValidName(s) {
					return usageError{fmt.Errorf("%q cannot be a server name (see: mcptray server list)", s)}
				}
			}
			cfg, err := e.home.Load()
			if err != nil {
				return err
			}
			before := findClient(e.localClients().Status(cfg), c.ID())
			err = e.home.Update(func(cfg *config.Config) error {
				for _, s := range servers {
					if _, ok := cfg.Servers[s]; !ok {
						return errNoServer(s)
					}
				}
				if enable {
					reconcile.EnableClient(cfg, c.ID(), servers)
				} else {
					reconcile.DisableClient(cfg, c.ID(), servers)
				}
				return nil
			})
			if err != nil {
				return err
			}
			after, running, err := e.syncClient(c.ID())
			if err != nil {
				return err
			}
			return reportClient(e, c, before, after, running)
		},
	}
	cmd.Flags().StringArrayVar(&servers, "server", nil, "only this server (repeatable); without it, every server")
	return cmd
}

// reportClient says what a client sees now, what changed in its files, and how to make it
// notice. A file MCP Tray could not write is the command's error.
func reportClient(e *env, c clients.Client, before, after api.ClientStatus, running bool) error {
	problem := after.Problem()
	switch {
	case problem != "" && after.Enabled:
		fmt.Fprintf(e.stdout, "%s is switched on in MCP Tray, but its settings could not be updated.\n", c.Name())
	case !after.Enabled:
		fmt.Fprintf(e.stdout, "%s no longer sees any of MCP Tray's servers.\n", c.Name())
	case len(after.Wants) == 0:
		fmt.Fprintf(e.stdout, "%s is connected to MCP Tray, but there is no server for it to see yet; add one with: mcptray server add NAME -- COMMAND [ARGS...]\n", c.Name())
	case len(after.Only) == 0:
		fmt.Fprintf(e.stdout, "%s now sees every MCP Tray server: %s.\n", c.Name(), strings.Join(after.Wants, ", "))
	default:
		fmt.Fprintf(e.stdout, "%s now sees %s.\n", c.Name(), strings.Join(after.Wants, ", "))
	}
	if after.Enabled && !before.Detected && len(after.Files) > 0 && problem == "" {
		fmt.Fprintf(e.stdout, "%s does not seem to be installed here yet; it will find its servers in %s once it is.\n", c.Name(), after.Files[0].Path)
	}
	changes := after.ChangesSince(before)
	for _, ch := range changes {
		var parts []string
		if len(ch.Added) > 0 {
			parts = append(parts, "added "+strings.Join(ch.Added, ", "))
		}
		if len(ch.Removed) > 0 {
			parts = append(parts, "removed "+strings.Join(ch.Removed, ", "))
		}
		fmt.Fprintf(e.stdout, "Updated %s: %s.\n", ch.Path, strings.Join(parts, "; "))
		for _, s := range ch.Added {
			if key, ok := ch.Renamed[s]; ok {
				fmt.Fprintf(e.stdout, "An entry called %q that MCP Tray did not add is already there, so MCP Tray's server %q is listed as %q.\n", s, s, key)
			}
		}
	}
	if problem != "" {
		next := "fix it and run this command again"
		if running {
			next = "MCP Tray updates it as soon as the file is fixed"
		}
		return errors.New(strings.TrimSuffix(problem, ".") + "; " + next)
	}
	if len(changes) > 0 {
		fmt.Fprintln(e.stdout, c.RestartHint())
	} else {
		fmt.Fprintln(e.stdout, "Its settings already said so; nothing changed.")
	}
	return nil
}

func newClientRestoreCmd(e *env) *cobra.Command {
	var original, list bool
	cmd := &cobra.Command{
		Use:   "restore CLIENT",
		Short: "Put back an AI app's settings as they were before MCP Tray's last change",
		Long: `restore puts back the copy MCP Tray kept before its last change to the app's settings
file (after an import: the file as it was, credentials included), and MCP Tray stops changing
that file: it neither adds its entries again nor takes out the ones put back. Run it again to
go one more change back; "mcptray client enable" connects the app again.
With --original it puts back the file as it was before MCP Tray's first change, a copy MCP Tray
keeps for good; --list shows the copies kept.`,
		Args: exactArgs(1, "the name of an AI app (see: mcptray client list)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := clientArg(args[0])
			if err != nil {
				return err
			}
			opts := reconcile.ImportOptions{Home: e.home, Keys: e.keys()}
			if list {
				return printClientBackups(e, c, opts)
			}
			ctx, cancel := keychainCtx()
			defer cancel()
			restore := reconcile.RestoreClient
			if original {
				restore = reconcile.RestoreClientOriginal
			}
			r, err := restore(ctx, opts, c.ID())
			if errors.Is(err, clients.ErrNoBackup) {
				if original {
					return fmt.Errorf("MCP Tray has no copy of %s's settings from before its first change (it keeps one from the first change it makes)", c.Name())
				}
				return fmt.Errorf("MCP Tray has no backup of %s's settings to put back (it keeps one before each change it makes)", c.Name())
			}
			if err != nil {
				return err
			}
			for _, f := range r.Files {
				fmt.Fprintln(e.stdout, f.Message)
			}
			for _, w := range r.Warnings {
				fmt.Fprintf(e.stderr, "Note: %s\n", w)
			}
			if r.Disabled {
				fmt.Fprintf(e.stdout, "MCP Tray no longer changes %s's settings; to connect it again, run: mcptray client enable %s\n", c.Name(), c.ID())
			}
			if !original {
				if files, err := reconcile.ClientBackups(opts, c.ID()); err == nil && slices.ContainsFunc(files, func(f reconcile.FileBackups) bool { return f.HasOriginal }) {
					fmt.Fprintf(e.stdout, "The settings as they were before MCP Tray's first change are kept too; to put them back, run: mcptray client restore %s --original\n", c.ID())
				}
			}
			fmt.Fprintln(e.stdout, c.RestartHint())
			return nil
		},
	}
	cmd.Flags().BoolVar(&original, "original", false, "put back the settings as they were before MCP Tray's first change")
	cmd.Flags().BoolVar(&list, "list", false, "list the copies MCP Tray keeps, and change nothing")
	cmd.MarkFlagsMutuallyExclusive("original", "list")
	return cmd
}

// printClientBackups lists the copies kept of each of the client's files, the original first.
func printClientBackups(e *env, c clients.Client, opts reconcile.ImportOptions) error {
	files, err := reconcile.ClientBackups(opts, c.ID())
	if err != nil {
		return err
	}
	if len(files) == 0 {
		fmt.Fprintf(e.stdout, "MCP Tray keeps no copy of %s's settings: it has not changed them.\n", c.Name())
		return nil
	}
	for _, f := range files {
		fmt.Fprintf(e.stdout, "%s:\n", f.Path)
		switch {
		case f.HasOriginal && f.Original.Absent:
			fmt.Fprintf(e.stdout, "  before MCP Tray's first change: no file (restore %s --original removes it)\n", c.ID())
		case f.HasOriginal:
			fmt.Fprintf(e.stdout, "  before MCP Tray's first change: %s (restore %s --original)\n", f.Original.Path, c.ID())
		}
		for i, b := range f.Backups {
			when := "at an unknown time"
			if !b.Time.IsZero() {
				when = b.Time.Local().Format("2006-01-02 15:04")
			}
			next := ""
			if i == 0 {
				next = fmt.Sprintf(" (restore %s puts this one back)", c.ID())
			}
			fmt.Fprintf(e.stdout, "  before the change of %s: %s%s\n", when, b.Path, next)
		}
	}
	return nil
}
