package installer

import (
	"context"
	"slices"

	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/config"
)

// UpdatePreview is what updating one server would change, for the person to see before
// agreeing.
type UpdatePreview struct {
	Server    string `json:"server"`
	Title     string `json:"title"`
	Installed string `json:"installed"`
	Latest    string `json:"latest"` // "" when nothing newer is known
	Origin    string `json:"origin"` // where Latest comes from: "built-in" or "registry"
	Available bool   `json:"available"`
	// Changes are the differences besides the version; each needs the person's consent.
	Changes []Change `json:"changes"`
	// Hazards are the new version's hazards the person has not allowed for this server yet;
	// each is also one of Changes, and each must be allowed by key (UpdateParams.Allow).
	Hazards []HazardView `json:"hazards,omitempty"`
	// Accept is what UpdateParams.Accept takes once the person agreed to Changes; "" when
	// only the version changes.
	Accept string `json:"accept,omitempty"`

	old   *config.Server
	next  *config.Server
	plan  catalog.InstallPlan
	entry catalog.Entry
}

// PreviewUpdate works out what updating server would change, without changing anything:
// the newest version (see Outdated), the new definition planned with the settings recorded
// at install, and every difference besides the version. It blocks for at most one registry
// request. Its errors are sentences for a person.
func (s Source) PreviewUpdate(ctx context.Context, server string) (UpdatePreview, error) {
	cfg, err := s.Home.Load()
	if err != nil {
		return UpdatePreview{}, err
	}
	old := cfg.Servers[server]
	if old == nil {
		return UpdatePreview{}, failf("There is no server named %q in MCP Tray.", server)
	}
	if old.Source == nil || old.Source.Catalog == "" {
		return UpdatePreview{}, failf("%s was not installed from the catalog, so MCP Tray does not know its versions.", server)
	}
	if fromBundle(old.Source) {
		return UpdatePreview{}, failf("%s was installed from a bundle file, so MCP Tray cannot look for a newer version: to update it, remove it (mcptray server remove %s) and install the newer bundle.", server, server)
	}
	off, err := s.Offline()
	if err != nil {
		return UpdatePreview{}, err
	}
	o, ok, _ := newest(ctx, off, s.Registry(), server, old.Source)
	pv := UpdatePreview{Server: server, Title: o.Title, Installed: old.Source.Version, Changes: []Change{}, old: old}
	if !ok {
		return pv, nil
	}
	return preview(pv, o)
}

func preview(pv UpdatePreview, o Outdated) (UpdatePreview, error) {
	next, plan, err := replan(o.entry, pv.old)
	if err != nil {
		return pv, err
	}
	pv.Latest, pv.Origin, pv.Available, pv.next, pv.plan, pv.entry = o.Latest, o.Origin, true, next, plan, o.entry
	hs := hazardsOf(o.entry, plan)
	pv.Changes = diffUpdate(pv.old, pv.old.Source.Version, o.entry.PackageRef(), next, plan, hs)
	if pv.Changes == nil {
		pv.Changes = []Change{}
	}
	for _, h := range HazardViews(hs) {
		if !slices.Contains(pv.old.Allowed, h.Key) {
			pv.Hazards = append(pv.Hazards, h)
		}
	}
	pv.Accept = changesDigest(pv.Latest, next, pv.Changes)
	return pv, nil
}

// definitionOf is the part of a server an update changes and a rollback puts back: what
// runs, with which settings, from which package. The person's own choices (policy, sandbox,
// mode, Kubernetes context, whether it is on) are not part of it; they stay as they are.
func definitionOf(s *config.Server) *config.Server {
	c := s.Clone()
	return &config.Server{Command: c.Command, Args: c.Args, Env: c.Env, Secrets: c.Secrets, Dir: c.Dir,
		Source: c.Source, Frozen: c.Frozen, Allowed: c.Allowed}
}

// setDefinition gives s the definition of def (see definitionOf).
func setDefinition(s, def *config.Server) {
	d := definitionOf(def)
	s.Command, s.Args, s.Env, s.Secrets, s.Dir = d.Command, d.Args, d.Env, d.Secrets, d.Dir
	s.Source, s.Frozen, s.Allowed = d.Source, d.Frozen, d.Allowed
}
