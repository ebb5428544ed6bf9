package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/term"

	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/supervisor"
	"github.com/spf13/cobra"
)

// installOptions are the flags of `mcptray install`.
type installOptions struct {
	name    string
	sets    []string
	clients []string
	yes     bool
}

func newInstallCmd(e *env) *cobra.Command {
	var o installOptions
	cmd := &cobra.Command{
		Use:   "install ID",
		Short: "Install a server from the catalog",
		Long: `Install a server from the catalog, at the exact version the catalog names.

MCP Tray shows what it will run, asks for the settings the server needs, keeps secrets in the
system keychain (never in config.json, never on a command line), adds the server, and lets
the AI apps chosen with --client see it.

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
	f.BoolVarP(&o.yes, "yes", "y", false, "do not ask for confirmation")
	return cmd
}

func install(e *env, id string, o installOptions) error {
	c, err := openCatalog(e)
	if err != nil {
		return err
	}
	entry, err := lookupEntry(c, id)
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
	printPlan(e, plan)
	if _, err := supervisor.ResolveCommand(plan.Command, ""); err != nil {
		fmt.Fprintf(e.stderr, "%s (MCP Tray adds the server anyway; it starts once %s is installed.)\n", plan.Runtime.InstallHint(), plan.Runtime.Tool())
	}
	if in.terminal && !o.yes {
		ok, err := in.confirm("Install? [Y/n] ")
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintln(e.stdout, "Nothing was installed.")
			return nil
		}
	}
	if err := commitInstall(e, entry, name, plan, clientIDs); err != nil {
		return err
	}
	printInstalled(e, entry, name, clientIDs)
	return nil
}

// commitInstall stores the secrets, then adds the server and the client bindings in one
// config.json update. Secrets go first so that a running MCP Tray, which starts the server
// as soon as config.json names it, finds them. Any failure undoes the secrets, so nothing is
// left half installed.
func commitInstall(e *env, entry catalog.Entry, name string, p catalog.InstallPlan, clientIDs []string) error {
	var stored []string
	undo := func() {
		if err := deleteSecrets(e, name, stored); err != nil {
			fmt.Fprintf(e.stderr, "Could not remove the secrets saved for %s (%s) from the keychain again: %s\n", name, strings.Join(stored, ", "), sentence(err))
		}
	}
	for _, s := range p.Secrets {
		ctx, cancel := keychainCtx()
		err := e.keys().Set(ctx, name, s.Env, s.Value.Reveal())
		cancel()
		if err != nil {
			undo()
			return err
		}
		stored = append(stored, s.Env)
	}
	s := &config.Server{Command: p.Command, Args: p.Args, Env: p.Env, Secrets: stored,
		Source: &config.Source{Catalog: entry.ID(), Version: p.Version}}
	if entry.Meta.Kubernetes {
		s.Kube = &config.Kube{}
	}
	err := e.home.Update(func(c *config.Config) error {
		if _, taken := c.Servers[name]; taken {
			return nameTaken(name, entry.ID())
		}
		c.Servers[name] = s
		if len(clientIDs) > 0 && c.Clients == nil {
			c.Clients = map[string]*config.ClientBinding{}
		}
		for _, id := range clientIDs {
			b := c.Clients[id]
			if b == nil {
				c.Clients[id] = &config.ClientBinding{Enabled: true}
				continue
			}
			b.Enabled = true
			// A client limited to some servers gets this one added to its list.
			if len(b.Servers) > 0 && !slices.Contains(b.Servers, name) {
				b.Servers = append(b.Servers, name)
			}
		}
		return nil
	})
	if err != nil {
		undo()
		return err
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
	fmt.Fprintf(w, "Installing %s (version %s) as the server %q.\n", entry.Title(), entry.Version(), name)
	fmt.Fprintf(w, "  %s\n", entry.Summary())
	fmt.Fprintf(w, "  Needs: %s. Access: %s.\n", needsText(entry.Needs()), accessText(catalogItem(entry).ReadOnly))
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

func printPlan(e *env, p catalog.InstallPlan) {
	fmt.Fprintf(e.stdout, "It will run: %s\n", shellJoin(append([]string{p.Command}, p.Args...)))
	for _, k := range sortedKeys(p.Env) {
		fmt.Fprintf(e.stdout, "  with %s=%s\n", k, p.Env[k])
	}
	for _, s := range p.Secrets {
		fmt.Fprintf(e.stdout, "  with %s from the system keychain\n", s.Env)
	}
}

func printInstalled(e *env, entry catalog.Entry, name string, clientIDs []string) {
	running := e.daemonRunning()
	what := fmt.Sprintf("Installed %s (%s, version %s).", name, entry.Title(), entry.Version())
	if running {
		fmt.Fprintln(e.stdout, what, "MCP Tray is starting it.")
	} else {
		fmt.Fprintln(e.stdout, what, "It starts when MCP Tray runs: open the app, or run: mcptray daemon")
	}
	for _, id := range clientIDs {
		c, _ := clients.ByID(id)
		// Write the client's file now, as `client enable` does, whether or not MCP Tray runs:
		// the entry starts MCP Tray by itself when the app first uses it.
		st, _, err := e.syncClient(id)
		for _, f := range st.Files {
			if err == nil && f.Error != "" {
				err = errors.New(f.Error)
			}
		}
		if err != nil {
			fmt.Fprintf(e.stdout, "%s could not be connected: %v\n", c.Name(), err)
			continue
		}
		line := c.Name() + " sees it now."
		if c.NeedsRestart() {
			line += " " + c.RestartHint()
		}
		fmt.Fprintln(e.stdout, line)
	}
}

// asker gets answers from the person at a terminal, or from standard input in a script.
type asker struct {
	e        *env
	terminal bool
	in       *bufio.Reader
}

func newAsker(e *env) *asker {
	f, ok := e.stdin.(*os.File)
	return &asker{e: e, terminal: ok && term.IsTerminal(int(f.Fd())), in: bufio.NewReader(e.stdin)}
}

// line reads one line without its line ending; at the end of input it returns io.EOF.
func (a *asker) line() (string, error) {
	s, err := a.in.ReadString('\n')
	if err == io.EOF && s != "" {
		err = nil
	}
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("reading standard input: %w", err)
	}
	return strings.TrimRight(s, "\r\n"), err
}

// checkScript fails, naming the first one, when a required setting without a default has no
// --set and nobody is at a terminal to ask.
func (a *asker) checkScript(id string, qs []catalog.Question, answers map[string]string) error {
	if a.terminal {
		return nil
	}
	for _, q := range qs {
		if !q.Secret && q.Required && q.Default == "" && answers[q.Key] == "" {
			return usageError{fmt.Errorf("to install %s, give %s%s with --set %s=%s", id, q.Key, about(q), q.Key, exampleValue(q))}
		}
	}
	return nil
}

// askAll fills answers for the questions --set left open: at a terminal by asking, in a
// script by reading secrets from standard input, one per line.
func (a *asker) askAll(id string, qs []catalog.Question, answers map[string]string) error {
	for _, q := range qs {
		if _, given := answers[q.Key]; given {
			continue
		}
		var v string
		var err error
		switch {
		case q.Secret:
			v, err = a.secret(id, q)
		case a.terminal:
			v, err = a.prompt(q)
		}
		if err != nil {
			return err
		}
		if v != "" {
			answers[q.Key] = v
		}
	}
	return nil
}

func (a *asker) secret(id string, q catalog.Question) (string, error) {
	if !a.terminal {
		v, err := a.line()
		if err != nil && err != io.EOF {
			return "", err
		}
		if v == "" && q.Required {
			return "", usageError{fmt.Errorf("to install %s, pipe the secret %s%s on standard input, one secret per line in the order 'mcptray catalog show %s' lists them", id, q.Key, about(q), id)}
		}
		return v, nil
	}
	a.describe(q)
	if !q.Required {
		fmt.Fprintln(a.e.stderr, "(optional: press Enter to skip)")
	}
	v, err := readSecret(a.e, q.Key)
	var empty usageError
	if err != nil && !q.Required && errors.As(err, &empty) {
		return "", nil
	}
	return v, err
}

// prompt asks one non-secret question at the terminal: its description, choices and default
// shown; a required one without a default is asked until answered.
func (a *asker) prompt(q catalog.Question) (string, error) {
	w := a.e.stderr
	a.describe(q)
	if len(q.Choices) > 0 {
		fmt.Fprintf(w, "Choices: %s\n", strings.Join(q.Choices, ", "))
	}
	hint := ""
	switch {
	case q.Default != "":
		hint = " [" + q.Default + "]"
	case !q.Required:
		hint = " (optional, Enter to skip)"
	}
	var values []string
	for {
		if q.Repeated {
			fmt.Fprintf(w, "%s%s (one per line, an empty line ends the list): ", q.Key, hint)
		} else {
			fmt.Fprintf(w, "%s%s: ", q.Key, hint)
		}
		v, err := a.line()
		if err == io.EOF {
			return "", errors.New("the install was cancelled; nothing was installed")
		}
		if err != nil {
			return "", err
		}
		v = strings.TrimSpace(v)
		if v != "" {
			values = append(values, v)
			if q.Repeated {
				continue
			}
		}
		if len(values) > 0 || !q.Required || q.Default != "" {
			return catalog.JoinRepeated(values...), nil
		}
		fmt.Fprintln(w, "This one is needed.")
	}
}

// describe prints a blank line and the question's plain description; the prompt that
// follows names the setting.
func (a *asker) describe(q catalog.Question) {
	fmt.Fprintln(a.e.stderr)
	if d := strings.TrimSpace(q.Description); d != "" {
		fmt.Fprintln(a.e.stderr, d)
	}
}

func (a *asker) confirm(question string) (bool, error) {
	fmt.Fprint(a.e.stderr, question)
	v, err := a.line()
	if err == io.EOF {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "y", "yes":
		return true, nil
	}
	return false, nil
}

// about is " (description)" for a question that has one, without its final period.
func about(q catalog.Question) string {
	if q.Description == "" {
		return ""
	}
	return " (" + strings.TrimSuffix(strings.TrimSpace(q.Description), ".") + ")"
}

func exampleValue(q catalog.Question) string {
	switch {
	case len(q.Choices) > 0:
		return q.Choices[0]
	case q.Format == catalog.FormatFilepath:
		return "/full/path"
	case q.Format == catalog.FormatBoolean:
		return "true"
	case q.Format == catalog.FormatNumber:
		return "NUMBER"
	}
	return "VALUE"
}
