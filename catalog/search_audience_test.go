package catalog

import (
	"slices"
	"testing"
)

// The everything test server is for developers: lists leave it out unless a person names it
// exactly; Search and Lookup still find it, so it installs by its id.
func TestForEveryoneHidesTestServers(t *testing.T) {
	c, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	e, ok := c.Lookup("everything")
	if !ok || !e.ForDevelopers() {
		t.Fatalf("everything: found %v, for developers %v", ok, e.ForDevelopers())
	}
	for _, other := range c.Entries() {
		if other.ID() != "everything" && other.ForDevelopers() {
			t.Errorf("%s is marked for developers", other.ID())
		}
	}
	listed := func(query string) bool {
		return slices.Contains(ids(ForEveryone(c.Search(query), query)), "everything")
	}
	for _, q := range []string{"", "test", "demo", "every", "developer tools"} {
		if listed(q) {
			t.Errorf("ForEveryone(Search(%q)) lists the test server", q)
		}
	}
	for _, q := range []string{"everything", " EVERYTHING ", "io.github.modelcontextprotocol/server-everything", "everything (test server)"} {
		if !listed(q) {
			t.Errorf("ForEveryone(Search(%q)), its exact name, leaves the test server out", q)
		}
	}
	if got, want := len(ForEveryone(c.Search(""), "")), c.Len()-1; got != want {
		t.Errorf("ForEveryone(Search(\"\")) lists %d entries, want %d", got, want)
	}
	// A registry document cannot mark itself: MCP Tray's metadata is ignored there.
	reg, err := parseUncurated([]byte(`{"name": "io.github.x/demo", "description": "d", "version": "1.0.0",
		"packages": [{"registryType": "npm", "identifier": "demo", "version": "1.0.0", "transport": {"type": "stdio"}}],
		"_meta": {"io.github.mcptray/catalog": {"audience": "developers"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if reg.ForDevelopers() {
		t.Error("a registry entry marked itself for developers")
	}
}
