package main

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/mcptray/mcptray/clients/reconcile"
	"github.com/mcptray/mcptray/internal/display"
	"github.com/spf13/cobra"
)

func newClientImportCmd(e *env) *cobra.Command {
	var dryRun, yes, allowAutoApproved bool
	var file string
	cmd := &cobra.Command{
		Use:   "import CLIENT|MANAGER",
		Short: "Take over the servers you set up by hand in an AI app or another MCP manager; credentials go to the keychain",
		Long: `import turns each server you configured yourself in an AI app into an MCP Tray server
(same command, arguments, folder and environment), moves every value that looks like a
credential into the system keychain, and rewrites the app's entry to start it through
"mcptray connect". Credentials on a server's command line (a --password flag, a token in
--header, a password in an address) go to the keychain as well. It shows the plan first and
asks before changing anything; --yes skips the question (for scripts), --dry-run shows only
the plan. The file is backed up first, without the credentials: mcptray client restore
CLIENT puts it back as it was. Tools the app ran without asking (Cline's autoApprove) run
without asking in MCP Tray too only if you say so (asked, or --allow-auto-approved).

It also takes the servers of another MCP manager, leaving that manager's files as they are:
  mcpproxy   MCPProxy (~/.mcpproxy/mcp_config.json)
  toolhive   ToolHive's run configs (or one exported run config, with --file)
  docker     Docker's MCP Toolkit (~/.docker/mcp, or a profile it exported, with --file)
  mcprouter  MCP Router's export (the newest ~/Downloads/mcp-servers-DATE.json, or --file)
Container images become servers MCP Tray runs with docker run. A server MCP Tray cannot run
is named with the reason. Credentials the manager keeps in its own secret store are asked
for (typing is hidden); without a terminal, set them later with: mcptray secret set.`,
		Example: `  mcptray client import cursor
  mcptray client import toolhive --dry-run
  mcptray client import mcprouter --file ~/Downloads/mcp-servers-2026-09-20.json`,
		Args: exactArgs(1, "the name of an AI app (see: mcptray client list) or of another manager ("+strings.Join(reconcile.Managers, ", ")+")"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var plan *reconcile.ImportPlan
			var managed *reconcile.ManagerPlan
			opts := reconcile.ImportOptions{Home: e.home, Keys: e.keys()}
			if slices.Contains(reconcile.Managers, args[0]) {
				var err error
				if managed, err = reconcile.PlanManagerImport(opts, args[0], file); err != nil {
					return err
				}
				plan = managed.ImportPlan
			} else {
				if file != "" {
					return usageError{fmt.Errorf("--file is for another manager's setup (%s); an AI app's files are found where the app keeps them", strings.Join(reconcile.Managers, ", "))}
				}
				c, err := clientArg(args[0])
				if err != nil {
					return err
				}
				if plan, err = reconcile.PlanImport(opts, c.ID()); err != nil {
					return err
				}
			}
			printImportPlan(e, plan)
			if managed != nil {
				printNeeded(e, managed)
			}
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
			if plan.AutoApproved() {
				ok := allowAutoApproved
				if !ok && !yes {
					var err error
					if ok, err = confirmAutoApproved(e, plan.From); err != nil {
						return err
					}
				}
				if ok {
					plan.AllowAutoApproved()
				}
			}
			if managed != nil {
				if err := askNeeded(e, managed); err != nil {
					return err
				}
			}
			ctx, cancel := keychainCtx() // after the questions: the person's typing takes no keychain time
			defer cancel()
			var res reconcile.ImportResult
			var err error
			if managed != nil {
				res, err = managed.Execute(ctx)
			} else {
				res, err = plan.Execute(ctx)
			}
			for _, w := range res.Warnings {
				fmt.Fprintf(e.stderr, "Note: %s\n", w)
			}
			if err != nil {
				return err
			}
			if plan.Client == nil {
				fmt.Fprintf(e.stdout, "\nDone: MCP Tray now has these servers; stop %s, then let your AI apps see them (mcptray client enable APP).\n", plan.From)
				for _, n := range managed.Needed {
					fmt.Fprintf(e.stdout, "%s still needs %s; set it with: mcptray secret set %s %s\n", n.Server, n.Key, n.Server, n.Key)
				}
			} else {
				fmt.Fprintf(e.stdout, "\nDone: %s now starts these servers through MCP Tray.\n", plan.From)
				for _, b := range res.Backups {
					fmt.Fprintf(e.stdout, "The file as it was is kept (without credentials) in %s.\n", b)
				}
				fmt.Fprintf(e.stdout, "To undo the import, run: mcptray client restore %s\n", plan.Client.ID())
			}
			if e.daemonRunning() {
				fmt.Fprintln(e.stdout, "MCP Tray is starting the servers now.")
			} else {
				fmt.Fprintln(e.stdout, "The servers start when MCP Tray runs (open the app, or run: mcptray daemon).")
			}
			if plan.Client != nil {
				fmt.Fprintln(e.stdout, plan.Client.RestartHint())
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "only show what the import would do")
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "import without asking (for scripts)")
	cmd.Flags().BoolVar(&allowAutoApproved, "allow-auto-approved", false, "let the tools the app ran without asking run without asking in MCP Tray too")
	cmd.Flags().StringVar(&file, "file", "", "read another manager's setup from this file or folder instead of its usual place")
	return cmd
}

// printNeeded lists the credentials the manager keeps where MCP Tray cannot read them.
func printNeeded(e *env, p *reconcile.ManagerPlan) {
	if len(p.Needed) == 0 {
		return
	}
	fmt.Fprintf(e.stdout, "\nCredentials %s keeps where MCP Tray cannot read them; MCP Tray asks you for each (or set it later with mcptray secret set):\n", p.From)
	for _, n := range p.Needed {
		fmt.Fprintf(e.stdout, "  %s\n", display.Line(fmt.Sprintf("%s needs %s (%s)", n.Server, n.Key, n.Where)))
	}
}

// askNeeded asks the person at a terminal for each credential the plan still needs, typing
// hidden; Enter alone leaves it for later. Without a terminal it asks nothing.
func askNeeded(e *env, p *reconcile.ManagerPlan) error {
	if !newAsker(e).terminal {
		return nil
	}
	for _, n := range slices.Clone(p.Needed) {
		fmt.Fprintf(e.stderr, "\n%s needs %s, %s (press Enter to set it later).\n", n.Server, n.Key, display.Line(n.Where))
		v, err := readSecret(e, n.Key)
		var empty usageError
		if errors.As(err, &empty) {
			continue
		}
		if err != nil {
			return err
		}
		p.Provide(n.Server, n.Key, v)
	}
	return nil
}

func printImportPlan(e *env, p *reconcile.ImportPlan) {
	name := p.From
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
	if len(p.Servers) > 0 && p.Client != nil {
		fmt.Fprintf(e.stdout, "\nEach entry in %s's settings will start \"mcptray connect NAME\" instead, with no credential in the file; the file is backed up first.\n", name)
	}
}

// confirmAutoApproved asks the person at a terminal whether the tools from ran without asking
// may run without asking in MCP Tray too; without a terminal the answer is no.
func confirmAutoApproved(e *env, from string) (bool, error) {
	in := newAsker(e)
	if !in.terminal {
		return false, nil
	}
	return in.confirmNo(fmt.Sprintf("Let the tools %s ran without asking you run without asking in MCP Tray too? [y/N] ", from))
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
	return in.confirmNo("\nImport " + servers + "? [y/N] ")
}
