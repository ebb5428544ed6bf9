package catalog

import "testing"

// BenchmarkSearch measures one search over the built-in catalog, the work done on every
// keystroke in the GUI's search box.
func BenchmarkSearch(b *testing.B) {
	c, err := Embedded()
	if err != nil {
		b.Fatal(err)
	}
	queries := []string{"github", "kube", "web search", "database", "no-such-thing", "files"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		c.Search(queries[i%len(queries)])
	}
}

// BenchmarkLoadEmbedded measures parsing and validating the whole built-in catalog, paid once
// per process at startup.
func BenchmarkLoadEmbedded(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LoadEmbedded(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPlan measures planning the most involved built-in entry.
func BenchmarkPlan(b *testing.B) {
	c, err := Embedded()
	if err != nil {
		b.Fatal(err)
	}
	e, _ := c.Lookup("github")
	answers := map[string]string{"GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_x", "GITHUB_READ_ONLY": "true"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Plan(e, answers); err != nil {
			b.Fatal(err)
		}
	}
}
