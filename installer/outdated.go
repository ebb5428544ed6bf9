package installer

import (
	"context"
	"strings"

	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/config"
)

// Outdated is one installed server with a newer version available.
type Outdated struct {
	Server    string `json:"server"`    // the server's name
	ID        string `json:"id"`        // the catalog id it was installed from
	Title     string `json:"title"`     // display name
	Installed string `json:"installed"` // the version installed
	Latest    string `json:"latest"`    // the newest version found
	// Origin says where Latest comes from: "built-in" (this MCP Tray's catalog) or
	// "registry" (the MCP Registry, live or cached).
	Origin string `json:"origin"`
	// Changes are what the update changes besides the version (see PreviewUpdate); each
	// needs the person's consent. Empty when only the version changes.
	Changes []Change `json:"changes,omitempty"`
	// Problem says why the update cannot be planned (a setting the new version needs that
	// this server does not have); "" when it can.
	Problem string `json:"problem,omitempty"`

	entry catalog.Entry
}

// OutdatedResult is the answer of "catalog.outdated" and `catalog outdated --json`.
type OutdatedResult struct {
	Servers  []Outdated `json:"servers"`
	Registry string     `json:"registry"` // "live", "cached" or "off", as in ListResult
}

// Outdated compares every server installed from the catalog with the built-in catalog and,
// when it is on, the live registry (cached answers when it cannot be reached). It blocks for
// at most one registry request per installed server, each bounded by the HTTP client's
// timeout and ctx. Servers whose versions cannot be ordered are left out.
func (s Source) Outdated(ctx context.Context) (OutdatedResult, error) {
	res := OutdatedResult{Servers: []Outdated{}, Registry: RegistryOff}
	cfg, err := s.Home.Load()
	if err != nil {
		return res, err
	}
	off, err := s.Offline()
	if err != nil {
		return res, err
	}
	rc := s.Registry()
	if rc != nil {
		res.Registry = RegistryLive
	}
	for _, name := range cfg.ServerNames() {
		srv := cfg.Servers[name]
		if srv == nil || srv.Source == nil || srv.Source.Catalog == "" || srv.Source.Version == "" {
			continue
		}
		o, ok, stale := newest(ctx, off, rc, name, srv.Source)
		if stale {
			res.Registry = RegistryCached
		}
		if ok {
			pv, err := preview(UpdatePreview{Server: name, Installed: srv.Source.Version, old: srv}, o)
			if err != nil {
				o.Problem = err.Error()
			} else if len(pv.Changes) > 0 {
				o.Changes = pv.Changes
			}
			res.Servers = append(res.Servers, o)
		}
	}
	return res, nil
}

// newest finds the newest version of an installed server: the catalog's entry, or the
// registry's latest when that is newer. A server installed from a built-in entry updates
// only from the built-in catalog: a registry entry of the same name is not MCP Tray's and
// may be anyone's. ok is false when nothing newer is known.
func newest(ctx context.Context, off *catalog.Catalog, rc *catalog.Client, name string, src *config.Source) (o Outdated, ok, stale bool) {
	if fromBundle(src) {
		// Its source names the bundle's manifest, not a registry entry: asking the registry
		// about it would find nothing, or another server of that name.
		return Outdated{Server: name, ID: src.Catalog, Installed: src.Version}, false, false
	}
	entry, found := off.Lookup(src.Catalog)
	o = Outdated{Server: name, ID: src.Catalog, Installed: src.Version}
	best := src.Version
	if found {
		o.Title = entry.Title()
		if newer(entry.PackageVersion(), best) {
			best, o.Latest, o.Origin, o.entry = entry.PackageVersion(), entry.PackageVersion(), originName(entry.Origin), entry
		}
	}
	regName := src.Catalog
	if found {
		regName = entry.Server.Name
	}
	curated := found && entry.Origin == catalog.OriginEmbedded
	if rc != nil && !curated && strings.Contains(regName, "/") {
		identifier := ""
		if found {
			identifier = entry.PackageName()
		}
		u, err := rc.CheckUpdate(ctx, catalog.Installed{Name: regName, Identifier: identifier, Version: best})
		stale = err != nil || u.Stale
		if err == nil && u.Available && len(u.Entry.Server.Packages) > 0 {
			if o.Title == "" {
				o.Title = u.Entry.Title()
			}
			o.Latest, o.Origin, o.entry = u.Latest, "registry", u.Entry
		}
	}
	return o, o.Latest != "", stale
}

// newer reports whether version a is newer than b; versions that cannot be compared are not.
func newer(a, b string) bool {
	c, err := catalog.CompareVersions(a, b)
	return err == nil && c > 0
}

// fromBundle reports whether src is a server installed from a Claude extension bundle (its
// catalog id is "mcpb/NAME"), whose newer versions MCP Tray cannot look up.
func fromBundle(src *config.Source) bool {
	return src != nil && strings.HasPrefix(src.Catalog, "mcpb/")
}
