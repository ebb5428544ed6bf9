package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/installer"
	"github.com/mcptray/mcptray/internal/display"
	"github.com/mcptray/mcptray/internal/prose"
	"github.com/spf13/cobra"
)

// CatalogItem is one entry of `catalog list --json` and `catalog search --json`; see
// docs/catalog-json.md.
type CatalogItem struct {
	ID       string `json:"id"`       // what `mcptray install` takes
	Name     string `json:"name"`     // registry name
	Title    string `json:"title"`    // display name
	Summary  string `json:"summary"`  // one plain-language line
	Category string `json:"category"` // "" for registry entries without MCP Tray metadata
	Version  string `json:"version"`  // the exact version MCP Tray installs
	Needs    string `json:"needs"`    // "node", "python", "docker", or "" for a remote server
	ReadOnly *bool  `json:"readOnly"` // null when the entry does not say
	Origin   string `json:"origin"`   // "built-in" or "registry"
	Source   string `json:"source"`   // link to the source code, or ""
	// Shareable says one process can safely serve every AI app (stateless servers).
	Shareable bool `json:"shareable"`
	// LookAlike is the built-in id whose name this registry entry imitates; "" when none.
	LookAlike string `json:"lookAlike,omitempty"`
}

// CatalogDetail is the output of `catalog show --json`: the item plus what installing it runs
// and asks. Args and Env hold "<key>" where an answer goes.
type CatalogDetail struct {
	CatalogItem
	Description string              `json:"description"`
	Runtime     string              `json:"runtime"` // "npx", "uvx", "docker", or "" for a remote server
	Command     string              `json:"command"`
	Args        []string            `json:"args"`
	Env         map[string]string   `json:"env"`
	Secrets     []string            `json:"secrets"`
	Remote      *catalog.RemotePlan `json:"remote,omitempty"`
	Questions   []catalog.Question  `json:"questions"`
	Problem     string              `json:"problem,omitempty"` // why MCP Tray cannot install it, if it cannot
	// Hazards are the risky flags, settings and commands an install asks about one by one.
	Hazards []installer.HazardView `json:"hazards,omitempty"`
}

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
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List every server in the catalog, by category",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := interruptContext()
			defer stop()
			entries, registry, err := installer.Source{Home: e.home}.Search(ctx, "")
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(e, map[string]any{"entries": catalogItems(entries), "registry": registry})
			}
			printByCategory(e.stdout, entries)
			fmt.Fprintln(e.stdout, "\nDetails: mcptray catalog show ID    Install: mcptray install ID")
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (see docs/catalog-json.md)")
	return cmd
}

func newCatalogSearchCmd(e *env) *cobra.Command {
	var asJSON bool
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
			hits, registry, err := installer.Source{Home: e.home}.Search(ctx, query)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(e, map[string]any{"query": query, "entries": catalogItems(hits), "registry": registry})
			}
			if len(hits) == 0 {
				fmt.Fprintf(e.stdout, "Nothing in the catalog matches %q. See every server with: mcptray catalog list\n", query)
				return nil
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			for _, h := range hits {
				fmt.Fprintf(tw, "%s\t%s\n", h.ID(), itemLine(h))
			}
			tw.Flush()
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (see docs/catalog-json.md)")
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
			d := catalogDetail(entry)
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

func catalogItems(entries []catalog.Entry) []CatalogItem {
	out := make([]CatalogItem, len(entries))
	for i, e := range entries {
		out[i] = catalogItem(e)
	}
	return out
}

func catalogItem(e catalog.Entry) CatalogItem {
	it := CatalogItem{ID: e.ID(), Name: e.Server.Name, Title: e.Title(), Summary: e.Summary(), Category: e.Category(),
		Version: e.Version(), Needs: e.Needs(), Origin: e.Origin.String(), Source: e.Source(), Shareable: e.Meta.Shareable,
		LookAlike: catalog.LookAlike(e)}
	if e.Meta.ID != "" { // only MCP Tray's own metadata says whether a server is read-only
		ro := e.Meta.ReadOnly
		it.ReadOnly = &ro
	}
	return it
}

// needsText names what a person installs to run the entry.
func needsText(needs string) string {
	switch needs {
	case catalog.NeedsNode:
		return catalog.RuntimeNPX.Tool()
	case catalog.NeedsPython:
		return catalog.RuntimeUVX.Tool()
	case catalog.NeedsDocker:
		return catalog.RuntimeDocker.Tool()
	}
	return "nothing (it runs elsewhere)"
}

func accessText(readOnly *bool) string {
	switch {
	case readOnly == nil:
		return "may change things"
	case *readOnly:
		return "read-only"
	}
	return "can change things"
}

// itemLine is the plain one-line description used by list and search.
func itemLine(e catalog.Entry) string {
	it := catalogItem(e)
	summary := strings.TrimSpace(it.Summary)
	if summary != "" && !strings.HasSuffix(summary, ".") {
		summary += "."
	}
	line := fmt.Sprintf("%s: %s Needs %s; %s.", it.Title, summary, needsText(it.Needs), accessText(it.ReadOnly))
	if it.LookAlike != "" {
		line = "[look-alike] " + line + " " + installer.LookAlikeSentence(it.LookAlike)
	}
	return display.Line(line)
}

// printByCategory prints entries grouped by category (alphabetically), registry entries
// without a category last.
func printByCategory(w io.Writer, entries []catalog.Entry) {
	groups := map[string][]catalog.Entry{}
	var cats []string
	for _, e := range entries {
		c := e.Category()
		if _, ok := groups[c]; !ok {
			cats = append(cats, c)
		}
		groups[c] = append(groups[c], e)
	}
	slices.SortFunc(cats, func(a, b string) int {
		if (a == "") != (b == "") {
			return strings.Compare(b, a) // "" sorts last
		}
		return strings.Compare(a, b)
	})
	for i, c := range cats {
		if i > 0 {
			fmt.Fprintln(w)
		}
		title := c
		if title == "" {
			title = "From the MCP Registry"
		}
		fmt.Fprintln(w, title)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, e := range groups[c] {
			fmt.Fprintf(tw, "  %s\t%s\n", e.ID(), itemLine(e))
		}
		tw.Flush()
	}
}

// catalogDetail plans the entry with placeholder answers, so the command shown is exactly
// what will run, with "<key>" where the person's answer goes.
func catalogDetail(e catalog.Entry) CatalogDetail {
	d := CatalogDetail{CatalogItem: catalogItem(e), Description: e.Server.Description,
		Args: []string{}, Env: map[string]string{}, Secrets: []string{}, Questions: []catalog.Question{}}
	qs, err := catalog.Questions(e)
	if err != nil {
		d.Problem = prose.Sentence(err)
		return d
	}
	d.Questions = append(d.Questions, qs...)
	answers, tokens := placeholderAnswers(qs)
	p, err := catalog.Plan(e, answers)
	if err != nil {
		d.Problem = prose.Sentence(err)
		return d
	}
	fill := func(s string) string {
		for tok, key := range tokens {
			s = strings.ReplaceAll(s, tok, "<"+key+">")
		}
		return s
	}
	d.Runtime, d.Command, d.Remote = string(p.Runtime), p.Command, p.Remote
	d.Hazards = installer.PlanHazards(e, p)
	for _, a := range p.Args {
		d.Args = append(d.Args, fill(a))
	}
	for k, v := range p.Env {
		d.Env[k] = fill(v)
	}
	for _, q := range qs {
		if q.Secret {
			d.Secrets = append(d.Secrets, q.Key)
		}
	}
	return d
}

// placeholderAnswers answers every required question that has no default with a value that
// passes the question's checks and can be found again in the plan (tokens maps it back to
// the key). Secrets get a dummy value: they never appear in the command.
func placeholderAnswers(qs []catalog.Question) (answers, tokens map[string]string) {
	answers, tokens = map[string]string{}, map[string]string{}
	root := filepath.VolumeName(os.TempDir()) + string(filepath.Separator)
	for i, q := range qs {
		if !q.Required || q.Default != "" {
			continue
		}
		var v string
		switch {
		case q.Secret:
			answers[q.Key] = "placeholder"
			continue
		case len(q.Choices) > 0:
			v = q.Choices[0] // must be one of them; shown as is
			answers[q.Key] = v
			continue
		case q.Format == catalog.FormatNumber:
			v = "91827364" + strconv.Itoa(500+i)
		case q.Format == catalog.FormatBoolean:
			answers[q.Key] = "false"
			continue
		case q.Format == catalog.FormatFilepath:
			v = root + "MCPTRAYANSWER" + strconv.Itoa(i) + "X"
		default:
			v = "MCPTRAYANSWER" + strconv.Itoa(i) + "X" // X: answer 1 is no prefix of answer 10
		}
		answers[q.Key], tokens[v] = v, q.Key
	}
	return answers, tokens
}

func printDetail(w io.Writer, d CatalogDetail) {
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
	fmt.Fprintf(tw, "Access:\t%s\n", accessText(d.ReadOnly))
	fmt.Fprintf(tw, "Needs:\t%s\n", needsText(d.Needs))
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
			fmt.Fprintf(w, "  %s (%s)\n", q.Key, questionTraits(q))
			if q.Description != "" {
				fmt.Fprintf(w, "      %s\n", q.Description)
			}
		}
	}
	if d.Problem == "" {
		fmt.Fprintf(w, "\nInstall it with: %s\n", installExample(d))
	}
}

// questionTraits says, in plain words, how a question is answered.
func questionTraits(q catalog.Question) string {
	var t []string
	t = append(t, map[bool]string{true: "required", false: "optional"}[q.Required])
	if q.Secret {
		t = append(t, "secret, kept in the system keychain")
	}
	switch {
	case len(q.Choices) > 0:
		t = append(t, "one of "+strings.Join(q.Choices, ", "))
	case q.Format == catalog.FormatBoolean:
		t = append(t, "true or false")
	case q.Format == catalog.FormatNumber:
		t = append(t, "a number")
	case q.Format == catalog.FormatFilepath:
		t = append(t, "a full path")
	}
	if q.Repeated {
		t = append(t, "can be given more than once")
	}
	if q.Default != "" {
		t = append(t, "default "+q.Default)
	}
	return strings.Join(t, "; ")
}

// installExample is the install command with a --set for every required non-secret answer
// that has no default.
func installExample(d CatalogDetail) string {
	parts := []string{"mcptray install", d.ID}
	for _, q := range d.Questions {
		if q.Required && !q.Secret && q.Default == "" {
			parts = append(parts, "--set "+q.Key+"="+exampleValue(q))
		}
	}
	return strings.Join(parts, " ")
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
