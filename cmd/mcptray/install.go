package main

import (
	"fmt"
	"strings"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/clients/reconcile"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/installer"
	"github.com/mcptray/mcptray/internal/display"
	"github.com/spf13/cobra"
)

// installOptions are the flags of `mcptray install`.
type installOptions struct {
	name    string
	sets    []string
	clients []string
	allow   []string
	yes     bool
	asJSON  bool
}

func newInstallCmd(e *env) *cobra.Command {
	var o installOptions
	cmd := &cobra.Command{
		Use:   "install ID",
		Short: "Install a server from the catalog",
		Long: `Install a server from the catalog, at the exact version the catalog names.

MCP Tray shows what it will run and asks for the settings the server needs. Then the MCP Tray
app (started in the background if it is not running) checks that Node.js, uv or Docker is
installed, keeps secrets in the system keychain (never in config.json, never on a command
line), adds and starts the server, waits until it lists its tools (the first start downloads
it, which can take a minute or two), and lets the AI apps chosen with --client see it. If any
step fails, or you press Ctrl-C, nothing is left installed.

In a script (when standard input is not a terminal) nothing is asked and no confirmation is
needed: give settings with --set KEY=VALUE (repeat --set for a setting that takes several
values), and pipe the secrets on standard input, one per line, in the order
'mcptray catalog show ID' lists them.`,
		Example: `  mcptray install filesystem --set allowed_directory=~/Documents --client claude-desktop
  printf '%s\n' "$BRAVE_API_KEY" | mcptray install brave-search --client cursor`,
		Args: exactArgs(1, "the id of a catalog server (see: mcptray catalog list)"),
		RunE: func(cmd *cobra.Command, args []string) error { return install(e, args[0], o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.name, "name", "", "name for the server (default: the catalog id)")
	f.StringArrayVar(&o.sets, "set", nil, "answer a setting, KEY=VALUE (repeatable; never for secrets)")
	f.StringArrayVar(&o.clients, "client", nil, "AI app that should see the server, e.g. claude-desktop (repeatable)")
	f.StringArrayVar(&o.allow, "allow", nil, "allow one risky flag, variable or command by the key install shows, e.g. env:NODE_OPTIONS (repeatable)")
	f.BoolVarP(&o.yes, "yes", "y", false, "do not ask for confirmation (risky flags are still asked about)")
	f.BoolVar(&o.asJSON, "json", false, "print the progress lines as JSON, one per line (see docs/catalog-json.md)")
	return cmd
}

func install(e *env, id string, o installOptions) error {
	ctx, stop := interruptContext()
	defer stop()
	src := installer.Source{Home: e.home}
	entry, err := src.Lookup(ctx, id)
	if err != nil {
		return err
	}
	clientIDs, err := clients.KnownIDs(o.clients)
	if err != nil {
		return usageError{err}
	}
	qs, err := catalog.Questions(entry) // its errors already name the entry and the problem
	if err != nil {
		return err
	}
	answers, err := catalog.ParseSets(entry.ID(), qs, o.sets)
	if err != nil {
		return usageError{err}
	}
	name := o.name
	if name == "" {
		name = catalog.SuggestedName(entry)
	}
	if err := config.CheckName(name); err != nil {
		return usageError{err}
	}
	cfg, err := e.home.Load()
	if err != nil {
		return err
	}
	if _, taken := cfg.Servers[name]; taken {
		return nameTaken(name, entry.ID())
	}

	in := newAsker(e)
	if err := in.checkScript(entry.ID(), qs, answers); err != nil {
		return err
	}
	printOverview(e, entry, name, qs, reconcile.NewServerSeenBy(cfg, clientIDs))
	if err := in.askAll(entry.ID(), qs, answers); err != nil {
		return err
	}
	plan, err := catalog.Plan(entry, answers)
	if err != nil {
		if catalog.IsAnswerError(err) {
			return usageError{err}
		}
		return err
	}
	printPlan(e, entry, plan)
	allow, ok, err := in.allowHazards(entry.ID(), installer.PlanHazards(entry, plan), o.allow)
	if err != nil {
		return err
	}
	if !ok {
		fmt.Fprintln(e.stdout, "Nothing was installed.")
		return nil
	}
	if in.terminal && !o.yes {
		if plan.Remote == nil { // a remote server's tools are checked when it first lists them
			e.scanBeforeInstall(ctx, plan) // findings before the person confirms (docs/scanner.md)
		}
		ok, err := in.confirm("Install? [Y/n] ")
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintln(e.stdout, "Nothing was installed.")
			return nil
		}
	}
	req := installer.Request{ID: entry.ID(), Name: name, Values: answers, Clients: clientIDs, Allow: allow,
		Plan: installer.PlanDigest(entry, plan)}
	last, err := runProgress(ctx, e, api.Install, req, o.asJSON)
	if err != nil {
		return err
	}
	if !o.asJSON && last.Step == installer.StepDone {
		fmt.Fprintf(e.stdout, "Installed %s (%s, version %s).\n", name, entry.Title(), plan.Version)
	}
	return nil
}

func nameTaken(name, id string) error {
	return fmt.Errorf("there is already a server named %q; install this one under another name with --name, for example: mcptray install %s --name %s-2", name, id, name)
}

func printOverview(e *env, entry catalog.Entry, name string, qs []catalog.Question, seen []string) {
	w := e.stdout
	fmt.Fprintf(w, "Installing %s (version %s) as the server %q.\n", display.Line(entry.Title()), display.Line(entry.Version()), name)
	if entry.Origin != catalog.OriginEmbedded {
		fmt.Fprintln(w, "  It comes from the MCP Registry, not from MCP Tray's own catalog.")
	}
	if like := catalog.LookAlike(entry); like != "" {
		fmt.Fprintf(w, "  %s\n", installer.LookAlikeSentence(like))
	}
	fmt.Fprintf(w, "  %s\n", display.Line(entry.Summary()))
	fmt.Fprintf(w, "  Needs: %s. Access: %s.\n", catalog.NeedsTool(entry.Needs()), catalog.AccessWords(installer.Item(entry).ReadOnly))
	var secrets []string
	for _, q := range qs {
		if q.Secret {
			secrets = append(secrets, q.Key)
		}
	}
	if len(secrets) > 0 {
		fmt.Fprintf(w, "  Secrets, kept in the system keychain only: %s\n", strings.Join(secrets, ", "))
	}
	if len(seen) > 0 {
		fmt.Fprintf(w, "  AI apps that will see it: %s\n", strings.Join(seen, ", "))
	} else {
		fmt.Fprintln(w, "  No AI app will see it yet: add --client ID (for example --client claude-desktop), or later run: mcptray client enable ID")
	}
}

func printPlan(e *env, entry catalog.Entry, p catalog.InstallPlan) {
	run := installer.RunOf(entry, p)
	if run.Note != "" {
		fmt.Fprintln(e.stdout, run.Note)
	}
	if len(run.Run) > 0 {
		fmt.Fprintf(e.stdout, "It will run: %s\n", display.Line(shellJoin(run.Run)))
	}
	for _, k := range sortedKeys(p.Env) {
		fmt.Fprintf(e.stdout, "  with %s\n", display.Line(k+"="+p.Env[k]))
	}
	if p.Remote != nil {
		for _, k := range sortedKeys(p.Remote.Headers) {
			fmt.Fprintf(e.stdout, "  sending the header %s\n", display.Line(k+": "+p.Remote.Headers[k]))
		}
	}
	for _, s := range p.Secrets {
		if s.Header != "" {
			fmt.Fprintf(e.stdout, "  sending the header %s with %s from the system keychain\n", display.Line(s.Header), s.Key())
			continue
		}
		fmt.Fprintf(e.stdout, "  with %s from the system keychain\n", s.Key())
	}
}
