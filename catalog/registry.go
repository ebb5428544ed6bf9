package catalog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultRegistryURL is the official MCP Registry. A team can run its own registry that speaks
// the same API and point Client.BaseURL at it.
const DefaultRegistryURL = "https://registry.modelcontextprotocol.io"

// DefaultCacheTTL is how long a cached registry answer is served without asking again.
const DefaultCacheTTL = time.Hour

// maxResponse bounds one registry answer; a page of 100 servers is well under 1 MiB.
const maxResponse = 8 << 20

// maxPages bounds SearchAll against a registry that keeps handing out cursors.
const maxPages = 50

// Client reads the MCP Registry API (v0.1). Answers are cached on disk; when the registry
// cannot be reached, a cached answer is served with Stale set instead of failing. Configure
// the fields before first use and do not change them afterwards; the methods are then safe
// for concurrent use. The zero value talks to DefaultRegistryURL without a cache.
type Client struct {
	BaseURL    string           // "" means DefaultRegistryURL
	HTTPClient *http.Client     // nil means a client with a 15-second timeout
	CacheDir   string           // "" disables the cache; created 0700, files written 0600
	TTL        time.Duration    // 0 means DefaultCacheTTL
	Now        func() time.Time // nil means time.Now; tests inject a clock
}

// Freshness says where an answer came from.
type Freshness struct {
	FetchedAt time.Time // when the registry produced the answer
	Stale     bool      // true if served from the cache because the registry was unreachable
}

// ListOptions selects a page of servers. Zero values leave the registry's defaults.
type ListOptions struct {
	Search string // case-insensitive substring of the server name
	Cursor string // from Page.NextCursor
	Limit  int    // servers per page (the official registry allows up to 100)
}

// Page is one page of registry results.
type Page struct {
	Entries    []Entry
	NextCursor string // "" on the last page
	// Skipped counts servers on the page that MCP Tray cannot use: deleted, unsupported
	// package types (nuget, cargo), local HTTP transports, version ranges, invalid documents.
	Skipped int
	Freshness
}

// List fetches one page of servers. It blocks until the registry answers, the HTTP client
// times out or ctx ends; on failure it serves a cached copy of the same page with Stale set,
// or returns an error wrapping ErrOffline or ErrBadResponse.
func (c *Client) List(ctx context.Context, opts ListOptions) (Page, error) {
	q := url.Values{}
	if opts.Search != "" {
		q.Set("search", opts.Search)
	}
	if opts.Cursor != "" {
		q.Set("cursor", opts.Cursor)
	}
	if opts.Limit > 0 {
		q.Set("limit", strconv.Itoa(opts.Limit))
	}
	u := c.base() + "/v0.1/servers"
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	body, fresh, err := c.get(ctx, u, checkList)
	if err != nil {
		return Page{}, fmt.Errorf("listing MCP Registry servers: %w", err)
	}
	var resp listResponse
	if err := json.Unmarshal(body, &resp); err != nil {
		return Page{}, fmt.Errorf("listing MCP Registry servers: %w: %v", ErrBadResponse, err)
	}
	page := Page{NextCursor: firstNonEmpty(resp.Metadata.NextCursor, resp.Metadata.LegacyNextCursor), Freshness: fresh}
	for _, item := range *resp.Servers {
		e, err := item.entry()
		if err != nil {
			page.Skipped++
			continue
		}
		page.Entries = append(page.Entries, e)
	}
	return page, nil
}

// SearchAll follows cursors until it has max entries (0 means no limit) or the registry has
// no more pages. Stale is set if any page came from the cache. On an error after the first
// page it returns the entries gathered so far together with the error.
func (c *Client) SearchAll(ctx context.Context, query string, max int) (Page, error) {
	var all Page
	seen := map[string]bool{}
	opts := ListOptions{Search: query, Limit: 100}
	for range maxPages {
		page, err := c.List(ctx, opts)
		if err != nil {
			return all, err
		}
		all.Entries = append(all.Entries, page.Entries...)
		all.Skipped += page.Skipped
		all.Stale = all.Stale || page.Stale
		if all.FetchedAt.IsZero() || page.FetchedAt.Before(all.FetchedAt) {
			all.FetchedAt = page.FetchedAt
		}
		if max > 0 && len(all.Entries) >= max {
			all.Entries = all.Entries[:max]
			all.NextCursor = page.NextCursor
			break
		}
		if page.NextCursor == "" || seen[page.NextCursor] {
			break
		}
		seen[page.NextCursor] = true
		opts.Cursor = page.NextCursor
	}
	return all, nil
}

// Latest fetches the newest version of the server with the given registry name, e.g.
// "io.github.github/github-mcp-server". It returns an error wrapping ErrNotFound when the
// registry has no such server, and one wrapping ErrInvalidEntry when the registry's document
// is one MCP Tray cannot use. Blocking and caching behave as in List.
func (c *Client) Latest(ctx context.Context, name string) (Entry, Freshness, error) {
	u := c.base() + "/v0.1/servers/" + url.PathEscape(name) + "/versions/latest"
	body, fresh, err := c.get(ctx, u, checkServer)
	if err != nil {
		return Entry{}, Freshness{}, fmt.Errorf("looking up %s in the MCP Registry: %w", name, err)
	}
	var item serverResponse
	if err := json.Unmarshal(body, &item); err != nil {
		return Entry{}, Freshness{}, fmt.Errorf("looking up %s in the MCP Registry: %w: %v", name, ErrBadResponse, err)
	}
	e, err := item.entry()
	if err != nil {
		return Entry{}, fresh, fmt.Errorf("looking up %s in the MCP Registry: %w", name, err)
	}
	return e, fresh, nil
}

func (c *Client) base() string {
	if c.BaseURL == "" {
		return DefaultRegistryURL
	}
	return strings.TrimRight(c.BaseURL, "/")
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

var defaultHTTPClient = &http.Client{Timeout: 15 * time.Second}

// get returns the body for u: from a fresh cache entry, else from the registry (caching a
// good answer), else from a stale cache entry. check rejects bodies of the wrong shape.
func (c *Client) get(ctx context.Context, u string, check func([]byte) error) ([]byte, Freshness, error) {
	cached, haveCache := c.readCache(u)
	now := c.now()
	if haveCache && !now.Before(cached.FetchedAt) && now.Sub(cached.FetchedAt) < c.ttl() {
		return cached.Body, Freshness{FetchedAt: cached.FetchedAt}, nil
	}
	body, err := c.fetch(ctx, u)
	if err == nil {
		if err = check(body); err == nil {
			c.writeCache(u, body, now)
			return body, Freshness{FetchedAt: now}, nil
		}
		err = fmt.Errorf("%w: %v", ErrBadResponse, err)
	}
	switch {
	case errors.Is(err, ErrNotFound):
		c.dropCache(u)
		return nil, Freshness{}, err
	case ctx.Err() != nil:
		return nil, Freshness{}, ctx.Err()
	case haveCache:
		return cached.Body, Freshness{FetchedAt: cached.FetchedAt, Stale: true}, nil
	}
	return nil, Freshness{}, err
}

func (c *Client) fetch(ctx context.Context, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: bad registry address: %v", ErrOffline, err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "mcptray")
	hc := c.HTTPClient
	if hc == nil {
		hc = defaultHTTPClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrOffline, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return nil, ErrNotFound
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("%w: the registry answered %s", ErrOffline, resp.Status)
	case err != nil:
		return nil, fmt.Errorf("%w: reading the answer: %v", ErrOffline, err)
	case len(body) > maxResponse:
		return nil, fmt.Errorf("%w: the answer is larger than %d bytes", ErrBadResponse, maxResponse)
	}
	return body, nil
}

// listResponse is the body of GET /v0.1/servers.
type listResponse struct {
	Servers  *[]serverResponse `json:"servers"`
	Metadata struct {
		NextCursor       string `json:"nextCursor"`
		LegacyNextCursor string `json:"next_cursor"` // spelled this way by older registries
		Count            int    `json:"count"`
	} `json:"metadata"`
}

// serverResponse wraps one server.json with the registry's own metadata.
type serverResponse struct {
	Server json.RawMessage `json:"server"`
	Meta   struct {
		Official *struct {
			Status   string `json:"status"`
			IsLatest bool   `json:"isLatest"`
		} `json:"io.modelcontextprotocol.registry/official"`
	} `json:"_meta"`
}

func (s serverResponse) entry() (Entry, error) {
	status := ""
	if s.Meta.Official != nil {
		status = s.Meta.Official.Status
	}
	if status == "deleted" {
		return Entry{}, fmt.Errorf("%w: the server was deleted from the registry", ErrInvalidEntry)
	}
	e, err := parseUncurated(s.Server)
	if err != nil {
		return Entry{}, err
	}
	e.Origin, e.Status = OriginRegistry, status
	return e, nil
}

func checkList(body []byte) error {
	var resp listResponse
	if err := json.Unmarshal(body, &resp); err != nil {
		return err
	}
	if resp.Servers == nil {
		return errors.New(`the answer has no "servers" list`)
	}
	return nil
}

func checkServer(body []byte) error {
	var item serverResponse
	if err := json.Unmarshal(body, &item); err != nil {
		return err
	}
	if len(item.Server) == 0 || string(item.Server) == "null" {
		return errors.New(`the answer has no "server" object`)
	}
	return nil
}
