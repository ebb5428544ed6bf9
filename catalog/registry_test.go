package catalog

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fakeRegistry serves the recorded pages in testdata/registry on 127.0.0.1, and can be told
// to fail in the ways a real registry does.
type fakeRegistry struct {
	t       *testing.T
	srv     *httptest.Server
	release chan struct{} // closed at cleanup so a hanging handler returns

	mu       sync.Mutex
	mode     string   // "", "500", "garbage", "truncated", "wrong-shape", "hang", "404", "loop", "legacy"
	requests []string // escaped path and query of every request
}

func newFakeRegistry(t *testing.T) *fakeRegistry {
	f := &fakeRegistry{t: t, release: make(chan struct{})}
	f.srv = httptest.NewServer(f)
	t.Cleanup(func() {
		close(f.release)
		f.srv.Close()
	})
	return f
}

func (f *fakeRegistry) setMode(m string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mode = m
}

func (f *fakeRegistry) seen() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.requests...)
}

func (f *fakeRegistry) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	mode := f.mode
	req := r.URL.EscapedPath()
	if r.URL.RawQuery != "" {
		req += "?" + r.URL.RawQuery
	}
	f.requests = append(f.requests, req)
	f.mu.Unlock()

	file := ""
	switch mode {
	case "500":
		http.Error(w, "upstream database unavailable", http.StatusInternalServerError)
		return
	case "hang":
		select {
		case <-r.Context().Done():
		case <-f.release:
		}
		return
	case "404":
		file = "-"
	case "garbage":
		file = "garbage.html"
	case "truncated":
		file = "truncated.json"
	case "wrong-shape":
		file = "wrong-shape.json"
	case "legacy":
		w.Write([]byte(`{"servers": [], "metadata": {"next_cursor": "old-style", "count": 0}}`))
		return
	}
	if file == "" {
		switch path := r.URL.EscapedPath(); {
		case path == "/v0.1/servers" && (r.URL.Query().Get("cursor") == "" || mode == "loop"):
			file = "servers-page1.json"
		case path == "/v0.1/servers" && r.URL.Query().Get("cursor") == "io.github.example/gone:1.0.0":
			file = "servers-page2.json"
		case path == "/v0.1/servers/io.github.github%2Fgithub-mcp-server/versions/latest":
			file = "server-github-latest.json"
		}
	}
	if file == "" || file == "-" {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"title":"Not Found","status":404,"detail":"Server not found"}`))
		return
	}
	data, err := os.ReadFile(filepath.Join("testdata", "registry", file))
	if err != nil {
		f.t.Errorf("fake registry: %v", err)
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(data)
}

// testClock is a settable clock for Client.Now.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var t0 = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

func newTestClient(t *testing.T, f *fakeRegistry, cacheDir string) (*Client, *testClock) {
	clock := &testClock{t: t0}
	return &Client{
		BaseURL:    f.srv.URL + "/",
		HTTPClient: &http.Client{Timeout: 200 * time.Millisecond},
		CacheDir:   cacheDir,
		TTL:        time.Hour,
		Now:        clock.Now,
	}, clock
}

func TestListPagesAndSkipsWhatCannotRun(t *testing.T) {
	f := newFakeRegistry(t)
	c, _ := newTestClient(t, f, "")
	ctx := context.Background()

	p1, err := c.List(ctx, ListOptions{Search: "git hub", Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	p2, err := c.List(ctx, ListOptions{Cursor: p1.NextCursor})
	if err != nil {
		t.Fatal(err)
	}
	type summary struct {
		IDs     []string
		Status  []string
		Next    string
		Skipped int
		Stale   bool
	}
	sum := func(p Page) summary {
		s := summary{IDs: ids(p.Entries), Next: p.NextCursor, Skipped: p.Skipped, Stale: p.Stale}
		for _, e := range p.Entries {
			s.Status = append(s.Status, e.Status)
			if e.Origin != OriginRegistry {
				t.Errorf("%s: Origin = %v, want registry", e.ID(), e.Origin)
			}
		}
		return s
	}
	got := []summary{sum(p1), sum(p2)}
	want := []summary{
		{IDs: []string{"io.github.github/github-mcp-server", "io.github.example/weather", "io.github.example/desktop-bundle"}, Status: []string{"active", "active", "active"},
			Next: "io.github.example/gone:1.0.0", Skipped: 1}, // the deleted server
		{IDs: []string{"io.example.notes/remote-notes", "io.github.example/sheets"}, Status: []string{"active", "deprecated"},
			Skipped: 1}, // the version range
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("pages (-want +got):\n%s", diff)
	}
	wantReqs := []string{"/v0.1/servers?limit=50&search=git+hub", "/v0.1/servers?cursor=io.github.example%2Fgone%3A1.0.0"}
	if diff := cmp.Diff(wantReqs, f.seen()); diff != "" {
		t.Fatalf("requests (-want +got):\n%s", diff)
	}
	if !p1.FetchedAt.Equal(t0) {
		t.Fatalf("FetchedAt = %v, want the clock's %v", p1.FetchedAt, t0)
	}
}

func TestSearchAllFollowsCursors(t *testing.T) {
	f := newFakeRegistry(t)
	c, _ := newTestClient(t, f, "")
	ctx := context.Background()

	all, err := c.SearchAll(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Entries) != 5 || all.Skipped != 2 || all.NextCursor != "" || len(f.seen()) != 2 {
		t.Fatalf("SearchAll = %d entries, %d skipped, cursor %q after %d requests; want 5, 2, \"\", 2",
			len(all.Entries), all.Skipped, all.NextCursor, len(f.seen()))
	}

	one, err := c.SearchAll(ctx, "", 1)
	if err != nil || len(one.Entries) != 1 || one.NextCursor == "" {
		t.Fatalf("SearchAll max 1 = %d entries, cursor %q, %v", len(one.Entries), one.NextCursor, err)
	}

	f.setMode("loop") // a registry that hands out the same cursor forever
	before := len(f.seen())
	if _, err := c.SearchAll(ctx, "", 0); err != nil {
		t.Fatal(err)
	}
	if n := len(f.seen()) - before; n != 2 {
		t.Fatalf("SearchAll against a cursor loop made %d requests, want 2", n)
	}

	f.setMode("legacy")
	p, err := c.List(ctx, ListOptions{})
	if err != nil || p.NextCursor != "old-style" {
		t.Fatalf("List with next_cursor = %q, %v", p.NextCursor, err)
	}
}

func TestLatest(t *testing.T) {
	f := newFakeRegistry(t)
	c, _ := newTestClient(t, f, "")
	ctx := context.Background()

	e, fresh, err := c.Latest(ctx, "io.github.github/github-mcp-server")
	if err != nil {
		t.Fatal(err)
	}
	if e.Version() != "0.32.0" || fresh.Stale {
		t.Fatalf("Latest = %s stale=%v", e.Version(), fresh.Stale)
	}
	if got := f.seen(); got[0] != "/v0.1/servers/io.github.github%2Fgithub-mcp-server/versions/latest" {
		t.Fatalf("request path %q does not escape the slash in the name", got[0])
	}
	p, err := Plan(e, map[string]string{"token": "ghp_x"})
	if err != nil {
		t.Fatalf("Plan of the registry's GitHub entry: %v", err)
	}
	want := []string{"run", "-i", "--rm", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN", "ghcr.io/github/github-mcp-server:0.32.0"}
	if diff := cmp.Diff(want, p.Args); diff != "" {
		t.Fatalf("Args (-want +got):\n%s", diff)
	}

	_, _, err = c.Latest(ctx, "io.github.example/missing")
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "io.github.example/missing") {
		t.Fatalf("Latest(missing) error = %v, want ErrNotFound naming the server", err)
	}
}

func TestCacheServesFreshAnswersWithoutAsking(t *testing.T) {
	f := newFakeRegistry(t)
	dir := filepath.Join(t.TempDir(), "registry-cache")
	c, clock := newTestClient(t, f, dir)
	ctx := context.Background()

	first, err := c.List(ctx, ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	clock.Add(59 * time.Minute)
	second, err := c.List(ctx, ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.seen()); n != 1 {
		t.Fatalf("the registry was asked %d times within the TTL, want 1", n)
	}
	if diff := cmp.Diff(ids(first.Entries), ids(second.Entries)); diff != "" || second.Stale || !second.FetchedAt.Equal(t0) {
		t.Fatalf("cached page differs (stale=%v, fetched %v):\n%s", second.Stale, second.FetchedAt, diff)
	}
	clock.Add(2 * time.Minute)
	if _, err := c.List(ctx, ListOptions{}); err != nil || len(f.seen()) != 2 {
		t.Fatalf("after the TTL: %v, %d requests; want a second request", err, len(f.seen()))
	}

	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("cache directory: %v, mode %v; want 0700", err, fi.Mode().Perm())
	}
	files, _ := os.ReadDir(dir)
	if len(files) != 1 {
		t.Fatalf("cache holds %d files, want 1", len(files))
	}
	for _, file := range files {
		fi, _ := file.Info()
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("cache file %s has mode %v, want 0600", file.Name(), fi.Mode().Perm())
		}
	}
}

func TestRegistryFailures(t *testing.T) {
	tests := []struct {
		mode    string
		wantErr error
	}{
		{"500", ErrOffline},
		{"hang", ErrOffline},
		{"garbage", ErrBadResponse},
		{"truncated", ErrBadResponse},
		{"wrong-shape", ErrBadResponse},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			f := newFakeRegistry(t)
			ctx := context.Background()

			// No cache: the failure is an error a person can act on.
			bare, _ := newTestClient(t, f, "")
			f.setMode(tt.mode)
			if _, err := bare.List(ctx, ListOptions{}); !errors.Is(err, tt.wantErr) {
				t.Fatalf("List without cache: error = %v, want %v", err, tt.wantErr)
			}

			// With an expired cache: the old answer, flagged stale.
			c, clock := newTestClient(t, f, t.TempDir())
			f.setMode("")
			if _, err := c.List(ctx, ListOptions{}); err != nil {
				t.Fatal(err)
			}
			clock.Add(2 * time.Hour)
			f.setMode(tt.mode)
			p, err := c.List(ctx, ListOptions{})
			if err != nil {
				t.Fatalf("List with a stale cache: %v", err)
			}
			if !p.Stale || !p.FetchedAt.Equal(t0) || len(p.Entries) != 3 {
				t.Fatalf("stale page: stale=%v fetched=%v entries=%d; want true, %v, 3", p.Stale, p.FetchedAt, len(p.Entries), t0)
			}

			// The registry recovers: a fresh answer replaces the cache.
			f.setMode("")
			p, err = c.List(ctx, ListOptions{})
			if err != nil || p.Stale || !p.FetchedAt.Equal(t0.Add(2*time.Hour)) {
				t.Fatalf("after recovery: stale=%v fetched=%v err=%v", p.Stale, p.FetchedAt, err)
			}
		})
	}
}

func TestCanceledRequestIsNotAnsweredFromStaleCache(t *testing.T) {
	f := newFakeRegistry(t)
	c, clock := newTestClient(t, f, t.TempDir())
	if _, err := c.List(context.Background(), ListOptions{}); err != nil {
		t.Fatal(err)
	}
	clock.Add(2 * time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.List(ctx, ListOptions{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("List with a canceled context: error = %v, want context.Canceled", err)
	}
}

func TestNotFoundDropsTheCachedCopy(t *testing.T) {
	f := newFakeRegistry(t)
	dir := t.TempDir()
	c, clock := newTestClient(t, f, dir)
	ctx := context.Background()
	if _, _, err := c.Latest(ctx, "io.github.github/github-mcp-server"); err != nil {
		t.Fatal(err)
	}
	clock.Add(2 * time.Hour)
	f.setMode("404")
	if _, _, err := c.Latest(ctx, "io.github.github/github-mcp-server"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Latest after removal: error = %v, want ErrNotFound", err)
	}
	if files, _ := os.ReadDir(dir); len(files) != 0 {
		t.Fatalf("the cache still holds %d files for a server the registry no longer has", len(files))
	}
}

func TestOpenSearchesCachedRegistryEntriesOffline(t *testing.T) {
	f := newFakeRegistry(t)
	dir := t.TempDir()
	c, _ := newTestClient(t, f, dir)
	if _, err := c.SearchAll(context.Background(), "", 0); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Latest(context.Background(), "io.github.github/github-mcp-server"); err != nil {
		t.Fatal(err)
	}
	// Junk in the cache directory is ignored, not fatal.
	os.WriteFile(filepath.Join(dir, "junk.json"), []byte("{not json"), 0o600)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("hello"), 0o600)
	os.Mkdir(filepath.Join(dir, "sub.json"), 0o700)
	f.srv.Close() // from here on there is no registry at all

	cached, err := LoadCached(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"io.example.notes/remote-notes", "io.github.example/desktop-bundle", "io.github.example/sheets", "io.github.example/weather", "io.github.github/github-mcp-server"}
	if diff := cmp.Diff(want, ids(cached)); diff != "" {
		t.Fatalf("LoadCached (-want +got):\n%s", diff)
	}
	for _, e := range cached {
		if e.Server.Name == "io.github.github/github-mcp-server" && e.Version() != "0.32.0" {
			t.Fatalf("LoadCached kept GitHub %s, want the newest cached version 0.32.0", e.Version())
		}
	}

	cat, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"io.github.example/weather"}, ids(cat.Search("weather"))); diff != "" {
		t.Fatalf("Search(weather) (-want +got):\n%s", diff)
	}
	if e, _ := cat.Lookup("io.github.github/github-mcp-server"); e.Origin != OriginEmbedded {
		t.Fatal("a cached registry entry replaced the built-in GitHub entry")
	}
	if _, err := LoadCached(filepath.Join(dir, "does-not-exist")); err != nil {
		t.Fatalf("LoadCached on a missing directory: %v", err)
	}
}

func TestCheckUpdate(t *testing.T) {
	f := newFakeRegistry(t)
	c, clock := newTestClient(t, f, t.TempDir())
	ctx := context.Background()
	const name = "io.github.github/github-mcp-server"
	tests := []struct {
		inst   Installed
		latest string
		avail  bool
	}{
		{Installed{Name: name, Identifier: "ghcr.io/github/github-mcp-server:v0.31.0", Version: "v0.31.0"}, "0.32.0", true},
		{Installed{Name: name, Identifier: "ghcr.io/github/github-mcp-server:0.32.0", Version: "0.32.0"}, "0.32.0", false},
		{Installed{Name: name, Version: "0.40.0"}, "0.32.0", false},
		{Installed{Name: name, Identifier: "some/other-image", Version: "0.9.0"}, "0.32.0", true},
	}
	for _, tt := range tests {
		u, err := c.CheckUpdate(ctx, tt.inst)
		if err != nil {
			t.Fatalf("CheckUpdate(%+v): %v", tt.inst, err)
		}
		if u.Latest != tt.latest || u.Available != tt.avail || u.Installed != tt.inst.Version {
			t.Errorf("CheckUpdate(%+v) = latest %q available %v, want %q %v", tt.inst, u.Latest, u.Available, tt.latest, tt.avail)
		}
	}
	if _, err := c.CheckUpdate(ctx, Installed{Name: name, Version: "edge"}); err == nil {
		t.Error("CheckUpdate with an unorderable installed version succeeded")
	}

	clock.Add(2 * time.Hour)
	f.setMode("500")
	u, err := c.CheckUpdate(ctx, Installed{Name: name, Version: "0.31.0"})
	if err != nil || !u.Stale || !u.Available {
		t.Fatalf("offline CheckUpdate = stale %v available %v, %v; want a stale answer", u.Stale, u.Available, err)
	}
	if _, err := c.CheckUpdate(ctx, Installed{Name: "io.github.example/missing", Version: "1.0.0"}); !errors.Is(err, ErrOffline) {
		t.Fatalf("offline CheckUpdate without cache: %v, want ErrOffline", err)
	}
}
