package catalog

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/mcptray/mcptray/assets"
)

// Catalog is a read-only, searchable set of entries: the built-in ones and, when opened with
// a cache directory, the registry entries found in that cache. It is safe for concurrent use.
type Catalog struct {
	entries []Entry
	docs    []searchDoc
	byKey   map[string]int // lowercased ID and registry name → index
}

// NewCatalog builds a catalog from lists of entries. When two entries share an id or a
// registry name, the first one wins, so pass built-in entries before registry ones.
func NewCatalog(lists ...[]Entry) *Catalog {
	c := &Catalog{byKey: map[string]int{}}
	for _, list := range lists {
		for _, e := range list {
			id, name := strings.ToLower(e.ID()), strings.ToLower(e.Server.Name)
			if _, dup := c.byKey[id]; dup {
				continue
			}
			if _, dup := c.byKey[name]; dup {
				continue
			}
			c.byKey[id], c.byKey[name] = len(c.entries), len(c.entries)
			c.entries = append(c.entries, e)
			c.docs = append(c.docs, newSearchDoc(e))
		}
	}
	return c
}

// Entries returns all entries in catalog order (built-in first, by id).
func (c *Catalog) Entries() []Entry { return slices.Clone(c.entries) }

// Len is the number of entries.
func (c *Catalog) Len() int { return len(c.entries) }

// Lookup finds an entry by catalog id or registry name, ignoring case.
func (c *Catalog) Lookup(id string) (Entry, bool) {
	i, ok := c.byKey[strings.ToLower(strings.TrimSpace(id))]
	if !ok {
		return Entry{}, false
	}
	return c.entries[i], true
}

var embedded = sync.OnceValues(func() (*Catalog, error) {
	entries, err := LoadEmbedded()
	if err != nil {
		return nil, err
	}
	return NewCatalog(entries), nil
})

// Embedded returns the built-in catalog, parsed once per process. The error can only come
// from a broken build (the embedded files are checked by tests).
func Embedded() (*Catalog, error) { return embedded() }

// Open returns the built-in catalog plus the registry entries cached in cacheDir (see
// Client.CacheDir), for searching offline. It never touches the network. An empty or missing
// cache directory just yields the built-in catalog.
func Open(cacheDir string) (*Catalog, error) {
	builtIn, err := LoadEmbedded()
	if err != nil {
		return nil, err
	}
	cached, err := LoadCached(cacheDir)
	if err != nil {
		return nil, err
	}
	return NewCatalog(builtIn, cached), nil
}

// LoadEmbedded parses the built-in catalog shipped in the assets package, sorted by id. Each
// call parses afresh; use Embedded for the shared copy.
func LoadEmbedded() ([]Entry, error) {
	return loadBuiltIn(assets.Catalog, "catalog")
}

func loadBuiltIn(fsys fs.FS, dir string) ([]Entry, error) {
	files, err := fs.Glob(fsys, path.Join(dir, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("listing the built-in catalog: %w", err)
	}
	entries := make([]Entry, 0, len(files))
	seen := map[string]string{}
	for _, file := range files {
		data, err := fs.ReadFile(fsys, file)
		if err != nil {
			return nil, fmt.Errorf("reading built-in catalog entry %s: %w", file, err)
		}
		e, err := Parse(data)
		if err != nil {
			return nil, fmt.Errorf("built-in catalog entry %s: %w", file, err)
		}
		e.Origin = OriginEmbedded
		if err := checkBuiltIn(e, path.Base(file)); err != nil {
			return nil, fmt.Errorf("built-in catalog entry %s: %w", file, err)
		}
		// File names already make ids unique; two files may still claim one registry name.
		for _, key := range []string{"id " + e.ID(), "name " + e.Server.Name} {
			if other, dup := seen[key]; dup {
				return nil, fmt.Errorf("built-in catalog entries %s and %s: %w: both use %s", other, file, ErrInvalidEntry, key)
			}
			seen[key] = file
		}
		entries = append(entries, e)
	}
	slices.SortFunc(entries, func(a, b Entry) int { return strings.Compare(a.ID(), b.ID()) })
	return entries, nil
}

// checkBuiltIn holds built-in entries to a higher bar than registry ones: they must carry
// complete MCP Tray metadata, run from a package, and live in a file named after their id.
func checkBuiltIn(e Entry, file string) error {
	m := e.Meta
	switch {
	case m.ID == "":
		return fmt.Errorf("%w: _meta[%q] is missing", ErrInvalidEntry, MetaKey)
	case file != m.ID+".json":
		return fmt.Errorf("%w: the file must be named %s.json after its id", ErrInvalidEntry, m.ID)
	case m.Category == "" || m.Summary == "" || m.Needs == "" || m.Source == "":
		return fmt.Errorf("%w: _meta[%q] needs category, summary, needs and source", ErrInvalidEntry, MetaKey)
	case len(e.Server.Packages) == 0:
		return fmt.Errorf("%w: a built-in entry must have a package", ErrInvalidEntry)
	}
	return nil
}
