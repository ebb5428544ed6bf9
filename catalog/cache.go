package catalog

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/mcptray/mcptray/internal/atomicfile"
)

// cacheRecord is one cached registry answer. The cache is disposable: a file that cannot be
// read is treated as absent.
type cacheRecord struct {
	URL       string          `json:"url"`
	FetchedAt time.Time       `json:"fetchedAt"`
	Body      json.RawMessage `json:"body"`
}

func (c *Client) ttl() time.Duration {
	if c.TTL > 0 {
		return c.TTL
	}
	return DefaultCacheTTL
}

func (c *Client) cachePath(u string) string {
	sum := sha256.Sum256([]byte(u))
	return filepath.Join(c.CacheDir, hex.EncodeToString(sum[:16])+".json")
}

func (c *Client) readCache(u string) (cacheRecord, bool) {
	if c.CacheDir == "" {
		return cacheRecord{}, false
	}
	data, err := os.ReadFile(c.cachePath(u))
	if err != nil {
		return cacheRecord{}, false
	}
	var rec cacheRecord
	if json.Unmarshal(data, &rec) != nil || rec.URL != u || len(rec.Body) == 0 {
		return cacheRecord{}, false
	}
	return rec, true
}

// writeCache stores a good answer. Failing to cache is not worth failing the request for, so
// errors are dropped: the next request simply asks the registry again.
func (c *Client) writeCache(u string, body []byte, at time.Time) {
	if c.CacheDir == "" {
		return
	}
	data, err := json.Marshal(cacheRecord{URL: u, FetchedAt: at.UTC(), Body: body})
	if err != nil {
		return
	}
	if os.MkdirAll(c.CacheDir, 0o700) != nil {
		return
	}
	_ = atomicfile.WriteFile(c.cachePath(u), data, 0o600)
}

func (c *Client) dropCache(u string) {
	if c.CacheDir != "" {
		_ = os.Remove(c.cachePath(u))
	}
}

// LoadCached returns the registry entries found in a Client's cache directory, without
// touching the network: one entry per registry name, the highest version when several are
// cached, sorted by name. A missing directory or unreadable files yield no entries, not an
// error; only a directory that exists but cannot be listed is an error.
func LoadCached(dir string) ([]Entry, error) {
	if dir == "" {
		return nil, nil
	}
	files, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the MCP Registry cache: %w", err)
	}
	best := map[string]Entry{}
	for _, f := range files {
		if f.IsDir() || !strings.HasSuffix(f.Name(), ".json") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, f.Name()))
		if err != nil {
			continue
		}
		var rec cacheRecord
		if json.Unmarshal(data, &rec) != nil {
			continue
		}
		for _, e := range entriesInBody(rec.Body) {
			old, ok := best[e.Server.Name]
			if !ok {
				best[e.Server.Name] = e
				continue
			}
			if cmp, err := CompareVersions(old.Server.Version, e.Server.Version); err == nil && cmp < 0 {
				best[e.Server.Name] = e
			}
		}
	}
	out := make([]Entry, 0, len(best))
	for _, e := range best {
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b Entry) int { return strings.Compare(a.Server.Name, b.Server.Name) })
	return out, nil
}

// entriesInBody reads a cached list page or single-server answer.
func entriesInBody(body []byte) []Entry {
	if checkList(body) == nil {
		var resp listResponse
		if json.Unmarshal(body, &resp) != nil {
			return nil
		}
		var out []Entry
		for _, item := range *resp.Servers {
			if e, err := item.entry(); err == nil {
				out = append(out, e)
			}
		}
		return out
	}
	var item serverResponse
	if checkServer(body) != nil || json.Unmarshal(body, &item) != nil {
		return nil
	}
	if e, err := item.entry(); err == nil {
		return []Entry{e}
	}
	return nil
}
