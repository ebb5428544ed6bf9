package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/mcptray/mcptray/assets"
)

// categories is the closed list of catalog categories, so a typo cannot split one in two.
var categories = []string{
	"Communication", "Databases", "Developer tools", "Files & documents", "Infrastructure",
	"Memory & reasoning", "Productivity", "Utilities", "Web & search",
}

// exampleAnswers answers every question the way a person plausibly would.
func exampleAnswers(t *testing.T, qs []Question) map[string]string {
	answers := map[string]string{}
	for _, q := range qs {
		switch {
		case len(q.Choices) > 0:
			answers[q.Key] = q.Choices[0]
		case q.Format == FormatFilepath:
			answers[q.Key] = t.TempDir()
		case q.Format == FormatBoolean:
			answers[q.Key] = "true"
		case q.Format == FormatNumber:
			answers[q.Key] = "1"
		case q.Secret:
			answers[q.Key] = "example-secret-" + q.Key
		default:
			answers[q.Key] = "example-value"
		}
	}
	return answers
}

func TestEmbeddedCatalog(t *testing.T) {
	entries, err := LoadEmbedded()
	if err != nil {
		t.Fatalf("LoadEmbedded: %v", err)
	}
	if len(entries) < 20 {
		t.Fatalf("the built-in catalog has %d entries, want at least 20", len(entries))
	}
	for _, e := range entries {
		t.Run(e.ID(), func(t *testing.T) {
			m, s := e.Meta, e.Server
			if e.Origin != OriginEmbedded {
				t.Errorf("Origin = %v, want built-in", e.Origin)
			}
			// Our _meta block must hold exactly the fields we know: a typo would be silently
			// ignored by the lenient decoder used for registry entries.
			dec := json.NewDecoder(bytes.NewReader(s.Meta[MetaKey]))
			dec.DisallowUnknownFields()
			if err := dec.Decode(new(Meta)); err != nil {
				t.Errorf("_meta block: %v", err)
			}
			if !slices.Contains(categories, m.Category) {
				t.Errorf("category %q is not one of %q", m.Category, categories)
			}
			if l := len(s.Description); l == 0 || l > 100 {
				t.Errorf("description is %d characters; the registry allows 1 to 100", l)
			}
			if l := len(m.Summary); l < 20 || l > 140 || !strings.HasSuffix(m.Summary, ".") {
				t.Errorf("summary %q should be one plain sentence of 20 to 140 characters", m.Summary)
			}
			if s.Title == "" {
				t.Error("title is missing")
			}
			if !strings.HasPrefix(m.Source, "https://") || s.Repository == nil || !strings.HasPrefix(m.Source, s.Repository.URL) {
				t.Errorf("source %q should be an https link inside the repository %v", m.Source, s.Repository)
			}
			if len(s.Packages) != 1 {
				t.Fatalf("has %d packages, want exactly 1", len(s.Packages))
			}
			pkg := s.Packages[0]
			if v := pkgVersion(pkg); !isExactPackageVersion(pkg.RegistryType, v) {
				t.Errorf("package version %q is not pinned", v)
			}
			if pkg.RuntimeHint != string(runtimeFor[pkg.RegistryType]) {
				t.Errorf("runtimeHint %q, want %q", pkg.RuntimeHint, runtimeFor[pkg.RegistryType])
			}

			qs, err := Questions(e)
			if err != nil {
				t.Fatalf("Questions: %v", err)
			}
			for _, q := range qs {
				if q.Description == "" {
					t.Errorf("question %s has no description for the person answering it", q.Key)
				}
			}
			answers := exampleAnswers(t, qs)
			p, err := Plan(e, answers)
			if err != nil {
				t.Fatalf("Plan with example answers: %v", err)
			}
			if p.Command != string(runtimeFor[pkg.RegistryType]) || len(p.Args) == 0 {
				t.Errorf("plan runs %q %q", p.Command, p.Args)
			}
			if p.Name != m.ID || p.EntryID != m.ID {
				t.Errorf("plan Name, EntryID = %q, %q, want %q", p.Name, p.EntryID, m.ID)
			}
			assertNoSecretLeak(t, p, answers)

			// Only the required questions answered must be enough: defaults fill the rest.
			required := map[string]string{}
			for _, q := range qs {
				if q.Required {
					required[q.Key] = answers[q.Key]
				}
			}
			if _, err := Plan(e, required); err != nil {
				t.Errorf("Plan with only the required answers: %v", err)
			}
			for _, q := range qs {
				if q.Required && q.Default == "" {
					delete(required, q.Key)
					_, err := Plan(e, required)
					if !errors.Is(err, ErrMissingAnswer) || !strings.Contains(err.Error(), q.Key) {
						t.Errorf("Plan without %s: error %v, want ErrMissingAnswer naming it", q.Key, err)
					}
					required[q.Key] = answers[q.Key]
				}
			}

			raw, err := assets.Catalog.ReadFile("catalog/" + m.ID + ".json")
			if err != nil {
				t.Fatal(err)
			}
			if out, _ := e.MarshalJSON(); !bytes.Equal(bytes.TrimSpace(raw), out) {
				t.Error("MarshalJSON does not return the file as shipped")
			}
		})
	}
}

// pkgVersion is what pins a package: its version, or for images the tag or digest.
func pkgVersion(p Package) string {
	if p.RegistryType == RegistryOCI {
		ref := imageReference(p)
		if ref.Digest != "" {
			return ref.Tag + "@" + ref.Digest
		}
		return ref.Tag
	}
	return p.Version
}

// TestEmbeddedCatalogCoversTheIssue pins the servers the catalog issue asks for, and the
// environment variables those servers really read, marked secret where they are.
func TestEmbeddedCatalogCoversTheIssue(t *testing.T) {
	c, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"filesystem", "memory", "fetch", "everything", "sequential-thinking", "git",
		"github", "gitlab", "slack", "postgres", "sqlite", "playwright", "brave-search", "sentry",
		"kubernetes", "prometheus", "notion", "linear", "time", "google-drive"} {
		if _, ok := c.Lookup(id); !ok {
			t.Errorf("the built-in catalog has no %q entry", id)
		}
	}
	secrets := map[string][]string{
		"github":       {"GITHUB_PERSONAL_ACCESS_TOKEN"},
		"gitlab":       {"GITLAB_PERSONAL_ACCESS_TOKEN"},
		"slack":        {"SLACK_BOT_TOKEN"},
		"postgres":     {"POSTGRES_CONNECTION_STRING"},
		"brave-search": {"BRAVE_API_KEY"},
		"sentry":       {"SENTRY_ACCESS_TOKEN", "OPENAI_API_KEY"},
		"notion":       {"NOTION_TOKEN"},
		"linear":       {"LINEAR_API_TOKEN"},
		"google-drive": {"CLIENT_SECRET"},
		"prometheus":   {"PROMETHEUS_PASSWORD", "PROMETHEUS_TOKEN"},
		"context7":     {"CONTEXT7_API_KEY"},
	}
	for _, e := range c.Entries() {
		var got []string
		for _, kv := range e.Server.Packages[0].EnvironmentVariables {
			if kv.IsSecret {
				got = append(got, kv.Name)
			}
		}
		if want := secrets[e.ID()]; !slices.Equal(got, want) {
			t.Errorf("%s: secret variables %q, want %q", e.ID(), got, want)
		}
	}
	for _, id := range []string{"kubernetes", "kubernetes-kubectl"} {
		if e, _ := c.Lookup(id); !e.Meta.Kubernetes {
			t.Errorf("%s is not marked as a Kubernetes server", id)
		}
	}
}

// TestVerifiedTableListsEveryEntry keeps testdata/VERIFIED.md honest: every built-in entry
// must have a row saying how its pinned version was checked.
func TestVerifiedTableListsEveryEntry(t *testing.T) {
	table, err := os.ReadFile("testdata/VERIFIED.md")
	if err != nil {
		t.Fatal(err)
	}
	c, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range c.Entries() {
		pkg := e.Server.Packages[0]
		row := "| " + e.ID() + " | " + pkg.RegistryType + " | `" + pkg.Identifier + "` | " + pkgVersion(pkg) + " |"
		if !strings.Contains(string(table), row) {
			t.Errorf("testdata/VERIFIED.md has no row starting %q", row)
		}
	}
}

func TestLoadBuiltInRejectsBadFiles(t *testing.T) {
	good := func(id string) []byte {
		return []byte(`{"name":"io.github.example/` + id + `","title":"T","description":"d","version":"1.0.0",
			"packages":[{"registryType":"npm","identifier":"pkg","version":"1.0.0","transport":{"type":"stdio"}}],
			"_meta":{"io.github.mcptray/catalog":{"id":"` + id + `","category":"Utilities","summary":"S.","needs":"node","source":"https://example.com"}}}`)
	}
	tests := []struct {
		name  string
		files fstest.MapFS
		want  string
	}{
		{"duplicate registry name", fstest.MapFS{"c/a.json": {Data: good("a")}, "c/b.json": {Data: bytes.Replace(good("b"), []byte(`example/b`), []byte(`example/a`), 1)}}, "both use name io.github.example/a"},
		{"file not named after id", fstest.MapFS{"c/a.json": {Data: good("b")}}, "named b.json"},
		{"no meta", fstest.MapFS{"c/a.json": {Data: []byte(`{"name":"io.github.x/a","description":"d","version":"1",
			"packages":[{"registryType":"npm","identifier":"p","version":"1.0.0","transport":{"type":"stdio"}}]}`)}}, "missing"},
		{"incomplete meta", fstest.MapFS{"c/a.json": {Data: bytes.Replace(good("a"), []byte(`"needs":"node",`), nil, 1)}}, "needs category, summary"},
		{"invalid document", fstest.MapFS{"c/a.json": {Data: []byte(`{`)}}, "c/a.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadBuiltIn(tt.files, "c")
			if !errors.Is(err, ErrInvalidEntry) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("loadBuiltIn error = %v, want ErrInvalidEntry mentioning %q", err, tt.want)
			}
		})
	}
	if got, err := loadBuiltIn(fstest.MapFS{"c/b.json": {Data: good("b")}, "c/a.json": {Data: good("a")}}, "c"); err != nil || len(got) != 2 || got[0].ID() != "a" {
		t.Fatalf("loadBuiltIn on good files = %d entries, %v; want a and b in order", len(got), err)
	}
}

// TestCatalogDoesNotImportFyne keeps the core free of the GUI toolkit.
func TestCatalogDoesNotImportFyne(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("this test needs the go command on PATH: %v", err)
	}
	out, err := exec.Command(goTool, "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	for dep := range strings.Lines(string(out)) {
		if strings.HasPrefix(dep, "fyne.io/") {
			t.Fatalf("catalog depends on %s", strings.TrimSpace(dep))
		}
	}
}
