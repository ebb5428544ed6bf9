package installer

import (
	"slices"

	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/config"
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

// Views turns entries into what people see. Entries MCP Tray cannot install (remote-only
// servers, entries whose questions cannot be worked out) are left out. cfg (may be nil) gives
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
		if rt == "" || len(e.Server.Packages) == 0 {
			continue
		}
		qs, err := catalog.Questions(e)
		if err != nil {
			continue
		}
		v := EntryView{
			ID: e.ID(), Name: e.Server.Name, Title: e.Title(), Description: e.Summary(),
			Category: e.Category(), ReadOnly: e.Meta.ID != "" && e.Meta.ReadOnly, Runtime: e.Needs(),
			RuntimeMissing: runtimeMissing(rt), Version: e.Version(), SourceURL: e.Source(),
			InstalledAs: nonNil(installed[e.ID()]), Shareable: e.Meta.Shareable, Kubernetes: e.Meta.Kubernetes,
			Origin: originName(e.Origin), LookAlike: catalog.LookAlike(e), Questions: make([]QuestionView, 0, len(qs)),
		}
		for _, q := range qs {
			v.Questions = append(v.Questions, QuestionView{
				Key: q.Key, Title: q.Label, Description: q.Description, Secret: q.Secret, Required: q.Required,
				Default: q.Default, Choices: nonNil(q.Choices), Format: q.Format, Repeated: q.Repeated,
				Placeholder: q.Placeholder,
			})
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
