package main

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/mcptray/mcptray/daemon"
	"github.com/mcptray/mcptray/internal/display"
	"github.com/spf13/cobra"
)

func newClientImportCmd(e *env) *cobra.Command {
	var dryRun, yes bool
	cmd := &cobra.Command{
		Use:   "import CLIENT",
		Short: "Take over the servers you set up by hand in an AI app; credentials go to the keychain",
		Long: `import turns each server you configured yourself in an AI app into an MCP Tray server
(same command, arguments, folder and environment), moves every value that looks like a
credential into the system keychain, and rewrites the app's entry to start it through
"mcptray connect". Credentials on a server's command line (a --password flag, a token in
--header, a password in an address) go to the keychain as well. It shows the plan first and
asks before changing anything; --yes skips the question (for scripts), --dry-run shows only
the plan. The file is backed up first, without the credentials: mcptray client restore
CLIENT puts it back as it was.`,
		Args: exactArgs(1, "the name of an AI app (see: mcptray client list)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := clientArg(args[0])
			if err != nil {
				return err
			}
			plan, err := daemon.PlanImport(daemon.ImportOptions{Home: e.home, Keys: e.keys()}, c.ID())
			if err != nil {
				return err
			}
			printImportPlan(e, plan)
			if len(plan.Servers) == 0 {
				return nil
			}
			if dryRun {
				fmt.Fprintln(e.stdout, "Nothing was changed (--dry-run).")
				return nil
			}
			if !yes {
				ok, err := confirmImport(e, len(plan.Servers))
				if err != nil {
					return err
				}
				if !ok {
					fmt.Fprintln(e.stdout, "Nothing was changed.")
					return nil
				}
			}
			ctx, cancel := keychainCtx()
			defer cancel()
			res, err := plan.Execute(ctx)
			for _, w := range res.Warnings {
				fmt.Fprintf(e.stderr, "Note: %s\n", w)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "\nDone: %s now starts these servers through MCP Tray.\n", c.Name())
			for _, b := range res.Backups {
				fmt.Fprintf(e.stdout, "The file as it was is kept (without credentials) in %s.\n", b)
			}
			fmt.Fprintf(e.stdout, "To undo the import, run: mcptray client restore %s\n", c.ID())
			if e.daemonRunning() {
				fmt.Fprintln(e.stdout, "MCP Tray is starting the servers now.")
			} else {
				fmt.Fprintln(e.stdout, "The servers start when MCP Tray runs (open the app, or run: mcptray daemon).")
			}
			fmt.Fprintln(e.stdout, c.RestartHint())
			return nil
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "only show what the import would do")
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "import without asking (for scripts)")
	return cmd
}

func printImportPlan(e *env, p *daemon.ImportPlan) {
	name := p.Client.Name()
	switch n := len(p.Servers); n {
	case 0:
		fmt.Fprintf(e.stdout, "%s has no servers of its own that MCP Tray can take over.\n", name)
	case 1:
		fmt.Fprintf(e.stdout, "MCP Tray will take over 1 server from %s:\n", name)
	default:
		fmt.Fprintf(e.stdout, "MCP Tray will take over %d servers from %s:\n", n, name)
	}
	for _, s := range p.Servers {
		fmt.Fprintf(e.stdout, "\n  %s\n", display.Line(fmt.Sprintf("%s  (entry %q in %s)", s.Name, s.Key, s.Path)))
		if s.Note != "" {
			fmt.Fprintf(e.stdout, "    %s\n", display.Line(s.Note))
		}
		if s.Same {
			continue
		}
		fmt.Fprintf(e.stdout, "    runs: %s\n", display.Line(shellJoin(append([]string{s.Server.Command}, s.Server.Args...))))
		if s.Server.Dir != "" {
			fmt.Fprintf(e.stdout, "    in: %s\n", display.Line(s.Server.Dir))
		}
		if len(s.Server.Env) > 0 {
			fmt.Fprintf(e.stdout, "    settings kept in MCP Tray's config: %s\n", display.Line(strings.Join(slices.Sorted(maps.Keys(s.Server.Env)), ", ")))
		}
		if len(s.Server.Secrets) > 0 {
			fmt.Fprintf(e.stdout, "    credentials moved to the system keychain: %s\n", strings.Join(s.Server.Secrets, ", "))
		}
		for _, m := range s.Moved {
			fmt.Fprintf(e.stdout, "      %s was in %s", m.Key, display.Line(m.Where))
			if m.InArgs {
				fmt.Fprint(e.stdout, "; MCP Tray puts it back on the command line each time the server starts, where other programs on this computer can see it while it runs")
			}
			fmt.Fprintln(e.stdout)
		}
	}
	if len(p.Skipped) > 0 {
		fmt.Fprintf(e.stdout, "\nLeft as they are in %s:\n", name)
		for _, s := range p.Skipped {
			fmt.Fprintf(e.stdout, "  %s\n", display.Line(s.Key+": "+s.Reason))
		}
	}
	if len(p.Servers) > 0 {
		fmt.Fprintf(e.stdout, "\nEach entry in %s's settings will start \"mcptray connect NAME\" instead, with no credential in the file; the file is backed up first.\n", name)
	}
}

// confirmImport asks the person at a terminal whether to import n servers; without a terminal
// (a script, a pipe) it refuses, since nobody said yes: --yes says it up front.
func confirmImport(e *env, n int) (bool, error) {
	in := newAsker(e)
	if !in.terminal {
		return false, usageError{errors.New("MCP Tray changed nothing: nobody is at a terminal to confirm the import; read the plan above (or run with --dry-run), then run the import again with --yes")}
	}
	servers := "these " + strconv.Itoa(n) + " servers"
	if n == 1 {
		servers = "this server"
	}
	fmt.Fprintf(e.stderr, "\nImport %s? [y/N] ", servers)
	v, err := in.line()
	if err != nil && err != io.EOF {
		return false, err
	}
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}
