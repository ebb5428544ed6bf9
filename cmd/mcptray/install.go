package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/bundle"
	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/clients/reconcile"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/installer"
	"github.com/mcptray/mcptray/internal/display"
	"github.com/mcptray/mcptray/internal/prose"
	"github.com/spf13/cobra"
)

// installOptions are the flags of `mcptray install`.
type installOptions struct {
	name     string
	sets     []string
	clients  []string
	allow    []string
	yes      bool
	asJSON   bool
	keepOpen bool
}

func newInstallCmd(e *env) *cobra.Command {
	var o installOptions
	cmd := &cobra.Command{
		Use:   "install ID|FILE.mcpb",
		Short: "Install a server from the catalog or a Claude extension bundle",
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
'mcptray catalog show ID' lists them.

Given a Claude extension bundle (a .mcpb or .dxt file), MCP Tray checks its signature and
says who signed it, refuses a bundle made for another computer or one that tries to write
outside its folder, asks the bundle's settings (secret ones go to the keychain), and unpacks
it into its own folder, where it runs confined like any catalog server (docs/bundles.md).`,
		Example: `  mcptray install filesystem --set allowed_directory=~/Documents --client claude-desktop
  printf '%s\n' "$BRAVE_API_KEY" | mcptray install brave-search --client cursor
  mcptray install ~/Downloads/weather.mcpb --client claude-code`,
		Args: exactArgs(1, "the id of a catalog server (see: mcptray catalog list) or a .mcpb file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if isBundleFile(args[0]) {
				ctx, stop := interruptContext()
				defer stop()
				err = installBundle(ctx, e, args[0], "", o)
			} else {
				err = install(e, args[0], o)
			}
			if o.keepOpen {
				return keepWindowOpen(e, err)
			}
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.name, "name", "", "name for the server (default: the catalog id)")
	f.StringArrayVar(&o.sets, "set", nil, "answer a setting, KEY=VALUE (repeatable; never for secrets)")
	f.StringArrayVar(&o.clients, "client", nil, "AI app that should see the server, e.g. claude-desktop (repeatable)")
	f.StringArrayVar(&o.allow, "allow", nil, "allow one risky flag, variable or command by the key install shows, e.g. env:NODE_OPTIONS (repeatable)")
	f.BoolVarP(&o.yes, "yes", "y", false, "do not ask for confirmation (risky flags are still asked about)")
	f.BoolVar(&o.asJSON, "json", false, "print the progress lines as JSON, one per line (see docs/catalog-json.md)")
	f.BoolVar(&o.keepOpen, "keep-open", false, "wait for Enter before ending, so a window opened for a bundle file stays readable")
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
	if ref, ok, err := catalog.BundleOf(entry); ok {
		if err != nil {
			return fmt.Errorf("%s cannot be installed: %w", entry.ID(), err)
		}
		fmt.Fprintf(e.stdout, "Downloading the bundle of %s from %s.\n", display.Line(entry.Title()), display.Line(ref.URL))
		file, err := installer.FetchBundle(ctx, e.home, ref, nil)
		if err != nil {
			return err
		}
		return installBundle(ctx, e, file, "the MCP Registry's "+entry.ID(), o)
	}
	clientIDs, err := clients.KnownIDs(o.clients)
	if err != nil {
		return usageError{err}
	}
	qs, err := catalog.Questions(entry) // its errors already name the entry and the problem
	if err != nil {
		return err
	}
	answers, name, cfg, in, err := installChecks(e, entry, entry.ID(), qs, o)
	if err != nil {
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

// keepWindowOpen says how the install ended and waits for Enter: a terminal window that the
// file manager opened for a bundle would otherwise close before the person could read it.
func keepWindowOpen(e *env, err error) error {
	if err != nil {
		fmt.Fprintf(e.stderr, "mcptray: %s\n", prose.Sentence(err))
	}
	fmt.Fprint(e.stderr, "Press Enter to close this window.")
	bufio.NewReader(e.stdin).ReadString('\n')
	fmt.Fprintln(e.stderr)
	if err != nil {
		return silentError{err}
	}
	return nil
}

// isBundleFile says whether arg names a bundle file rather than a catalog id: a .mcpb or
// .dxt name, or a path to a file that exists (catalog ids hold no path separator but "/" of
// registry names, which are never files here).
func isBundleFile(arg string) bool {
	ext := strings.ToLower(filepath.Ext(arg))
	if ext == ".mcpb" || ext == ".dxt" {
		return true
	}
	if !strings.ContainsAny(arg, `/\`) && !strings.HasPrefix(arg, ".") {
		return false
	}
	info, err := os.Stat(arg)
	return err == nil && info.Mode().IsRegular()
}

// installBundle installs a Claude extension bundle file: it is checked here first (so a
// refused bundle asks nothing), then the MCP Tray app checks it again by its sha256 and
// installs it. from says where the file came from ("" for a file the person named).
func installBundle(ctx context.Context, e *env, file, from string, o installOptions) error {
	abs, err := filepath.Abs(file)
	if err != nil {
		return err
	}
	b, err := bundle.Open(abs)
	if err != nil {
		if errors.Is(err, bundle.ErrRefused) {
			return err
		}
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("there is no file %s", file)
		}
		return fmt.Errorf("the bundle %s could not be read: %w", file, err)
	}
	if err := installer.CheckBundleRuntime(ctx, b); err != nil {
		return err
	}
	entry := b.Entry()
	id := b.ID(abs)
	clientIDs, err := clients.KnownIDs(o.clients)
	if err != nil {
		return usageError{err}
	}
	qs := installer.BundleQuestions(b)
	answers, name, cfg, in, err := installChecks(e, entry, file, qs, o)
	if err != nil {
		return err
	}
	if from == "" {
		from = abs
	}
	printBundleOverview(e, b, from, name, qs, reconcile.NewServerSeenBy(cfg, clientIDs))
	if err := in.askAll(file, qs, answers); err != nil {
		return err
	}
	plan, err := installer.PlanBundle(e.home, name, b, answers)
	if err != nil {
		return err
	}
	printPlan(e, entry, plan)
	allow, ok, err := in.allowHazards(file, installer.BundleHazards(e.home, name, b, plan), o.allow)
	if err != nil {
		return err
	}
	if !ok {
		fmt.Fprintln(e.stdout, "Nothing was installed.")
		return nil
	}
	if in.terminal && !o.yes {
		if ok, err := in.confirm("Install? [Y/n] "); err != nil || !ok {
			if err == nil {
				fmt.Fprintln(e.stdout, "Nothing was installed.")
			}
			return err
		}
	}
	req := installer.Request{ID: id, Name: name, Values: answers, Clients: clientIDs, Allow: allow,
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

func printBundleOverview(e *env, b *bundle.Bundle, from, name string, qs []catalog.Question, seen []string) {
	w, m := e.stdout, b.Manifest
	fmt.Fprintf(w, "Installing %s (version %s) as the server %q.\n", display.Line(m.Title()), display.Line(m.Version), name)
	fmt.Fprintf(w, "  It comes from the Claude extension bundle %s (sha256 %s).\n", display.Line(from), b.SHA256)
	fmt.Fprintf(w, "  %s\n", display.Line(b.Signature.Sentence()))
	if m.Author.Name != "" {
		fmt.Fprintf(w, "  Made by %s, as the bundle says.\n", display.Line(m.Author.Name))
	}
	if d := b.Entry().Summary(); d != "" {
		fmt.Fprintf(w, "  %s\n", display.Line(d))
	}
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

// installChecks is what an install checks before it shows anything, for a catalog entry and
// for a bundle alike (label names either in messages): the answers given with --set to qs,
// the server's name (valid and free), and, without a terminal, that nothing is left to ask.
func installChecks(e *env, entry catalog.Entry, label string, qs []catalog.Question, o installOptions) (answers map[string]string, name string, cfg *config.Config, in *asker, err error) {
	if answers, err = catalog.ParseSets(label, qs, o.sets); err != nil {
		return nil, "", nil, nil, usageError{err}
	}
	name = o.name
	if name == "" {
		name = catalog.SuggestedName(entry)
	}
	if err := config.CheckName(name); err != nil {
		return nil, "", nil, nil, usageError{err}
	}
	if cfg, err = e.home.Load(); err != nil {
		return nil, "", nil, nil, err
	}
	if _, taken := cfg.Servers[name]; taken {
		return nil, "", nil, nil, nameTaken(name, label)
	}
	in = newAsker(e)
	if err := in.checkScript(label, qs, answers); err != nil {
		return nil, "", nil, nil, err
	}
	return answers, name, cfg, in, nil
}
