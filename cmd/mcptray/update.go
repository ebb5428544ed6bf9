package main

import (
	"fmt"
	"slices"
	"text/tabwriter"

	"github.com/mcptray/mcptray/installer"
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
	if note != "" {
		fmt.Fprintf(e.stdout, "Checked%s.\n", note)
	}
	fmt.Fprintf(e.stdout, "Update one with: mcptray update %s\n", res.Servers[0].Server)
}

func newUpdateCmd(e *env) *cobra.Command {
	var yes, asJSON bool
	cmd := &cobra.Command{
		Use:   "update NAME",
		Short: "Move an installed server to its newest version",
		Long: `Moves a server installed from the catalog to the newest exact version (see: mcptray
catalog outdated), with the same settings and secrets. MCP Tray restarts it and waits until it
lists its tools; if the new version does not work, the server stays at its old version. Tools
whose description or inputs changed are blocked until you review them (mcptray policy review).`,
		Args: exactArgs(1, "the name of an installed server"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := interruptContext()
			defer stop()
			name := args[0]
			cfg, err := e.home.Load()
			if err != nil {
				return err
			}
			if _, ok := cfg.Servers[name]; !ok {
				return errNoServer(name)
			}
			res, err := installer.Source{Home: e.home}.Outdated(ctx)
			if err != nil {
				return err
			}
			i := slices.IndexFunc(res.Servers, func(o installer.Outdated) bool { return o.Server == name })
			if i < 0 {
				if !asJSON {
					fmt.Fprintf(e.stdout, "%s is already at the newest version MCP Tray knows.\n", name)
				}
				return nil
			}
			o := res.Servers[i]
			in := newAsker(e)
			if !asJSON {
				fmt.Fprintf(e.stdout, "%s: version %s → %s.\n", name, o.Installed, o.Latest)
			}
			if in.terminal && !yes {
				ok, err := in.confirm("Update? [Y/n] ")
				if err != nil {
					return err
				}
				if !ok {
					fmt.Fprintln(e.stdout, "Nothing was changed.")
					return nil
				}
			}
			_, err = runProgress(ctx, e, "update", installer.UpdateParams{Server: name}, asJSON)
			return err
		},
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the progress lines as JSON, one per line")
	return cmd
}
