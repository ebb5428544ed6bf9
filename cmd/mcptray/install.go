package main

import (
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/clients"
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
	clientIDs, err := checkClients(o.clients)
	if err != nil {
		return err
	}
	if len(entry.Server.Packages) == 0 {
		return fmt.Errorf("%s runs on a web server elsewhere, and MCP Tray cannot install such servers yet", entry.ID())
	}
	qs, err := catalog.Questions(entry) // its errors already name the entry and the problem
	if err != nil {
		return err
	}
	answers, err := parseSets(entry.ID(), qs, o.sets)
	if err != nil {
		return err
	}
	name := o.name
	if name == "" {
		name = defaultServerName(entry)
	}
	if !config.ValidName(name) {
		return usageError{fmt.Errorf("%q cannot be a server name: use letters, digits, '.', '-' or '_'", name)}
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
	printOverview(e, entry, name, qs, seenBy(cfg, clientIDs))
	if err := in.askAll(entry.ID(), qs, answers); err != nil {
		return err
	}
	plan, err := catalog.Plan(entry, answers)
	if err != nil {
		if errors.Is(err, catalog.ErrMissingAnswer) || errors.Is(err, catalog.ErrBadAnswer) || errors.Is(err, catalog.ErrUnknownAnswer) {
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
		e.scanBeforeInstall(ctx, plan) // findings before the person confirms (docs/scanner.md)
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
	last, err := runProgress(ctx, e, "install", req, o.asJSON)
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

// checkClients validates --client values against the known AI apps and drops repeats.
func checkClients(given []string) ([]string, error) {
	var known []string
	for _, c := range clients.All() {
		known = append(known, c.ID())
	}
	var out []string
	for _, id := range given {
		if !slices.Contains(known, id) {
			return nil, usageError{fmt.Errorf("%q is not an AI app MCP Tray knows; use one of: %s", id, strings.Join(known, ", "))}
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out, nil
}

// seenBy names the AI apps that will see a new server: those chosen with --client, and those
// already enabled for every server.
func seenBy(cfg *config.Config, chosen []string) []string {
	ids := slices.Clone(chosen)
	for id, b := range cfg.Clients {
		if b != nil && b.Enabled && len(b.Servers) == 0 && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids[len(chosen):])
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = id
		if c, ok := clients.ByID(id); ok {
			names[i] = c.Name()
		}
	}
	return names
}

// parseSets turns --set KEY=VALUE flags into answers. Several values for a repeated setting
// are joined; a secret is refused, because a command line is visible to other programs.
func parseSets(id string, qs []catalog.Question, sets []string) (map[string]string, error) {
	answers := map[string]string{}
	values := map[string][]string{}
	for _, kv := range sets {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, usageError{fmt.Errorf("--set takes KEY=VALUE, and %q is not that", kv)}
		}
		i := slices.IndexFunc(qs, func(q catalog.Question) bool { return q.Key == k })
		switch {
		case i < 0:
			return nil, usageError{fmt.Errorf("there is no setting %q for %s; %s", k, id, settingsList(qs))}
		case qs[i].Secret:
			return nil, usageError{fmt.Errorf("%s is a secret, so it never goes on the command line: type it when asked, or pipe it on standard input", k)}
		case len(values[k]) > 0 && !qs[i].Repeated:
			return nil, usageError{fmt.Errorf("--set %s was given twice, but %s takes one value", k, k)}
		}
		values[k] = append(values[k], v)
	}
	for k, vs := range values {
		answers[k] = catalog.JoinRepeated(vs...)
	}
	return answers, nil
}

func settingsList(qs []catalog.Question) string {
	var keys []string
	for _, q := range qs {
		if !q.Secret {
			keys = append(keys, q.Key)
		}
	}
	if len(keys) == 0 {
		return "it takes no settings"
	}
	return "its settings are " + strings.Join(keys, ", ")
}

var nameJunk = regexp.MustCompile(`[^a-z0-9]+`)

// defaultServerName is the catalog id, or for a registry entry a cleaned-up short name
// ("io.github.acme/Weather_Server" → "weather-server").
func defaultServerName(e catalog.Entry) string {
	if e.Meta.ID != "" {
		return e.Meta.ID
	}
	n := e.Server.Name
	if i := strings.LastIndexByte(n, '/'); i >= 0 {
		n = n[i+1:]
	}
	n = strings.Trim(nameJunk.ReplaceAllString(strings.ToLower(n), "-"), "-")
	if len(n) > 63 {
		n = strings.Trim(n[:63], "-")
	}
	if n == "" {
		n = "server"
	}
	return n
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
	fmt.Fprintf(w, "  Needs: %s. Access: %s.\n", needsText(entry.Needs()), accessText(installer.Item(entry).ReadOnly))
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
	if pkg, args, ok := installer.FreezePlan(entry, p); ok && pkg.Registry == "oci" {
		// The daemon pins the tag to the digest it names now (installer.Store).
		fmt.Fprintf(e.stdout, "It will pin the image %s to the digest its tag names now, so a tag pushed again later changes nothing.\n",
			display.Line(pkg.Name+":"+pkg.Version))
		fmt.Fprintf(e.stdout, "It will run: %s\n", display.Line(shellJoin(append(append(append([]string{p.Command}, pkg.Args...), pkg.Name+"@<digest>"), args...))))
	} else if ok && pkg.Registry == "pypi" {
		// The daemon installs it into a Python environment of its own: uvx never runs.
		fmt.Fprintf(e.stdout, "It will install %s from %s into MCP Tray's own folder, from a lock with every file's checksum, so nothing is downloaded when it starts.\n",
			display.Line(pkg.Name+"=="+pkg.Version), display.Line(cmp.Or(pkg.RegistryURL, "pypi.org")))
		fmt.Fprintf(e.stdout, "It will run: %s\n", display.Line(shellJoin(append([]string{"python", "<" + cmp.Or(pkg.Bin, pkg.Name) + ">"}, args...))))
	} else if ok {
		// The daemon installs it into its own folder (installer.Store): npx never runs.
		fmt.Fprintf(e.stdout, "It will install %s from npm into MCP Tray's own folder, checked, so nothing is downloaded when it starts.\n",
			display.Line(pkg.Name+"@"+pkg.Version))
		fmt.Fprintf(e.stdout, "It will run: %s\n", display.Line(shellJoin(append([]string{"node", "<" + pkg.Name + ">"}, args...))))
	} else {
		fmt.Fprintf(e.stdout, "It will run: %s\n", display.Line(shellJoin(append([]string{p.Command}, p.Args...))))
	}
	for _, k := range sortedKeys(p.Env) {
		fmt.Fprintf(e.stdout, "  with %s\n", display.Line(k+"="+p.Env[k]))
	}
	for _, s := range p.Secrets {
		fmt.Fprintf(e.stdout, "  with %s from the system keychain\n", s.Env)
	}
}
