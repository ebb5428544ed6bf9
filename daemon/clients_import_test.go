package daemon

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
	write(t, w.path("cursor"), original)
	if err := w.home.Update(func(c *config.Config) error { c.Servers["files"] = &config.Server{Command: "mine"}; return nil }); err != nil {
		t.Fatal(err)
	}
	keys := keychain.NewMemory()
	opts := ImportOptions{Home: w.home, Env: w.env, Binary: testBinary, Keys: keys}
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
	if got := read(t, w.path("cursor")); got != original {
		t.Fatal("planning changed the file")
	}
	if _, err := plan.Execute(context.Background()); err != nil {
		t.Fatal(err)
	}
	if v, err := keys.Get(context.Background(), "github", "GITHUB_PERSONAL_ACCESS_TOKEN"); err != nil || v != token {
		t.Errorf("keychain holds %q, %v", v, err)
	}
	if diff := cmp.Diff(map[string]string{"github": "github", "files-2": "files"}, ours(t, "cursor", w.path("cursor"))); diff != "" {
		t.Errorf("entries after import (-want +got):\n%s", diff)
	}
	cfg, err := w.home.Load()
	if err != nil {
		t.Fatal(err)
	}
	gh := cfg.Servers["github"]
	if !cmp.Equal(gh.Secrets, []string{"GITHUB_PERSONAL_ACCESS_TOKEN"}) || !cmp.Equal(gh.Env, map[string]string{"LOG": "1"}) {
		t.Errorf("github server %+v", gh)
	}
	if d := cfg.Servers["files-2"].Dir; d != filepath.Join(w.env.Home, "work") {
		t.Errorf("files-2 runs in %q", d)
	}
	if b := cfg.Clients["cursor"]; !b.Enabled || !cmp.Equal(b.Servers, []string{"github", "files-2"}) {
		t.Errorf("cursor binding %+v", b)
	}
	filepath.WalkDir(w.env.Home, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && bytes.Contains([]byte(read(t, p)), []byte(token)) {
			t.Errorf("the token is on disk in %s", p)
		}
		return nil
	})

	// A pass of the reconciler agrees with the import and changes nothing.
	after := read(t, w.path("cursor"))
	w.reconciler(ClientOptions{}).Reconcile(cfg)
	if got := read(t, w.path("cursor")); got != after {
		t.Errorf("the reconciler disagreed with the import:\n%s", got)
	}

	r, err := RestoreClient(context.Background(), opts, "cursor")
	if err != nil {
		t.Fatal(err)
	}
	if got := read(t, w.path("cursor")); got != original || len(r.Warnings) > 0 || !r.Disabled {
		t.Errorf("restore gave (warnings %q, disabled %v):\n%s", r.Warnings, r.Disabled, got)
	}
}

func TestRedactTakesOutWholeValuesOnly(t *testing.T) {
	refs := []secretRef{{"s", "K", "true"}, {"s", "T", "tok123"}}
	in := "{\"a\": true, \"b\": \"true\", \"c\": \"untrue\", \"d\": \"tok123\"}\nyaml: tok123\nother: tok1234\nlast: true\n"
	for _, yaml := range []bool{false, true} {
		got, found := redactSecrets([]byte(in), refs, yaml)
		want := "{\"a\": true, \"b\": \"mcptray-keychain:s/K\", \"c\": \"untrue\", \"d\": \"mcptray-keychain:s/T\"}\nyaml: tok123\nother: tok1234\nlast: true\n"
		if yaml {
			want = "{\"a\": true, \"b\": \"mcptray-keychain:s/K\", \"c\": \"untrue\", \"d\": \"mcptray-keychain:s/T\"}\nyaml: mcptray-keychain:s/T\nother: tok1234\nlast: mcptray-keychain:s/K\n"
		}
		if string(got) != want || len(found) != 2 {
			t.Errorf("redactSecrets (yaml %v) gave (found %v):\n%s\nwant:\n%s", yaml, found, got, want)
		}
	}
}
