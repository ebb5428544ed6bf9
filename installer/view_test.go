package installer

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/config"
)

var cmpIgnoreEntry = cmpopts.IgnoreFields(Outdated{}, "entry")

func pinnedVersion(t *testing.T, id string) string {
	t.Helper()
	c, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	e, ok := c.Lookup(id)
	if !ok {
		t.Fatalf("no built-in %s", id)
	}
	return e.PackageVersion()
}

func TestViewsDescribeEntriesForPeople(t *testing.T) {
	c, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	cfg := &config.Config{Servers: map[string]*config.Server{
		"files":  {Command: "npx", Source: &config.Source{Catalog: "filesystem"}},
		"files2": {Command: "npx", Source: &config.Source{Catalog: "filesystem"}},
	}}
	missingPython := func(cmd string) error {
		if cmd == "uvx" {
			return errors.New("not found")
		}
		return nil
	}
	views := Views(c.Entries(), cfg, missingPython)
	if len(views) != c.Len() {
		t.Errorf("%d views of %d built-in entries", len(views), c.Len())
	}
	byID := map[string]EntryView{}
	for _, v := range views {
		byID[v.ID] = v
	}
	fs := byID["filesystem"]
	want := EntryView{
		ID: "filesystem", Name: "io.github.modelcontextprotocol/server-filesystem", Title: "Filesystem",
		Description: "Lets your AI read and change files, but only inside the folders you pick.",
		About:       "Read, search and edit files inside the folders you choose.",
		Category:    "Files & documents", Runtime: "node", Version: pinnedVersion(t, "filesystem"),
		SourceURL:   "https://github.com/modelcontextprotocol/servers/tree/main/src/filesystem",
		InstalledAs: []string{"files", "files2"}, Shareable: true, Origin: "built-in",
		Questions: []QuestionView{{Key: "allowed_directory", Title: "Allowed directory",
			Description: "A folder the AI may use. You can give more than one.", Required: true,
			Choices: []string{}, Format: "filepath", Repeated: true, Kind: catalog.KindPath}},
		Needs: "Needs Node.js",
	}
	fsIcon, _ := catalog.BuiltinIcon("filesystem")
	if fs.Icon.MimeType != "image/svg+xml" || !bytes.Equal(fs.Icon.Data, fsIcon) || fs.Icon.URL != "" {
		t.Errorf("filesystem's icon: %s, %d bytes, URL %q; want its own built-in SVG", fs.Icon.MimeType, len(fs.Icon.Data), fs.Icon.URL)
	}
	fs.Icon = IconView{}
	if diff := cmp.Diff(want, fs); diff != "" {
		t.Errorf("filesystem (-want +got):\n%s", diff)
	}
	if v := byID["time"]; v.RuntimeMissing != "This server needs Python tools (uv); install them from https://docs.astral.sh/uv/ and try again." || !v.ReadOnly {
		t.Errorf("time: runtime_missing %q, read_only %v", v.RuntimeMissing, v.ReadOnly)
	}
	for id, shareable := range map[string]bool{"time": true, "fetch": true, "everything": true, "git": true, "github": true,
		"memory": false, "playwright": false, "sequential-thinking": false} {
		if byID[id].Shareable != shareable {
			t.Errorf("%s: shareable %v, want %v", id, byID[id].Shareable, shareable)
		}
	}
	if v := byID["kubernetes"]; !v.Kubernetes {
		t.Errorf("kubernetes entry is not marked kubernetes: %+v", v)
	}
	if v := byID["github"]; len(v.Questions) == 0 || !v.Questions[0].Secret || v.InstalledAs == nil {
		t.Errorf("github view: %+v", v)
	}
	if v := byID["time"]; v.Needs != "Needs Python tools (uv)" {
		t.Errorf("time needs %q", v.Needs)
	}
	// A switch is a checkbox that says what ticking it does, not "Set to true to …".
	for _, q := range byID["github"].Questions {
		if q.Key == "GITHUB_READ_ONLY" && (q.Kind != catalog.KindCheckbox || q.Description != "Only allow looking, never changing anything.") {
			t.Errorf("github's read-only question: kind %q, %q", q.Kind, q.Description)
		}
	}
}

// recordedWeatherPage is a recorded-shape answer of GET /v0.1/servers with one server.
const recordedWeatherPage = `{"servers": [{"server": {
  "name": "io.github.example/weather", "description": "Weather forecasts.", "version": "1.0.0",
  "packages": [{"registryType": "npm", "identifier": "weather-mcp", "version": "1.0.0", "transport": {"type": "stdio"}}]},
  "_meta": {"io.modelcontextprotocol.registry/official": {"status": "active", "isLatest": true}}}],
  "metadata": {"count": 1}}`

func TestSourceSearchUsesTheRegistryAndFallsBackToItsCache(t *testing.T) {
	var hits int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		if r.URL.Path != "/v0.1/servers" || r.URL.Query().Get("search") != "weather" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(recordedWeatherPage))
	}))
	defer srv.Close()
	home := config.Home(filepath.Join(t.TempDir(), "mcptray"))
	home.Ensure()
	write := func(url string) {
		os.WriteFile(home.ConfigFile(), []byte(`{"servers": {}, "settings": {"registryURL": "`+url+`"}}`), 0o600)
	}
	write(srv.URL)
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	src := Source{Home: home, TTL: time.Minute, Now: func() time.Time { return now }}
	ids := func(entries []catalog.Entry) []string {
		var out []string
		for _, e := range entries {
			out = append(out, e.ID())
		}
		return out
	}
	entries, reg, err := src.Search(context.Background(), "weather")
	if err != nil || reg != RegistryLive || !slices.Equal(ids(entries), []string{"io.github.example/weather"}) {
		t.Fatalf("live search: %v %q %v", ids(entries), reg, err)
	}
	if _, _, _ = src.Search(context.Background(), "weather"); hits != 1 {
		t.Errorf("a second search within the TTL asked the registry again (%d requests)", hits)
	}
	srv.Close()
	now = now.Add(2 * time.Minute)
	entries, reg, err = src.Search(context.Background(), "weather")
	if err != nil || reg != RegistryCached || !slices.Equal(ids(entries), []string{"io.github.example/weather"}) {
		t.Errorf("offline search: %v %q %v; want the cached entry", ids(entries), reg, err)
	}
	if e, err := src.Lookup(context.Background(), "io.github.example/weather"); err != nil || e.Version() != "1.0.0" {
		t.Errorf("lookup of the cached entry offline: %v", err)
	}
	write("off")
	entries, reg, _ = src.Search(context.Background(), "weather")
	if len(entries) != 0 || reg != RegistryOff {
		t.Errorf("with the registry off: %v %q; want nothing from the registry", ids(entries), reg)
	}
	if _, err := src.Lookup(context.Background(), "nothing-like-it"); !errors.Is(err, ErrUnknownEntry) {
		t.Errorf("lookup of an unknown id: %v", err)
	}
}

// The window filters catalog.list's answer as the person types: Filter matches as the search
// behind it does, so "GitHub" finds what is about GitHub, not every "io.github.…" entry.
func TestFilterMatchesAsCatalogSearch(t *testing.T) {
	c, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	views := Views(c.Entries(), nil, func(string) error { return nil })
	views = append(views,
		EntryView{ID: "io.github.example/weather", Name: "io.github.example/weather", Title: "weather", Description: "Forecasts for any city."},
		EntryView{ID: "io.github.someone/issues-mcp", Name: "io.github.someone/issues-mcp", Title: "issues-mcp", Description: "Reads GitHub issues."})
	var got []string
	for _, v := range Filter(views, "GitHub") {
		got = append(got, v.ID)
	}
	if len(got) == 0 || got[0] != "github" || !slices.Contains(got, "io.github.someone/issues-mcp") || slices.Contains(got, "io.github.example/weather") {
		t.Errorf("Filter(GitHub) = %v; want the built-in github first, the entry about GitHub issues, and not weather", got)
	}
	// Over the built-in catalog, the window's filter and catalog.Search give the same list
	// for the words people type; "GitHub" lists GitHub alone.
	builtIn := views[:len(views)-2]
	for _, q := range []string{"GitHub", "git", "files", "database", "web search", "Kubernetes", "time", "notes", "python", "zzz"} {
		want := []string{}
		for _, e := range c.Search(q) {
			want = append(want, e.ID())
		}
		got := []string{}
		for _, v := range Filter(builtIn, q) {
			got = append(got, v.ID)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Filter(%q) and catalog.Search disagree (-search +filter):\n%s", q, diff)
		}
		if q == "GitHub" && !slices.Equal(got, []string{"github"}) {
			t.Errorf("GitHub lists %v; want GitHub alone", got)
		}
	}
	var want []string
	for _, e := range c.Search("web search") {
		want = append(want, e.ID())
	}
	got = got[:0]
	for _, v := range Filter(views[:len(views)-2], "web search") {
		got = append(got, v.ID)
	}
	if !slices.Equal(got, want) {
		t.Errorf("Filter(web search) = %v; catalog.Search = %v", got, want)
	}
	if all := Filter(views, ""); len(all) != len(views) {
		t.Errorf("Filter with no words kept %d of %d", len(all), len(views))
	}
}
