package reconcile

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/keychain"
)

// TestImportThenRestore imports a Cursor file into a temporary home with an in-memory keychain:
// the token ends up only in the keychain, and restore gives back the file byte for byte.
func TestImportThenRestore(t *testing.T) {
	w := newClientWorld(t, "cursor")
	token := "ghp_" + strings.Repeat("aB3", 12)
	original := `{
  "mcpServers": {
    "github": {"command": "npx", "args": ["-y", "server-github"], "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "` + token + `", "LOG": "1"}},
    "files": {"command": "node", "args": ["x.js"], "cwd": "work"},
    "vsinput": {"command": "x", "env": {"T": "${input:token}"}}
  }
}
`
	write(t, w.Path("cursor"), original)
	if err := w.Home.Update(func(c *config.Config) error { c.Servers["files"] = &config.Server{Command: "mine"}; return nil }); err != nil {
		t.Fatal(err)
	}
	keys := keychain.NewMemory()
	opts := ImportOptions{Home: w.Home, Env: w.Env, Binary: testBinary, Keys: keys}
	plan, err := PlanImport(opts, "cursor")
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ Key, Name string }
	var got []row
	for _, s := range plan.Servers {
		got = append(got, row{s.Key, s.Name})
	}
	if diff := cmp.Diff([]row{{"github", "github"}, {"files", "files-2"}}, got); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
	if len(plan.Skipped) != 1 || plan.Skipped[0].Key != "vsinput" {
		t.Errorf("skipped %+v", plan.Skipped)
	}
	if got := read(t, w.Path("cursor")); got != original {
		t.Fatal("planning changed the file")
	}
	if _, err := plan.Execute(context.Background()); err != nil {
		t.Fatal(err)
	}
	if v, err := keys.Get(context.Background(), "github", "GITHUB_PERSONAL_ACCESS_TOKEN"); err != nil || v != token {
		t.Errorf("keychain holds %q, %v", v, err)
	}
	if diff := cmp.Diff(map[string]string{"github": "github", "files-2": "files"}, ours(t, "cursor", w.Path("cursor"))); diff != "" {
		t.Errorf("entries after import (-want +got):\n%s", diff)
	}
	cfg, err := w.Home.Load()
	if err != nil {
		t.Fatal(err)
	}
	gh := cfg.Servers["github"]
	if !cmp.Equal(gh.Secrets, []string{"GITHUB_PERSONAL_ACCESS_TOKEN"}) || !cmp.Equal(gh.Env, map[string]string{"LOG": "1"}) {
		t.Errorf("github server %+v", gh)
	}
	if d := cfg.Servers["files-2"].Dir; d != filepath.Join(w.Env.Home, "work") {
		t.Errorf("files-2 runs in %q", d)
	}
	if b := cfg.Clients["cursor"]; !b.Enabled || !cmp.Equal(b.Servers, []string{"github", "files-2"}) {
		t.Errorf("cursor binding %+v", b)
	}
	filepath.WalkDir(w.Env.Home, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && bytes.Contains([]byte(read(t, p)), []byte(token)) {
			t.Errorf("the token is on disk in %s", p)
		}
		return nil
	})

	// A pass of the reconciler agrees with the import and changes nothing.
	after := read(t, w.Path("cursor"))
	w.reconciler(Options{}).Reconcile(cfg)
	if got := read(t, w.Path("cursor")); got != after {
		t.Errorf("the reconciler disagreed with the import:\n%s", got)
	}

	r, err := RestoreClient(context.Background(), opts, "cursor")
	if err != nil {
		t.Fatal(err)
	}
	if got := read(t, w.Path("cursor")); got != original || len(r.Warnings) > 0 || !r.Disabled {
		t.Errorf("restore gave (warnings %q, disabled %v):\n%s", r.Warnings, r.Disabled, got)
	}
}
