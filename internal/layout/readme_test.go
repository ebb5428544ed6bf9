package layout

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestTheArchitectureTableMatchesTheFolders: the README's architecture table names every
// top-level folder that holds Go code, and every folder it names exists, so the map a
// newcomer reads first is the repository they find (issue #19, "Done means").
func TestTheArchitectureTableMatchesTheFolders(t *testing.T) {
	dir := root(t)
	readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	named, err := architectureRows(string(readme))
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	for _, n := range named {
		if strings.ContainsAny(n, "*?[") {
			continue // a file pattern (scripts/package*.sh), not a folder
		}
		folder := strings.TrimSuffix(n, "/…")
		if fi, err := os.Stat(filepath.Join(dir, filepath.FromSlash(folder))); err != nil || !fi.IsDir() {
			t.Errorf("the README's architecture table names %q, which is not a folder of the repository", n)
			continue
		}
		covered[strings.SplitN(folder, "/", 2)[0]] = true
	}
	for _, f := range goFolders(t, dir) {
		if !covered[f] {
			t.Errorf("the top-level folder %s/ holds Go code but has no row in the README's architecture table", f)
		}
	}
}

// TestTheTableCheckSeesAMissingRow: the check reads the table's first column, so a folder
// left out of it, or a row for a folder that is gone, is seen.
func TestTheTableCheckSeesAMissingRow(t *testing.T) {
	const readme = "# x\n\n## Architecture\n\n| package | what it owns |\n|---|---|\n" +
		"| `api` | methods |\n| `keychain`, `redact` | secrets |\n| `internal/…` | pieces |\n\nCore packages.\n\n## Next\n\n| `nope` | no |\n"
	got, err := architectureRows(readme)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, " ") != "api keychain redact internal/…" {
		t.Errorf("rows = %q, want the first column of the architecture table only", got)
	}
	if _, err := architectureRows("# x\n\nno table here\n"); err == nil {
		t.Error("a README without the architecture table passed")
	}
}

// cellName is one backquoted name in a row's first cell.
var cellName = regexp.MustCompile("`([^`]+)`")

// architectureRows returns the names in the first column of the table under the README's
// "## Architecture" heading.
func architectureRows(readme string) ([]string, error) {
	_, section, ok := strings.Cut(readme, "\n## Architecture\n")
	if !ok {
		return nil, errNoTable
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var names []string
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(line, "|")
		if !strings.HasPrefix(line, "|") || len(cells) < 3 || strings.HasPrefix(strings.TrimSpace(cells[1]), "---") {
			continue
		}
		for _, m := range cellName.FindAllStringSubmatch(cells[1], -1) {
			names = append(names, m[1])
		}
	}
	if len(names) == 0 {
		return nil, errNoTable
	}
	return names, nil
}

type tableError string

func (e tableError) Error() string { return string(e) }

const errNoTable = tableError("the README has no architecture table (a table under \"## Architecture\")")

// goFolders lists the top-level folders with a .go file anywhere below them (testdata and
// node_modules aside: they hold inputs, not the project's code).
func goFolders(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		found := false
		filepath.WalkDir(filepath.Join(dir, e.Name()), func(p string, d fs.DirEntry, err error) error {
			switch {
			case err != nil || found:
				return filepath.SkipDir
			case d.IsDir() && (d.Name() == "testdata" || d.Name() == "node_modules"):
				return filepath.SkipDir
			case !d.IsDir() && strings.HasSuffix(d.Name(), ".go"):
				found = true
				return filepath.SkipAll
			}
			return nil
		})
		if found {
			out = append(out, e.Name())
		}
	}
	return out
}
