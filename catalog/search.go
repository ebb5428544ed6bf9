package catalog

import (
	"slices"
	"strings"
)

// searchDoc holds an entry's searchable text, lowercased once when the catalog is built. The
// full registry name counts only as an exact match: its namespace ("io.github.") would
// otherwise make "git" match almost every entry. A registry entry's id is its registry name,
// so for words of a query its id is the name after the namespace (idWords).
type searchDoc struct {
	id, idWords, name, short, title, category, text string
}

func newSearchDoc(e Entry) searchDoc {
	return SearchText{ID: e.ID(), Name: e.Server.Name, Title: e.Title(), Category: e.Category(),
		Text: e.Summary() + " " + e.Server.Description}.doc()
}

// SearchText is what Search matches an entry on, for a face that holds entries only as they
// are shown (the window filters its list as the person types): Rank matches it by the same
// rules, so there is one catalog search.
type SearchText struct {
	ID       string // the catalog id (a registry entry's is its registry name)
	Name     string // the registry name
	Title    string
	Category string
	Text     string // the summary and the description
}

func (t SearchText) doc() searchDoc {
	d := searchDoc{
		id:       strings.ToLower(t.ID),
		name:     strings.ToLower(t.Name),
		short:    strings.ToLower(shortName(t.Name)),
		title:    strings.ToLower(t.Title),
		category: strings.ToLower(t.Category),
		text:     strings.ToLower(t.Text),
	}
	d.idWords = d.id
	if d.id == d.name {
		d.idWords = d.short
	}
	return d
}

// ForEveryone returns the entries of list that a catalog list shows a person who did not ask
// for every entry, in order: an entry for developers (Entry.ForDevelopers, a test server) is
// left out unless query names it exactly (NamesExactly). Search itself leaves every entry in;
// a face that lists entries (`mcptray catalog`, the window) calls this unless asked for all.
func ForEveryone(list []Entry, query string) []Entry {
	out := make([]Entry, 0, len(list))
	for _, e := range list {
		if !e.ForDevelopers() || NamesExactly(query, e.ID(), e.Server.Name, e.Title()) {
			out = append(out, e)
		}
	}
	return out
}

// NamesExactly reports whether query is one of names, ignoring case and surrounding spaces:
// how a person names an entry that lists leave out (ForEveryone). An empty query names nothing.
func NamesExactly(query string, names ...string) bool {
	q := strings.TrimSpace(query)
	if q == "" {
		return false
	}
	for _, n := range names {
		if strings.EqualFold(q, strings.TrimSpace(n)) {
			return true
		}
	}
	return false
}

// Rank returns the indexes of the items that match query, best first, by Search's rules;
// ties keep the items' order. An empty query returns every index in order.
func Rank(items []SearchText, query string) []int {
	q := strings.ToLower(strings.TrimSpace(query))
	terms := strings.Fields(q)
	type hit struct{ i, score int }
	var hits []hit
	for i, t := range items {
		if q == "" {
			hits = append(hits, hit{i, 1})
		} else if s := t.doc().score(q, terms); s > 0 {
			hits = append(hits, hit{i, s})
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int { return b.score - a.score })
	out := make([]int, len(hits))
	for k, h := range hits {
		out[k] = h.i
	}
	return out
}

// Search returns the entries matching query, best first. Matching ignores case and looks at
// the id, the name after the registry namespace, the title, category, summary and
// description (the full registry name, which is also a registry entry's id, matches only
// exactly, so "github" does not match every "io.github.…" entry); every word of the query
// must match somewhere. An exact id comes first, then an exact title or name, then matches in
// the id, title, category and text, in that order of weight. Ties go to built-in entries,
// then to the id in alphabetical order. An empty query returns every entry in catalog order.
func (c *Catalog) Search(query string) []Entry {
	q := strings.ToLower(strings.TrimSpace(query))
	if q == "" {
		return c.Entries()
	}
	terms := strings.Fields(q)
	type hit struct {
		i, score int
	}
	var hits []hit
	for i, d := range c.docs {
		if s := d.score(q, terms); s > 0 {
			hits = append(hits, hit{i, s})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if a.score != b.score {
			return b.score - a.score
		}
		ea, eb := c.entries[a.i], c.entries[b.i]
		if ea.Origin != eb.Origin {
			return int(ea.Origin) - int(eb.Origin)
		}
		return strings.Compare(c.docs[a.i].id, c.docs[b.i].id)
	})
	out := make([]Entry, len(hits))
	for k, h := range hits {
		out[k] = c.entries[h.i]
	}
	return out
}

// score is 0 when some term matches nothing; otherwise higher is better.
func (d searchDoc) score(q string, terms []string) int {
	score := 0
	switch {
	case q == d.id:
		score += 100000
	case q == d.title || q == d.name || q == d.short:
		score += 50000
	}
	exact := score > 0
	for _, t := range terms {
		s := d.termScore(t)
		if s == 0 && !exact {
			return 0
		}
		score += s
	}
	return score
}

func (d searchDoc) termScore(t string) int {
	switch {
	case d.idWords == t:
		return 1000
	case strings.HasPrefix(d.idWords, t):
		return 600
	case hasWordPrefix(d.title, t):
		return 500
	case strings.Contains(d.idWords, t):
		return 400
	case strings.Contains(d.title, t), strings.Contains(d.short, t):
		return 300
	case hasWordPrefix(d.category, t):
		return 200
	case strings.Contains(d.category, t):
		return 100
	case hasWordPrefix(d.text, t):
		return 50
	case strings.Contains(d.text, t):
		return 20
	}
	return 0
}

// hasWordPrefix reports whether some word of s starts with t.
func hasWordPrefix(s, t string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], t)
		if j < 0 {
			return false
		}
		j += i
		if j == 0 || !isWordByte(s[j-1]) {
			return true
		}
		i = j + 1
	}
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b >= 0x80
}
