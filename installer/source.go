package installer

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/config"
)

// Registry states, as in ListResult.Registry.
const (
	RegistryLive   = "live"   // the registry answered (or a fresh cached answer was used)
	RegistryCached = "cached" // the registry was unreachable; earlier answers were used
	RegistryOff    = "off"    // the person turned the live registry off
)

// RegistryOffValue is the Settings.RegistryURL value that turns the live registry off.
const RegistryOffValue = "off"

// defaultRegistryTimeout bounds one registry request made while a person waits for a list.
const defaultRegistryTimeout = 5 * time.Second

// registryPage is how many registry servers one list or search asks for.
const registryPage = 100

// Source finds catalog entries: the built-in catalog, registry answers cached in the home
// (catalog-cache/), and the live registry that Settings.RegistryURL names ("" the official
// one, "off" none). The live registry is optional: when it cannot be reached, cached answers
// are used and nothing fails. The zero value is not usable: set Home. Methods are safe for
// concurrent use.
type Source struct {
	Home config.Home
	// HTTPClient talks to the registry; nil means one with a 5-second timeout.
	HTTPClient *http.Client
	// TTL is how long a cached registry answer is used without asking again; 0 means
	// catalog.DefaultCacheTTL.
	TTL time.Duration
	// Now is the clock for the cache; nil means time.Now.
	Now func() time.Time
}

// CacheDir is where registry answers are cached.
func (s Source) CacheDir() string { return filepath.Join(string(s.Home), "catalog-cache") }

// Registry returns the registry client configured in config.json's settings, or nil when the
// person turned the live registry off. A config.json that does not load means the defaults.
func (s Source) Registry() *catalog.Client {
	url := ""
	if cfg, err := s.Home.Load(); err == nil {
		url = strings.TrimSpace(cfg.Settings.RegistryURL)
	}
	if strings.EqualFold(url, RegistryOffValue) {
		return nil
	}
	hc := s.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: defaultRegistryTimeout}
	}
	return &catalog.Client{BaseURL: url, HTTPClient: hc, CacheDir: s.CacheDir(), TTL: s.TTL, Now: s.Now}
}

// Offline returns the built-in catalog plus cached registry entries, without the network.
func (s Source) Offline() (*catalog.Catalog, error) {
	c, err := catalog.Open(s.CacheDir())
	if err != nil {
		return nil, fmt.Errorf("reading the catalog: %w", err)
	}
	return c, nil
}

// Search returns the entries matching query (every entry when query is empty), best first:
// the built-in and cached ones, plus what the live registry returns for query, which is
// asked first so that its answers are cached. Every entry, the live registry's too, is
// matched and ranked by catalog.Search alone: the registry's own search also matches the
// namespace of a name ("github" in every "io.github.…"), and those hits are left out. It
// blocks for at most one registry request (bounded by the HTTP client's timeout and ctx).
// registry is one of RegistryLive, RegistryCached and RegistryOff. The CLI's catalog
// commands and the daemon's catalog.list both answer with it. Entries meant for developers
// (a test server, catalog.Entry.ForDevelopers) are left out unless query names one exactly;
// SearchAll keeps them.
func (s Source) Search(ctx context.Context, query string) (entries []catalog.Entry, registry string, err error) {
	entries, registry, err = s.SearchAll(ctx, query)
	return catalog.ForEveryone(entries, query), registry, err
}

// SearchAll is Search with the entries meant for developers kept (`mcptray catalog --all`).
func (s Source) SearchAll(ctx context.Context, query string) (entries []catalog.Entry, registry string, err error) {
	query = strings.TrimSpace(query)
	registry = RegistryOff
	var live []catalog.Entry
	if rc := s.Registry(); rc != nil {
		page, err := rc.List(ctx, catalog.ListOptions{Search: query, Limit: registryPage})
		switch {
		case err != nil || page.Stale:
			registry = RegistryCached
		default:
			registry = RegistryLive
		}
		live = page.Entries
	}
	c, err := s.Offline()
	if err != nil {
		return nil, registry, err
	}
	// The live answer is cached, so c holds it already; the union keeps it when the cache
	// could not be written.
	entries = catalog.NewCatalog(c.Entries(), live).Search(query)
	if registry == RegistryOff {
		// Cached registry answers from before the person turned the registry off stay out.
		entries = builtInOnly(entries)
	}
	return entries, registry, nil
}

func builtInOnly(entries []catalog.Entry) []catalog.Entry {
	out := entries[:0:0]
	for _, e := range entries {
		if e.Origin == catalog.OriginEmbedded {
			out = append(out, e)
		}
	}
	return out
}

// ErrUnknownEntry is wrapped by Lookup's error for an id that no catalog knows.
var ErrUnknownEntry = errors.New("no such catalog entry")

// Lookup finds an entry by catalog id or registry name: built-in and cached entries first,
// then, for a registry name, the live registry's latest version. The error wraps
// ErrUnknownEntry and says how to find the right id.
func (s Source) Lookup(ctx context.Context, id string) (catalog.Entry, error) {
	c, err := s.Offline()
	if err != nil {
		return catalog.Entry{}, err
	}
	if e, ok := c.Lookup(id); ok {
		return e, nil
	}
	if rc := s.Registry(); rc != nil && strings.Contains(id, "/") {
		if e, _, err := rc.Latest(ctx, id); err == nil {
			return e, nil
		}
	}
	msg := fmt.Sprintf("there is no server %q in the catalog; find one with: mcptray catalog search WORD", id)
	if hits := c.Search(id); len(hits) > 0 {
		var ids []string
		for _, h := range hits[:min(3, len(hits))] {
			ids = append(ids, h.ID())
		}
		msg += " (close matches: " + strings.Join(ids, ", ") + ")"
	}
	return catalog.Entry{}, unknownEntry{msg}
}

// unknownEntry is Lookup's error: its text is the sentence to show.
type unknownEntry struct{ msg string }

func (e unknownEntry) Error() string        { return e.msg }
func (e unknownEntry) Is(target error) bool { return target == ErrUnknownEntry }
