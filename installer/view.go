package installer

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/internal/prose"
	"github.com/mcptray/mcptray/supervisor"
)

// Resolver finds a runtime's command on this computer, as supervisor.ResolveCommand does;
// tests pass their own.
type Resolver func(command string) error

func defaultResolve(command string) error {
	_, err := supervisor.ResolveCommand(command, "")
	return err
}

// runtimeOf is the runtime that runs an entry's package, or "" for a remote-only entry.
func runtimeOf(e catalog.Entry) catalog.Runtime {
	switch e.Needs() {
	case catalog.NeedsNode:
		return catalog.RuntimeNPX
	case catalog.NeedsPython:
		return catalog.RuntimeUVX
	case catalog.NeedsDocker:
		return catalog.RuntimeDocker
	}
	return ""
}

// Views turns entries into what people see. Entries MCP Tray cannot install (entries with
// nothing to run, entries whose questions cannot be worked out) are left out; a remote-only
// entry is shown with where it runs (RemoteLine) instead of a runtime. cfg (may be nil) gives
// InstalledAs; resolve (nil: the real PATH lookup) gives RuntimeMissing, asked once per
// runtime. It does no other I/O.
func Views(entries []catalog.Entry, cfg *config.Config, resolve Resolver) []EntryView {
	if resolve == nil {
		resolve = defaultResolve
	}
	missing := map[catalog.Runtime]string{}
	runtimeMissing := func(rt catalog.Runtime) string {
		if msg, ok := missing[rt]; ok {
			return msg
		}
		msg := ""
		if resolve(string(rt)) != nil {
			msg = rt.InstallHint()
		}
		missing[rt] = msg
		return msg
	}
	installed := installedFrom(cfg)
	out := make([]EntryView, 0, len(entries))
	for _, e := range entries {
		rt := runtimeOf(e)
		remoteOnly := len(e.Server.Packages) == 0 && len(e.Server.Remotes) > 0
		if (rt == "" || len(e.Server.Packages) == 0) && !remoteOnly {
			continue
		}
		qs, err := catalog.Questions(e)
		if err != nil {
			continue
		}
		v := EntryView{
			ID: e.ID(), Name: e.Server.Name, Title: e.Title(), Description: e.Summary(), About: e.Server.Description,
			Category: e.Category(), ReadOnly: e.Meta.ID != "" && e.Meta.ReadOnly, Runtime: e.Needs(),
			RuntimeMissing: "", Version: e.Version(), SourceURL: e.Source(),
			InstalledAs: nonNil(installed[e.ID()]), Shareable: e.Meta.Shareable, Kubernetes: e.Meta.Kubernetes,
			Origin: originName(e.Origin), LookAlike: catalog.LookAlike(e), Questions: make([]QuestionView, 0, len(qs)),
		}
		for _, q := range qs {
			v.Questions = append(v.Questions, QuestionView{
				Key: q.Key, Title: q.Label, Description: q.Description, Secret: q.Secret, Required: q.Required,
				Default: q.Default, Choices: nonNil(q.Choices), Format: q.Format, Repeated: q.Repeated,
				Placeholder: q.Placeholder, Kind: q.Kind,
			})
		}
		ic := e.Icon(false)
		v.Icon, v.Needs = IconView{MimeType: ic.MimeType, Data: ic.Data, URL: ic.URL}, catalog.NeedsLine(e.Needs())
		if remoteOnly {
			v.Runtime, v.Needs, v.RemoteHost = "", RemoteLine(e), RemoteHost(e)
		} else {
			v.RuntimeMissing = runtimeMissing(rt)
		}
		out = append(out, v)
	}
	return out
}

// originName is "built-in" or "registry" (entries parsed from elsewhere count as registry).
func originName(o catalog.Origin) string {
	if o == catalog.OriginEmbedded {
		return "built-in"
	}
	return "registry"
}

// installedFrom maps a catalog id to the servers installed from it, sorted.
func installedFrom(cfg *config.Config) map[string][]string {
	m := map[string][]string{}
	if cfg == nil {
		return m
	}
	for _, name := range cfg.ServerNames() {
		if s := cfg.Servers[name]; s != nil && s.Source != nil && s.Source.Catalog != "" {
			m[s.Source.Catalog] = append(m[s.Source.Catalog], name)
		}
	}
	return m
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return slices.Clone(s)
}

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
	Hazards []HazardView `json:"hazards,omitempty"`
}

// Items are the entries as `mcptray catalog list|search --json` prints them.
func Items(entries []catalog.Entry) []CatalogItem {
	out := make([]CatalogItem, len(entries))
	for i, e := range entries {
		out[i] = Item(e)
	}
	return out
}

// Item is one entry as `mcptray catalog list|search --json` prints it.
func Item(e catalog.Entry) CatalogItem {
	it := CatalogItem{ID: e.ID(), Name: e.Server.Name, Title: e.Title(), Summary: e.Summary(), Category: e.Category(),
		Version: e.Version(), Needs: e.Needs(), Origin: e.Origin.String(), Source: e.Source(), Shareable: e.Meta.Shareable,
		LookAlike: catalog.LookAlike(e)}
	if e.Meta.ID != "" { // only MCP Tray's own metadata says whether a server is read-only
		ro := e.Meta.ReadOnly
		it.ReadOnly = &ro
	}
	return it
}

// Detail is the entry as `mcptray catalog show --json` prints it: planned with placeholder
// answers, so the command shown is exactly what will run, with "<key>" where the person's
// answer goes. A plan that cannot be made is Problem's sentence, not an error.
func Detail(e catalog.Entry) CatalogDetail {
	d := CatalogDetail{CatalogItem: Item(e), Description: e.Server.Description,
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
	d.Hazards = PlanHazards(e, p)
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

// Filter returns the views that match query, best first, by catalog.Search's rules
// (catalog.Rank): a face that filters the list catalog.list gave it as the person types
// matches as the search behind it does, never on a registry name's namespace.
func Filter(views []EntryView, query string) []EntryView {
	texts := make([]catalog.SearchText, len(views))
	for i, v := range views {
		texts[i] = catalog.SearchText{ID: v.ID, Name: v.Name, Title: v.Title, Category: v.Category, Text: v.Description + " " + v.About}
	}
	idx := catalog.Rank(texts, query)
	out := make([]EntryView, len(idx))
	for k, i := range idx {
		out[k] = views[i]
	}
	return out
}
