package catalog

import (
	"slices"
	"strings"
)

// CategoryGroup is the entries of one category (Entry.Category), in the order they came.
type CategoryGroup struct {
	Category string // "" for registry entries without MCP Tray's metadata
	Entries  []Entry
}

// ByCategory groups entries by category: categories alphabetically, the entries without a
// category (from the MCP Registry) last; each group keeps the entries' order.
func ByCategory(entries []Entry) []CategoryGroup {
	groups := map[string][]Entry{}
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
	out := make([]CategoryGroup, len(cats))
	for i, c := range cats {
		out[i] = CategoryGroup{Category: c, Entries: groups[c]}
	}
	return out
}
