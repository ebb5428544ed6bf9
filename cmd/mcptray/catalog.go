package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/installer"
	"github.com/mcptray/mcptray/internal/display"
	"github.com/spf13/cobra"
)

func newCatalogCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "catalog",
		Short: "Browse the servers MCP Tray can install",
		Long: `The catalog lists servers MCP Tray can install with one command, each at an exact
version. It is built into MCP Tray and works offline. When the MCP Registry can be reached
(settings: registryURL; "off" turns it off), its servers are listed too; answers are cached
for an hour, and the cache is used when the registry cannot be reached.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageError{errors.New("catalog needs a command: list, search, show or outdated")}
		},
	}
	cmd.AddCommand(newCatalogListCmd(e), newCatalogSearchCmd(e), newCatalogShowCmd(e), newCatalogOutdatedCmd(e))
	return cmd
}

func newCatalogListCmd(e *env) *cobra.Command {
	var asJSON, all bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List every server in the catalog, by category",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := interruptContext()
			defer stop()
			entries, registry, err := catalogSearch(ctx, e, "", all)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(e, map[string]any{"entries": installer.Items(entries), "registry": registry})
			}
			printByCategory(e.stdout, entries)
			fmt.Fprintln(e.stdout, "\nDetails: mcptray catalog show ID    Install: mcptray install ID")
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (see docs/catalog-json.md)")
	cmd.Flags().BoolVar(&all, "all", false, "also list servers meant for developers, such as the everything test server")
	return cmd
}

func newCatalogSearchCmd(e *env) *cobra.Command {
	var asJSON, all bool
	cmd := &cobra.Command{
		Use:     "search WORDS...",
		Short:   "Find catalog servers by name, category or what they do",
		Example: "  mcptray catalog search github\n  mcptray catalog search web search",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError{errors.New("catalog search needs a word to look for, for example: mcptray catalog search files")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := interruptContext()
			defer stop()
			query := strings.Join(args, " ")
			hits, registry, err := catalogSearch(ctx, e, query, all)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(e, map[string]any{"query": query, "entries": installer.Items(hits), "registry": registry})
			}
			if len(hits) == 0 {
				fmt.Fprintf(e.stdout, "Nothing in the catalog matches %q. See every server with: mcptray catalog list\n", query)
				return nil
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			for _, h := range hits {
				fmt.Fprintf(tw, "%s\t%s\n", h.ID(), installer.ItemLine(h))
			}
			tw.Flush()
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (see docs/catalog-json.md)")
	cmd.Flags().BoolVar(&all, "all", false, "also find servers meant for developers, such as the everything test server")
	return cmd
}

func newCatalogShowCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show what a catalog server does, what it runs and what it asks for",
		Args:  exactArgs(1, "the id of a catalog server (see: mcptray catalog list)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := interruptContext()
			defer stop()
			entry, err := installer.Source{Home: e.home}.Lookup(ctx, args[0])
			if err != nil {
				return err
			}
			d := installer.Detail(entry)
			if asJSON {
				return writeJSON(e, d)
			}
			printDetail(e.stdout, d)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (see docs/catalog-json.md)")
	return cmd
}

// printByCategory prints entries grouped by category (catalog.ByCategory).
func printByCategory(w io.Writer, entries []catalog.Entry) {
	for i, g := range catalog.ByCategory(entries) {
		if i > 0 {
			fmt.Fprintln(w)
		}
		title := g.Category
		if title == "" {
			title = "From the MCP Registry"
		}
		fmt.Fprintln(w, title)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, e := range g.Entries {
			fmt.Fprintf(tw, "  %s\t%s\n", e.ID(), installer.ItemLine(e))
		}
		tw.Flush()
	}
}

func printDetail(w io.Writer, d installer.CatalogDetail) {
	fmt.Fprintln(w, display.Line(fmt.Sprintf("%s (%s, version %s)", d.Title, d.ID, d.Version)))
	if d.LookAlike != "" {
		fmt.Fprintln(w, installer.LookAlikeSentence(d.LookAlike))
	}
	fmt.Fprintln(w, display.Line(d.Summary))
	if d.Description != "" && d.Description != d.Summary {
		fmt.Fprintln(w, display.Text(d.Description))
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if d.Category != "" {
		fmt.Fprintf(tw, "Category:\t%s\n", d.Category)
	}
	fmt.Fprintf(tw, "Access:\t%s\n", catalog.AccessWords(d.ReadOnly))
	fmt.Fprintf(tw, "Needs:\t%s\n", catalog.NeedsTool(d.Needs))
	if d.Source != "" {
		fmt.Fprintf(tw, "Source:\t%s\n", d.Source)
	}
	fmt.Fprintf(tw, "Registry name:\t%s (%s)\n", d.Name, d.Origin)
	switch {
	case d.Problem != "":
		fmt.Fprintf(tw, "Cannot install:\t%s\n", d.Problem)
	case d.Remote != nil:
		fmt.Fprintf(tw, "Runs at:\t%s (%s)\n", d.Remote.URL, d.Remote.Transport)
	default:
		fmt.Fprintf(tw, "Runs:\t%s\n", display.Line(shellJoin(append([]string{d.Command}, d.Args...))))
	}
	for _, k := range sortedKeys(d.Env) {
		fmt.Fprintf(tw, "Setting:\t%s=%s\n", k, d.Env[k])
	}
	tw.Flush()
	if len(d.Hazards) > 0 {
		fmt.Fprintln(w, "\nInstalling it asks you to allow, one by one:")
		for _, h := range d.Hazards {
			fmt.Fprintf(w, "  ! %s (--allow %s)\n", installer.HazardSentence(h), h.Key)
		}
	}
	if len(d.Questions) == 0 {
		fmt.Fprintln(w, "\nIt asks nothing when you install it.")
	} else {
		fmt.Fprintln(w, "\nIt asks for:")
		for _, q := range d.Questions {
			fmt.Fprintf(w, "  %s (%s)\n", q.Key, q.Traits())
			if q.Description != "" {
				fmt.Fprintf(w, "      %s\n", q.Description)
			}
		}
	}
	if d.Problem == "" {
		fmt.Fprintf(w, "\nInstall it with: %s\n", installer.InstallCommand(d))
	}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// catalogSearch is Source.Search, or with all Source.SearchAll (test servers too).
func catalogSearch(ctx context.Context, e *env, query string, all bool) ([]catalog.Entry, string, error) {
	src := installer.Source{Home: e.home}
	if all {
		return src.SearchAll(ctx, query)
	}
	return src.Search(ctx, query)
}
