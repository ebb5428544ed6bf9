package reconcile_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/clients/clienttest"
	"github.com/mcptray/mcptray/clients/reconcile"
	"github.com/mcptray/mcptray/internal/testbin"
	"github.com/mcptray/mcptray/keychain"
)

// TestImportMovesCommandLineCredentials (issue 17): a bearer token in mcp-remote's --header, a
// --password=, a redis://:password@ address, a SQL Password= and an env MY_CREDS all go to the
// keychain (docker's -e NAME=value becomes -e NAME); config.json and the backups hold
// placeholders and markers only; a relative
// command is made absolute against the client file's folder, and one that is not there is
// left with a sentence.
func TestImportMovesCommandLineCredentials(t *testing.T) {
	w := clienttest.NewWorld(t, "cursor")
	const (
		bearer = "tok3n-0123456789abcdef"
		pw     = "hunter2-pw"
		redis  = "redis-pa55"
		sql    = "Sql-Pa55w0rd"
		creds  = "my-creds-value"
		ghp    = "ghp_0123456789abcdefABCDEF0123456789abcd"
	)
	secrets := []string{bearer, pw, redis, sql, creds, ghp}
	original := `{
  "mcpServers": {
    "remote": {"command": "npx", "args": ["-y", "mcp-remote", "https://x.example/mcp", "--header", "Authorization: Bearer ` + bearer + `"]},
    "db": {"command": "./run.sh", "args": ["--password=` + pw + `", "redis://:` + redis + `@cache:6379", "--conn", "Server=db;Password=` + sql + `;"], "env": {"MY_CREDS": "` + creds + `"}},
    "gh": {"command": "docker", "args": ["run", "-i", "--rm", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN=` + ghp + `", "ghcr.io/github/github-mcp-server"]},
    "gone": {"command": "./missing.sh"}
  }
}
`
	clienttest.Write(t, w.Path("cursor"), original)
	clienttest.Write(t, filepath.Join(filepath.Dir(w.Path("cursor")), "run.sh"), "#!/bin/sh\n")
	keys := keychain.NewMemory()
	plan, err := reconcile.PlanImport(reconcile.ImportOptions{Home: w.Home, Env: w.Env, Binary: "/opt/mcptray/bin/mcptray", Keys: keys}, "cursor")
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Skipped) != 1 || plan.Skipped[0].Key != "gone" || !strings.Contains(plan.Skipped[0].Reason, "./missing.sh is not a file in "+filepath.Dir(w.Path("cursor"))) {
		t.Errorf("skipped %+v", plan.Skipped)
	}
	if _, err := plan.Execute(context.Background()); err != nil {
		t.Fatal(err)
	}
	cfg, err := w.Home.Load()
	if err != nil {
		t.Fatal(err)
	}
	type server struct {
		Command string
		Args    []string
		Secrets []string
	}
	got := map[string]server{}
	for _, name := range []string{"remote", "db", "gh"} {
		s := cfg.Servers[name]
		got[name] = server{s.Command, s.Args, s.Secrets}
	}
	want := map[string]server{
		"remote": {"npx", []string{"-y", "mcp-remote", "https://x.example/mcp", "--header", "Authorization: Bearer ${AUTHORIZATION}"}, []string{"AUTHORIZATION"}},
		"db": {filepath.Join(filepath.Dir(w.Path("cursor")), "run.sh"),
			[]string{"--password=${secret:PASSWORD}", "redis://:${secret:REDIS_PASSWORD}@cache:6379", "--conn", "Server=db;Password=${secret:PASSWORD_2};"},
			[]string{"MY_CREDS", "PASSWORD", "REDIS_PASSWORD", "PASSWORD_2"}},
		"gh": {"docker", []string{"run", "-i", "--rm", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN", "ghcr.io/github/github-mcp-server"}, []string{"GITHUB_PERSONAL_ACCESS_TOKEN"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("config.json's servers (-want +got):\n%s", diff)
	}
	for _, k := range []struct{ server, key, value string }{
		{"remote", "AUTHORIZATION", bearer}, {"db", "PASSWORD", pw}, {"db", "REDIS_PASSWORD", redis}, {"db", "PASSWORD_2", sql}, {"db", "MY_CREDS", creds},
		{"gh", "GITHUB_PERSONAL_ACCESS_TOKEN", ghp},
	} {
		if v, err := keys.Get(context.Background(), k.server, k.key); err != nil || v != k.value {
			t.Errorf("the keychain's %s/%s holds %q, %v", k.server, k.key, v, err)
		}
	}
	testbin.AssertNoSecrets(t, secrets, w.Env.Home)

	r, err := reconcile.RestoreClient(context.Background(), reconcile.ImportOptions{Home: w.Home, Env: w.Env, Keys: keys}, "cursor")
	if err != nil {
		t.Fatal(err)
	}
	if got := clienttest.Read(t, w.Path("cursor")); got != original {
		t.Errorf("restore gave (warnings %q):\n%s", r.Warnings, got)
	}
}
