package reconcile

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestImportClineNestedEntries imports the file Cline's own CLI wrote (`cline mcp add`, the
// nested "transport" form): its two stdio servers are taken over as local servers, not
// skipped as remote ones, and only the sse and streamableHttp entries are skipped.
func TestImportClineNestedEntries(t *testing.T) {
	w := newClientWorld(t, "cline")
	write(t, w.Path("cline"), read(t, filepath.Join("..", "testdata", "cline", "cli-nested.in.json")))
	opts := ImportOptions{Home: w.Home, Env: w.Env, Binary: testBinary}
	plan, err := PlanImport(opts, "cline")
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ Name, Command string }
	var got []row
	for _, s := range plan.Servers {
		got = append(got, row{s.Name, s.Server.Command})
	}
	if diff := cmp.Diff([]row{{"notes", "npx"}, {"github", "docker"}}, got); diff != "" {
		t.Errorf("planned (-want +got):\n%s", diff)
	}
	var skipped []string
	for _, s := range plan.Skipped {
		skipped = append(skipped, s.Key)
	}
	if diff := cmp.Diff([]string{"docs", "events"}, skipped); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
	if _, err := plan.Execute(context.Background()); err != nil {
		t.Fatal(err)
	}
	cfg, err := w.Home.Load()
	if err != nil {
		t.Fatal(err)
	}
	if s := cfg.Servers["github"]; s == nil || s.Command != "docker" || len(s.Args) != 6 {
		t.Errorf("github server %+v", s)
	}
	if diff := cmp.Diff(map[string]string{"notes": "notes", "github": "github"}, ours(t, "cline", w.Path("cline"))); diff != "" {
		t.Errorf("entries of MCP Tray after import (-want +got):\n%s", diff)
	}
}
