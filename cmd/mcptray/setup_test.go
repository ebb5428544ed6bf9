//go:build !windows

package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/internal/testbin"
	"github.com/mcptray/mcptray/keychain"
)

// TestSetupMovesToAnotherHome moves a setup between two homes through the real binary, with
// real credentials in the keychain: `mcptray export` holds no credential (not the one in the
// keychain, not the one left in config.json by mistake, which becomes a secret to ask for);
// `mcptray import` on the other home refuses without a terminal or --yes, then with --yes and
// --secrets-from-env adds the servers with their rules, limits and AI app, keeps the given
// credential in the keychain and names the missing one, and a daemon already running there
// starts the servers. Bad setups (the same again, a newer format, not a setup, a name twice,
// names differing only in capitals, escape sequences in a name) each get one sentence and
// change nothing.
func TestSetupMovesToAnotherHome(t *testing.T) {
	const (
		token    = "ghp_setupE2E0123456789abcdefghijklmn"
		newToken = "ghp_setupE2Enew9876543210zyxwvutsrqp"
		apiKey   = "sk-live-setupE2E0123456789abcdefgh"
	)
	keys := keychain.System(keychain.Options{})
	ctx := context.Background()
	forget := func() {
		for _, k := range [][2]string{{"setupgh", "GITHUB_TOKEN"}, {"setupdb", "API_KEY"}} {
			keys.Delete(ctx, k[0], k[1])
		}
	}
	forget()
	t.Cleanup(forget)

	a := newUser(t)
	a.OK("server", "add", "setupgh", "--secret", "GITHUB_TOKEN", "--env", "LOG_LEVEL=info", "--", fake, "-hello", "setup moved")
	a.SetSecret("setupgh", "GITHUB_TOKEN", token)
	a.OK("server", "add", "setupdb", "--env", "API_KEY="+apiKey, "--", fake)
	a.OK("policy", "set", "setupgh", "create_issue", "allow")
	a.OK("policy", "set", "setupgh", "delete_repo", "deny")
	a.OK("policy", "limit", "setupgh", "--timeout", "30s")
	a.OK("client", "enable", "cursor", "--server", "setupgh")

	exported, errs, code := a.Run("export")
	if code != 0 {
		t.Fatalf("export: exit %d\n%s", code, errs)
	}
	testbin.AssertNoSecretsIn(t, []string{token, apiKey}, "the output of mcptray export", exported+errs)
	if !strings.Contains(errs, "setupdb's API_KEY looks like a credential") {
		t.Errorf("export does not say it left API_KEY's value out: %q", errs)
	}
	file := filepath.Join(t.TempDir(), "setup.json")
	if err := os.WriteFile(file, []byte(exported), 0o600); err != nil {
		t.Fatal(err)
	}

	b := newUser(t)
	b.Daemon()
	if out, errs, code := b.Run("import", file); code != 2 || !strings.Contains(errs, "--yes") || !strings.Contains(out, "needs: GITHUB_TOKEN") ||
		!strings.Contains(out, "! runs without asking you: create_issue") {
		t.Errorf("import without a terminal or --yes: exit %d\n%s%s", code, out, errs)
	}
	if _, err := os.Stat(filepath.Join(b.Home, "config.json")); err == nil {
		if cfg, err := config.Home(b.Home).Load(); err != nil || len(cfg.Servers) != 0 {
			t.Fatalf("a refused import added servers: %v", err)
		}
	}

	cmd := b.Command("import", file, "--yes", "--secrets-from-env")
	cmd.Env = append(cmd.Env, "GITHUB_TOKEN="+newToken, "API_KEY=")
	outb, err := cmd.CombinedOutput()
	out := string(outb)
	testbin.AssertNoSecretsIn(t, []string{token, newToken, apiKey}, "the output of mcptray import", out)
	if err != nil {
		t.Fatalf("import --yes: %v\n%s", err, out)
	}
	for _, want := range []string{"Added 2 servers.", "setupdb still needs API_KEY; set it with: mcptray secret set setupdb API_KEY", "Cursor now sees: setupgh."} {
		if !strings.Contains(out, want) {
			t.Errorf("import says:\n%s\nwant it to say %q", out, want)
		}
	}
	cfg, err := config.Home(b.Home).Load()
	if err != nil {
		t.Fatal(err)
	}
	gh, db := cfg.Servers["setupgh"], cfg.Servers["setupdb"]
	if gh == nil || gh.Command != fake || !cmp.Equal(gh.Secrets, []string{"GITHUB_TOKEN"}) || gh.Env["LOG_LEVEL"] != "info" ||
		gh.Policy == nil || !cmp.Equal(gh.Policy.Tools, map[string]config.Rule{"create_issue": config.RuleAllow, "delete_repo": config.RuleDeny}) ||
		!cmp.Equal(gh.Limits, []config.Limit{{Timeout: "30s"}}) {
		t.Errorf("setupgh arrived as %+v", gh)
	}
	if db == nil || !cmp.Equal(db.Secrets, []string{"API_KEY"}) || len(db.Env) != 0 {
		t.Errorf("setupdb arrived as %+v", db)
	}
	if c := cfg.Clients["cursor"]; c == nil || !c.Enabled || !cmp.Equal(c.Servers, []string{"setupgh"}) {
		t.Errorf("cursor's choice arrived as %+v", c)
	}
	if v, err := keys.Get(ctx, "setupgh", "GITHUB_TOKEN"); err != nil || v != newToken {
		t.Errorf("the keychain holds the wrong token for setupgh (%v)", err)
	}
	if cursor, _ := os.ReadFile(filepath.Join(b.Dir, ".cursor", "mcp.json")); !strings.Contains(string(cursor), `"setupgh"`) {
		t.Errorf("Cursor's file on the other home: %s", cursor)
	}
	b.WaitRunning("setupgh")
	testbin.AssertNoSecrets(t, []string{token, newToken, apiKey}, b.Dir)

	// Bad setups: one sentence each, nothing changed.
	before, _ := os.ReadFile(filepath.Join(b.Home, "config.json"))
	bad := func(name, content string) string {
		p := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct{ file, want string }{
		{file, `a server called "setupdb" is here already`},
		{bad("newer.json", `{"mcptray": 2, "servers": {"x": {"command": "x"}}}`), "made by a newer MCP Tray (format 2"},
		{bad("claude.json", `{"mcpServers": {"x": {"command": "x"}}}`), "this file is not an MCP Tray setup"},
		{bad("twice.json", `{"mcptray": 1, "servers": {"dup": {"command": "a"}, "dup": {"command": "b"}}}`), `this setup names the server "dup" twice`},
		{bad("caps.json", `{"mcptray": 1, "servers": {"Notes": {"command": "a"}, "notes": {"command": "b"}}}`), `"Notes" and "notes", which differ only in capitals`},
		{bad("caps-here.json", `{"mcptray": 1, "servers": {"SetupGH": {"command": "a"}}}`), `differs from the setup's "SetupGH" only in capitals`},
		{bad("escape.json", `{"mcptray": 1, "servers": {"evil\u001b[2J\u001b]0;pwned\u0007": {"command": "a"}}}`), `"evil\x1b[2J\x1b]0;pwned\a"`},
	} {
		out, errs, code := b.Run("import", tc.file, "--yes")
		if code != 1 || !strings.Contains(errs, tc.want) || !strings.HasPrefix(errs, "mcptray: MCP Tray changed nothing") || strings.Count(strings.TrimSpace(errs), "\n") > 0 {
			t.Errorf("import %s: exit %d\n%s%s\nwant one sentence with %q", filepath.Base(tc.file), code, out, errs, tc.want)
		}
		if strings.ContainsAny(out+errs, "\x1b\a") {
			t.Errorf("import %s printed a raw escape sequence: %q", filepath.Base(tc.file), out+errs)
		}
		if after, _ := os.ReadFile(filepath.Join(b.Home, "config.json")); string(after) != string(before) {
			t.Errorf("import %s changed config.json", filepath.Base(tc.file))
		}
	}

	// What loosens the person's protections is marked in the plan.
	loose := bad("loose.json", `{"mcptray": 1, "servers": {"loose": {"command": "x", "sandbox": false, "policy": {"trust": true}, "allowed": ["env:NODE_OPTIONS"]},
		"tight": {"command": "y", "sandbox": {"write": ["~/notes"], "network": false}}}}`)
	out = b.OK("import", loose, "--dry-run")
	for _, want := range []string{"! runs unconfined: the setup turns its sandbox off", "! every tool of it runs without asking you", "! allowed although hazardous: env:NODE_OPTIONS",
		"confined: may change ~/notes; no network", "Nothing was changed (--dry-run)."} {
		if !strings.Contains(out, want) {
			t.Errorf("the plan of a loose setup says:\n%s\nwant %q", out, want)
		}
	}
}
