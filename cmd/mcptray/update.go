package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/installer"
	"github.com/mcptray/mcptray/internal/display"
	"github.com/spf13/cobra"
)

func newCatalogOutdatedCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "outdated",
		Short: "List installed servers that have a newer version",
		Long: `Compares the version of every server installed from the catalog with this MCP Tray's
catalog and, when it can be reached, the MCP Registry. Move a server to the new version with:
mcptray update NAME`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := interruptContext()
			defer stop()
			res, err := installer.Source{Home: e.home}.Outdated(ctx)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(e, res)
			}
			printOutdated(e, res)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (see docs/catalog-json.md)")
	return cmd
}

func printOutdated(e *env, res installer.OutdatedResult) {
	note := ""
	switch res.Registry {
	case installer.RegistryCached:
		note = " (the MCP Registry could not be reached; its answers from earlier were used)"
	case installer.RegistryOff:
		note = " (the MCP Registry is turned off, so only this MCP Tray's catalog was checked)"
	}
	if len(res.Servers) == 0 {
		fmt.Fprintf(e.stdout, "Every server installed from the catalog is at the newest version%s.\n", note)
		return
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SERVER\tINSTALLED\tNEWEST\tFROM")
	for _, o := range res.Servers {
		from := "MCP Tray's catalog"
		if o.Origin == "registry" {
			from = "MCP Registry"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", o.Server, o.Installed, o.Latest, from)
	}
	tw.Flush()
	for _, o := range res.Servers {
		if o.Problem != "" {
			fmt.Fprintf(e.stdout, "%s cannot be updated as it is: %s\n", o.Server, display.Line(o.Problem))
		}
		if len(o.Changes) == 0 {
			continue
		}
		fmt.Fprintf(e.stdout, "The update of %s changes more than the version:\n", o.Server)
		for _, c := range o.Changes {
			fmt.Fprintf(e.stdout, "  - %s\n", display.Line(c.Sentence))
		}
	}
	if note != "" {
		fmt.Fprintf(e.stdout, "Checked%s.\n", note)
	}
	fmt.Fprintf(e.stdout, "Update one with: mcptray update %s\n", res.Servers[0].Server)
}

// updateOptions are the flags of `mcptray update`.
type updateOptions struct {
	yes, asJSON, acceptChanges, acceptFindings, rollback bool
	allow                                                []string
}

func newUpdateCmd(e *env) *cobra.Command {
	var o updateOptions
	cmd := &cobra.Command{
		Use:   "update NAME",
		Short: "Move an installed server to its newest version, or back with --rollback",
		Long: `Moves a server installed from the catalog to the newest exact version (see: mcptray
catalog outdated), with the same settings and secrets. A server from MCP Tray's own catalog
is updated only from MCP Tray's catalog, never from the MCP Registry.

An update may change the version and nothing else without asking. Anything else it changes
(another package, another registry, other arguments, settings or secrets) is shown, and
switches only when you accept it: at the terminal, or with --accept-changes in a script
(--yes is not enough). Risky flags and settings are asked about one by one, or allowed with
--allow KEY.

A server installed into MCP Tray's folder gets the new version built beside the old one.
Before switching, MCP Tray looks at the new version's tools where it can; if the scanner
finds something, it asks (or switch anyway with --accept-findings). Then MCP Tray restarts
the server and waits until it lists its tools; if it does not, the server stays at its old
version. Tools whose description or inputs changed are blocked until you review them
(mcptray policy review). The version before is kept: go back to it in one step with
mcptray update NAME --rollback.`,
		Args: exactArgs(1, "the name of an installed server"),
		RunE: func(cmd *cobra.Command, args []string) error { return update(e, args[0], o) },
	}
	f := cmd.Flags()
	f.BoolVarP(&o.yes, "yes", "y", false, "do not ask when only the version changes")
	f.BoolVar(&o.acceptChanges, "accept-changes", false, "accept the changes besides the version that the update shows")
	f.StringArrayVar(&o.allow, "allow", nil, "allow one risky flag, variable or command by the key update shows, e.g. env:NODE_OPTIONS (repeatable)")
	f.BoolVar(&o.acceptFindings, "accept-findings", false, "switch even when the scanner finds something in the new version's tools")
	f.BoolVar(&o.rollback, "rollback", false, "go back to the version before the last update")
	f.BoolVar(&o.asJSON, "json", false, "print the progress lines as JSON, one per line")
	return cmd
}

func update(e *env, name string, o updateOptions) error {
	ctx, stop := interruptContext()
	defer stop()
	cfg, err := e.home.Load()
	if err != nil {
		return err
	}
	if _, ok := cfg.Servers[name]; !ok {
		return errNoServer(name)
	}
	if o.rollback {
		_, err := runProgress(ctx, e, api.Update, installer.UpdateParams{Server: name, Rollback: true}, o.asJSON)
		return err
	}
	pv, err := installer.Source{Home: e.home}.PreviewUpdate(ctx, name)
	if err != nil {
		return err
	}
	if !pv.Available {
		if !o.asJSON {
			fmt.Fprintf(e.stdout, "%s is already at the newest version MCP Tray knows.\n", name)
		}
		return nil
	}
	in := newAsker(e)
	w := e.stdout
	if o.asJSON {
		w = e.stderr
	}
	fmt.Fprintf(w, "%s: version %s → %s.\n", name, display.Line(pv.Installed), display.Line(pv.Latest))
	if len(pv.Changes) > 0 {
		fmt.Fprintln(w, "This update changes more than the version:")
		for _, c := range pv.Changes {
			fmt.Fprintf(w, "  - %s\n", display.Line(c.Sentence))
		}
		if !o.acceptChanges {
			if !in.terminal {
				return usageError{fmt.Errorf("the update of %s changes more than the version, so nothing was changed; if you accept the changes above, run: mcptray update %s --accept-changes", name, name)}
			}
			ok, err := in.confirmNo("Accept these changes? [y/N] ")
			if err != nil {
				return err
			}
			if !ok {
				fmt.Fprintln(w, "Nothing was changed.")
				return nil
			}
		}
	}
	allow, ok, err := in.allowHazards(name, pv.Hazards, o.allow)
	if err != nil {
		return err
	}
	if !ok {
		fmt.Fprintln(w, "Nothing was changed.")
		return nil
	}
	if len(pv.Changes) == 0 && in.terminal && !o.yes {
		ok, err := in.confirm("Update? [Y/n] ")
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintln(w, "Nothing was changed.")
			return nil
		}
	}
	params := installer.UpdateParams{Server: name, Accept: pv.Accept, Allow: allow}
	last, err := runProgress(ctx, e, api.Update, params, o.asJSON)
	if last.Step != installer.StepReview {
		return err
	}
	// The new version is ready but the scanner found something: its findings were printed.
	if !o.acceptFindings {
		if !in.terminal {
			return fmt.Errorf("%s was not switched to version %s because of what the scanner found; to switch anyway, run: mcptray update %s --accept-findings", name, pv.Latest, name)
		}
		ok, err := in.confirmNo(fmt.Sprintf("Switch %s to version %s anyway? [y/N] ", name, pv.Latest))
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintf(w, "%s stays at version %s.\n", name, pv.Installed)
			return nil
		}
	}
	params.AcceptFindings = last.Accept
	_, err = runProgress(ctx, e, api.Update, params, o.asJSON)
	return err
}
