package app

import (
	"slices"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/installer"
)

// The install dialog's list (issue #20): the built-in catalog shows at once; the daemon's
// answer, which also asks the MCP Registry and can take up to its timeout when the computer
// is offline, replaces it when it arrives. A registry that could not be reached is one quiet
// line, not a wait.

// Quiet lines under the search box about the online directory (the MCP Registry).
const (
	noteOwnListOnly = "Only MCP Tray's own list is shown: the online directory could not be reached."
	noteLastSeen    = "The online directory could not be reached: its servers are shown as MCP Tray last saw them."
	noteNoMatch     = "Nothing matches. Press Enter to search the MCP Registry too."
	noteNoMatchHere = "Nothing in MCP Tray's own list matches, and the online directory could not be reached."
)

// load shows the catalog entries matching query ("" for the whole catalog): the built-in
// ones at once when nothing is listed yet, then the daemon's answer. Only the answer to the
// latest load is shown; the entry the person picked stays picked. UI goroutine only.
func (d *installDialog) load(query string) {
	d.loads++
	seq := d.loads
	if len(d.entries) == 0 {
		if views := builtInViews(); len(views) > 0 {
			d.entries = views
			d.category.SetOptions(catalogCategories(d.entries))
			d.filter(true)
		} else {
			d.pickNote.SetText("Loading the catalog…")
		}
	}
	callThen(d.u, api.CatalogList, installer.ListParams{Query: query}, func(res installer.ListResult, err error) {
		if seq != d.loads {
			return
		}
		if err != nil {
			d.note = "MCP Tray could not load the catalog: " + sentence(err)
			d.pickNote.SetText(d.note)
			return
		}
		d.entries = res.Entries
		d.note = registryNote(res)
		d.category.SetOptions(catalogCategories(d.entries))
		d.filter(true)
	})
}

// filter lists the entries of the chosen category that match the search box. keep says the
// entries changed under the person (the daemon answered), so a picked entry stays picked;
// otherwise (the person typed or chose a category) nothing is picked.
func (d *installDialog) filter(keep bool) {
	picked := ""
	if keep && d.chosen != nil {
		picked = d.chosen.ID
	}
	d.shown = filterCatalog(d.entries, d.category.Selected, d.search.Text)
	d.chosen = nil
	d.list.UnselectAll()
	d.list.Refresh()
	d.next.Disable()
	if i := slices.IndexFunc(d.shown, func(e installer.EntryView) bool { return e.ID == picked }); picked != "" && i >= 0 {
		d.list.Select(i) // OnSelected picks it again and enables Next
	}
	switch {
	case len(d.shown) == 0 && len(d.entries) > 0 && d.note == noteOwnListOnly:
		d.pickNote.SetText(noteNoMatchHere)
	case len(d.shown) == 0 && len(d.entries) > 0:
		d.pickNote.SetText(noteNoMatch)
	case len(d.entries) > 0:
		d.pickNote.SetText(d.note)
	}
}

// registryNote is the quiet line a catalog.list answer calls for: "" when the registry
// answered or is turned off, else that it could not be reached and what is shown instead.
func registryNote(res installer.ListResult) string {
	if res.Registry != installer.RegistryCached {
		return ""
	}
	if slices.ContainsFunc(res.Entries, func(e installer.EntryView) bool { return e.Origin == catalog.OriginRegistry.String() }) {
		return noteLastSeen
	}
	return noteOwnListOnly
}

// builtInViews is the built-in catalog as the daemon would list it, without what only the
// daemon knows (servers installed from an entry). nil only for a broken build.
func builtInViews() []installer.EntryView {
	c, err := catalog.Embedded()
	if err != nil {
		return nil
	}
	return installer.Views(c.Entries(), nil, nil)
}

// forDevelopers reports whether a listed entry is meant for developers only (a test server,
// catalog.Entry.ForDevelopers). The daemon's view does not say, so the built-in catalog is
// asked by id; registry entries are never marked.
func forDevelopers(e installer.EntryView) bool {
	if e.Origin != catalog.OriginEmbedded.String() {
		return false
	}
	c, err := catalog.Embedded()
	if err != nil {
		return false
	}
	entry, ok := c.Lookup(e.ID)
	return ok && entry.ForDevelopers()
}

// forEveryone leaves out the entries for developers unless query names one exactly, as
// catalog.ForEveryone does for catalog entries.
func forEveryone(views []installer.EntryView, query string) []installer.EntryView {
	out := make([]installer.EntryView, 0, len(views))
	for _, v := range views {
		if !forDevelopers(v) || catalog.NamesExactly(query, v.ID, v.Name, v.Title) {
			out = append(out, v)
		}
	}
	return out
}
