package catalog

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func ids(entries []Entry) []string {
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = e.ID()
	}
	return out
}

func TestSearchEmbedded(t *testing.T) {
	c, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		query string
		want  []string // the first results, in order
		exact bool     // want is the whole result
	}{
		{query: "github", want: []string{"github"}},
		{query: "  GitHub ", want: []string{"github"}},
		{query: "io.github.github/github-mcp-server", want: []string{"github"}},
		{query: "github-mcp-server", want: []string{"github"}},
		{query: "kube", want: []string{"kubernetes", "kubernetes-kubectl"}, exact: true},
		{query: "kubernetes", want: []string{"kubernetes", "kubernetes-kubectl"}, exact: true},
		{query: "database", want: []string{"postgres", "sqlite", "notion"}, exact: true},
		{query: "web search", want: []string{"brave-search"}},
		{query: "files", want: []string{"filesystem", "google-drive"}},
		{query: "time zones", want: []string{"time"}, exact: true},
		{query: "git", want: []string{"git", "github", "gitlab"}},
		{query: "slack messages", want: []string{"slack"}, exact: true},
		{query: "no-such-server-anywhere", want: []string{}, exact: true},
		{query: "github zzz", want: []string{}, exact: true},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			got := ids(c.Search(tt.query))
			if !tt.exact && len(got) > len(tt.want) {
				got = got[:len(tt.want)]
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("Search(%q) (-want +got):\n%s", tt.query, diff)
			}
		})
	}
	if all := c.Search(""); len(all) != c.Len() || all[0].ID() != "brave-search" {
		t.Fatalf("Search(\"\") = %d entries starting %q, want all %d in id order", len(all), all[0].ID(), c.Len())
	}
}

func TestCatalogMergesRegistryEntries(t *testing.T) {
	builtIn, err := LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	reg := func(doc string) Entry {
		e := mustParse(t, doc)
		e.Origin = OriginRegistry
		return e
	}
	dupGitHub := reg(`{"name":"io.github.github/github-mcp-server","description":"Registry copy.","version":"9.9.9",
		"packages":[{"registryType":"oci","identifier":"ghcr.io/github/github-mcp-server:9.9.9","transport":{"type":"stdio"}}]}`)
	weather := reg(`{"name":"io.github.example/weather","description":"Forecasts for any city.","version":"1.0.0",
		"packages":[{"registryType":"npm","identifier":"weather-mcp","version":"1.0.0","transport":{"type":"stdio"}}]}`)
	localWeather := mustParse(t, `{"name":"io.github.mcptray/weather-local","description":"Forecasts for any city.","version":"1.0.0",
		"packages":[{"registryType":"npm","identifier":"weather-local","version":"1.0.0","transport":{"type":"stdio"}}],
		"_meta":{"io.github.mcptray/catalog":{"id":"zz-weather"}}}`)
	localWeather.Origin = OriginEmbedded

	c := NewCatalog(builtIn, []Entry{localWeather}, []Entry{dupGitHub, weather})
	if c.Len() != len(builtIn)+2 {
		t.Fatalf("Len = %d, want %d: the registry copy of a built-in entry must be dropped", c.Len(), len(builtIn)+2)
	}
	if e, ok := c.Lookup("IO.GITHUB.GITHUB/GITHUB-MCP-SERVER"); !ok || e.Origin != OriginEmbedded || e.ID() != "github" {
		t.Fatalf("Lookup by registry name = %v %v, want the built-in github entry", e.ID(), ok)
	}
	if e, ok := c.Lookup("io.github.example/weather"); !ok || e.Origin != OriginRegistry {
		t.Fatalf("Lookup registry entry = %v, %v", e.ID(), ok)
	}
	// Both weather entries score the same on "forecasts"; the built-in one wins the tie even
	// though its id sorts last.
	if diff := cmp.Diff([]string{"zz-weather", "io.github.example/weather"}, ids(c.Search("forecasts"))); diff != "" {
		t.Fatalf("Search(forecasts) (-want +got):\n%s", diff)
	}
	if _, ok := c.Lookup("nope"); ok {
		t.Fatal("Lookup(nope) found something")
	}
}

func TestHasWordPrefix(t *testing.T) {
	tests := []struct {
		s, t string
		want bool
	}{
		{"web & search", "sea", true},
		{"research notes", "search", false},
		{"research search", "search", true},
		{"brave-search", "search", true},
		{"", "a", false},
	}
	for _, tt := range tests {
		if got := hasWordPrefix(tt.s, tt.t); got != tt.want {
			t.Errorf("hasWordPrefix(%q, %q) = %v, want %v", tt.s, tt.t, got, tt.want)
		}
	}
}

// A registry entry's id is its full registry name: "github" must not match every
// "io.github.…" entry through it, only those whose name, title or text says GitHub.
func TestSearchSkipsTheRegistryNamespace(t *testing.T) {
	reg := func(doc string) Entry {
		e := mustParse(t, doc)
		e.Origin = OriginRegistry
		return e
	}
	weather := reg(`{"name":"io.github.example/weather","description":"Forecasts for any city.","version":"1.0.0",
		"packages":[{"registryType":"npm","identifier":"weather-mcp","version":"1.0.0","transport":{"type":"stdio"}}]}`)
	issues := reg(`{"name":"io.github.someone/issues-mcp","description":"Reads GitHub issues.","version":"1.0.0",
		"packages":[{"registryType":"npm","identifier":"issues-mcp","version":"1.0.0","transport":{"type":"stdio"}}]}`)
	gh := reg(`{"name":"io.github.someone/github-helper","description":"Helps.","version":"1.0.0",
		"packages":[{"registryType":"npm","identifier":"github-helper","version":"1.0.0","transport":{"type":"stdio"}}]}`)
	c := NewCatalog([]Entry{weather, issues, gh})
	if diff := cmp.Diff([]string{"io.github.someone/github-helper", "io.github.someone/issues-mcp"}, ids(c.Search("GitHub"))); diff != "" {
		t.Errorf("Search(GitHub) (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"io.github.example/weather"}, ids(c.Search("io.github.example/weather"))); diff != "" {
		t.Errorf("the full registry name still finds its entry exactly (-want +got):\n%s", diff)
	}
	if got := ids(c.Search("example")); len(got) != 0 {
		t.Errorf("Search(example) = %v; the namespace is not searched", got)
	}
}
