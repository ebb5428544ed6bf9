package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/internal/display"
	"github.com/mcptray/mcptray/keychain"
	"github.com/mcptray/mcptray/setup"
	"github.com/spf13/cobra"
)

// maxSetupSize bounds what `mcptray import` reads: a setup is a few kilobytes.
const maxSetupSize = 8 << 20

func newExportCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "export",
		Short: "Write your setup (servers, rules, limits, AI apps) as JSON, without any credential",
		Long: `export writes MCP Tray's setup to standard output: every server with its rules and
guardrail limits, and which AI apps see which servers. It names the credentials each server
needs but never holds one; on the other computer, mcptray import asks for them.`,
		Example: `  mcptray export > setup.json
  mcptray import setup.json          (on the other computer)`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := e.home.Load()
			if err != nil {
				return err
			}
			f, notes := setup.Export(cfg)
			if _, err := e.stdout.Write(f.Marshal()); err != nil {
				return fmt.Errorf("writing the setup: %w", err)
			}
			for _, n := range notes {
				fmt.Fprintf(e.stderr, "Note: %s\n", display.Line(n))
			}
			if len(f.Servers)+len(f.Reinstall) == 0 {
				fmt.Fprintln(e.stderr, "Note: MCP Tray has no servers yet, so the setup holds none.")
			}
			return nil
		},
	}
}

func newImportCmd(e *env) *cobra.Command {
	var yes, dryRun, fromEnv bool
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Take a setup written by mcptray export; asks for the credentials it names",
		Long: `import adds the servers of a setup that mcptray export wrote (on another computer, or
a teammate's), with their rules and limits, and lets the AI apps it names see them. It shows
what it will add first and asks before changing anything; --yes skips the question, --dry-run
shows only the plan. Then it asks for each credential the servers need, typing hidden; with
--secrets-from-env it takes each from the environment variable of the same name instead (for
scripts), and a credential not given can be set later with: mcptray secret set SERVER KEY.
A setup whose server names MCP Tray already has changes nothing.`,
		Example: `  mcptray import setup.json
  GITHUB_PERSONAL_ACCESS_TOKEN=… mcptray import setup.json --yes --secrets-from-env`,
		Args: exactArgs(1, "the setup file to import (made by mcptray export)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := readSetup(args[0])
			if err != nil {
				return err
			}
			cfg, err := e.home.Load()
			if err != nil {
				return err
			}
			if err := setup.Conflict(cfg, f); err != nil {
				return fmt.Errorf("MCP Tray changed nothing: %w", err)
			}
			printSetupPlan(e, f)
			if dryRun {
				fmt.Fprintln(e.stdout, "Nothing was changed (--dry-run).")
				return nil
			}
			if !yes {
				in := newAsker(e)
				if !in.terminal {
					return usageError{errors.New("MCP Tray changed nothing: nobody is at a terminal to confirm the import; read the plan above (or run with --dry-run), then run the import again with --yes")}
				}
				if ok, err := in.confirmNo("\nImport this setup? [y/N] "); err != nil || !ok {
					if err == nil {
						fmt.Fprintln(e.stdout, "Nothing was changed.")
					}
					return err
				}
			}
			values, err := askSetupSecrets(e, f, fromEnv)
			if err != nil {
				return err
			}
			return applySetup(e, f, values)
		},
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "import without asking (for scripts)")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "only show what the import would do")
	cmd.Flags().BoolVar(&fromEnv, "secrets-from-env", false, "take each credential from the environment variable of the same name instead of asking")
	return cmd
}

// readSetup reads and checks the setup file at path; every error is one sentence saying
// nothing was changed.
func readSetup(path string) (setup.File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return setup.File{}, fmt.Errorf("MCP Tray changed nothing, because it could not read %s: %w", path, err)
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, maxSetupSize+1))
	if err != nil {
		return setup.File{}, fmt.Errorf("MCP Tray changed nothing, because it could not read %s: %w", path, err)
	}
	if len(data) > maxSetupSize {
		return setup.File{}, fmt.Errorf("MCP Tray changed nothing: %s is far larger than a setup, so it is not one", path)
	}
	f, err := setup.Parse(data)
	if err != nil {
		return f, fmt.Errorf("MCP Tray changed nothing: %w", err)
	}
	return f, nil
}

// printSetupPlan shows what the import adds, and first what loosens the person's
// protections: rules that let tools run without asking, hazards allowed.
func printSetupPlan(e *env, f setup.File) {
	n := len(f.Servers)
	switch n {
	case 0:
		fmt.Fprintln(e.stdout, "The setup has no server MCP Tray can add as it is.")
	case 1:
		fmt.Fprintln(e.stdout, "MCP Tray will add 1 server:")
	default:
		fmt.Fprintf(e.stdout, "MCP Tray will add %d servers:\n", n)
	}
	for _, name := range sortedNames(f.Servers) {
		s := f.Servers[name]
		fmt.Fprintf(e.stdout, "\n  %s\n", display.Line(name))
		if s.IsRemote() {
			fmt.Fprintf(e.stdout, "    reaches: %s\n", display.Line(s.URL))
		} else {
			fmt.Fprintf(e.stdout, "    runs: %s\n", display.Line(shellJoin(append([]string{s.Command}, s.Args...))))
		}
		if s.Dir != "" {
			fmt.Fprintf(e.stdout, "    in: %s\n", display.Line(s.Dir))
		}
		if len(s.Secrets) > 0 {
			fmt.Fprintf(e.stdout, "    needs: %s\n", display.Line(strings.Join(s.Secrets, ", ")))
		}
		if s.Policy != nil && s.Policy.Trust {
			fmt.Fprintln(e.stdout, "    ! every tool of it runs without asking you")
		}
		if s.Policy != nil {
			var allowed []string
			for _, tool := range sortedNames(s.Policy.Tools) {
				if s.Policy.Tools[tool] == config.RuleAllow {
					allowed = append(allowed, tool)
				}
			}
			if len(allowed) > 0 {
				fmt.Fprintf(e.stdout, "    ! runs without asking you: %s\n", display.Line(strings.Join(allowed, ", ")))
			}
		}
		if len(s.Allowed) > 0 {
			fmt.Fprintf(e.stdout, "    ! allowed although hazardous: %s\n", display.Line(strings.Join(s.Allowed, ", ")))
		}
		switch sb := s.Sandbox; {
		case sb == nil:
		case sb.Off:
			fmt.Fprintln(e.stdout, "    ! runs unconfined: the setup turns its sandbox off")
		default:
			fmt.Fprintf(e.stdout, "    confined: %s\n", display.Line(sandboxWords(sb)))
		}
		if len(s.Limits) > 0 {
			fmt.Fprintf(e.stdout, "    with %s\n", plural(len(s.Limits), "guardrail limit", "guardrail limits"))
		}
		if s.Kube != nil && !s.Kube.None {
			fmt.Fprintf(e.stdout, "    reaches Kubernetes: it starts once you choose its context (mcptray kube use %s CONTEXT)\n", display.Line(name))
		}
	}
	for _, name := range sortedNames(f.Reinstall) {
		r := f.Reinstall[name]
		fmt.Fprintf(e.stdout, "\n  %s is not added: install it again from the catalog with: mcptray install %s\n", display.Line(name), display.Line(r.Catalog))
	}
	if len(f.Clients) > 0 {
		fmt.Fprintln(e.stdout, "\nAI apps that will see them:")
		for _, id := range sortedNames(f.Clients) {
			b := f.Clients[id]
			what := "every server"
			if len(b.Servers) > 0 {
				what = strings.Join(b.Servers, ", ")
			}
			fmt.Fprintf(e.stdout, "  %s\n", display.Line(id+": "+what))
		}
	}
}

// sandboxWords says what a confined server may touch.
func sandboxWords(sb *config.Sandbox) string {
	var parts []string
	if len(sb.Write) > 0 {
		parts = append(parts, "may change "+strings.Join(sb.Write, ", "))
	}
	if len(sb.Read) > 0 {
		parts = append(parts, "may read "+strings.Join(sb.Read, ", "))
	}
	if sb.Network {
		parts = append(parts, "may use the network")
	} else {
		parts = append(parts, "no network")
	}
	return strings.Join(parts, "; ")
}

// askSetupSecrets gets each credential the setup names: from the environment with fromEnv,
// else by asking at a terminal (typing hidden; Enter alone leaves it for later), else not
// at all. Nothing is stored yet.
func askSetupSecrets(e *env, f setup.File, fromEnv bool) (map[setup.Secret]string, error) {
	values := map[setup.Secret]string{}
	needed := f.Needed()
	if len(needed) == 0 {
		return values, nil
	}
	terminal := newAsker(e).terminal
	for _, s := range needed {
		switch {
		case fromEnv:
			if v := os.Getenv(s.Key); v != "" {
				values[s] = v
			}
		case terminal:
			fmt.Fprintf(e.stderr, "\n%s needs %s (press Enter to set it later).\n", display.Line(s.Server), s.Key)
			v, err := readSecret(e, s.Key)
			var empty usageError
			if errors.As(err, &empty) {
				continue
			}
			if err != nil {
				return nil, err
			}
			values[s] = v
		}
	}
	return values, nil
}

// applySetup keeps the given credentials in the keychain, then adds the servers to
// config.json (where a running MCP Tray picks them up) and brings the AI apps' files up to
// date. If config.json cannot take them, the credentials are taken out again and nothing has
// changed.
func applySetup(e *env, f setup.File, values map[setup.Secret]string) error {
	ctx, cancel := keychainCtx()
	defer cancel()
	keys := e.keys()
	var stored []setup.Secret
	undo := func() {
		for _, s := range stored {
			keys.Delete(ctx, s.Server, s.Key)
		}
	}
	for _, s := range f.Needed() {
		v, ok := values[s]
		if !ok {
			continue
		}
		if err := keys.Set(ctx, s.Server, s.Key, v); err != nil {
			undo()
			return fmt.Errorf("MCP Tray changed nothing, because it could not keep %s of %s in the system keychain: %w", s.Key, s.Server, keychainSentence(err))
		}
		stored = append(stored, s)
	}
	var notes []string
	err := e.home.Update(func(c *config.Config) error {
		var err error
		notes, err = setup.Apply(c, f)
		return err
	})
	if err != nil {
		undo()
		return fmt.Errorf("MCP Tray changed nothing: %w", err)
	}
	fmt.Fprintf(e.stdout, "\nAdded %s.\n", plural(len(f.Servers), "server", "servers"))
	for _, n := range notes {
		fmt.Fprintf(e.stdout, "%s\n", display.Line(n))
	}
	for _, s := range f.Needed() {
		if _, ok := values[s]; !ok {
			fmt.Fprintf(e.stdout, "%s still needs %s; set it with: mcptray secret set %s %s\n", s.Server, s.Key, s.Server, s.Key)
		}
	}
	for _, id := range sortedNames(f.Clients) {
		st, _, err := e.syncClient(id)
		switch {
		case err != nil:
			fmt.Fprintf(e.stderr, "Note: MCP Tray could not update %s's settings yet (%s); it tries again when it runs.\n", id, err)
		case st.Problem() != "":
			fmt.Fprintf(e.stderr, "Note: %s\n", display.Line(st.Problem()))
		default:
			fmt.Fprintf(e.stdout, "%s now sees: %s.\n", st.Name, strings.Join(st.Wants, ", "))
		}
	}
	if e.daemonRunning() {
		fmt.Fprintln(e.stdout, "MCP Tray is starting the servers now.")
	} else {
		fmt.Fprintln(e.stdout, "The servers start when MCP Tray runs (open the app, or run: mcptray daemon).")
	}
	return nil
}

// keychainSentence is the keychain's own reason for err, without the operation in front.
func keychainSentence(err error) error {
	var op *keychain.OpError
	if errors.As(err, &op) {
		return op.Err
	}
	return err
}

func sortedNames[V any](m map[string]V) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}
