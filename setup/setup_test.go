package setup

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/config"
)

// sample is a config.json with what a setup must carry, reshape or leave out.
const sample = `{
  "servers": {
    "github": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"], "env": {"LOG_LEVEL": "info", "OPENAI_API_KEY": "sk-proj-0123456789abcdefghijklmnop"},
               "secrets": ["GITHUB_TOKEN"], "policy": {"tools": {"create_issue": "allow", "delete_repo": "deny"}}, "limits": [{"timeout": "30s"}]},
    "db": {"command": "mcp-db", "args": ["--password=hunter2-0123456789"]},
    "team": {"url": "https://mcp.example.com/mcp", "headers": {"Authorization": "Bearer tok-0123456789abcdefghijkl"}},
    "team-ok": {"url": "https://mcp.example.com/mcp", "headers": {"Authorization": "Bearer ${secret:TOKEN}"}, "secrets": ["TOKEN"],
                "oauth": {"issuer": "https://auth.example.com"}},
    "k8s": {"command": "kubectl-mcp", "kube": {"context": "prod-eu", "namespace": "shop"}},
    "everything": {"command": "/home/ana/.mcptray/servers/everything/2026.1.14/bin/run", "source": {"catalog": "io.github.modelcontextprotocol/everything", "version": "2026.1.14"},
                   "frozen": {"registry": "npm", "package": "@modelcontextprotocol/server-everything", "version": "2026.1.14", "dir": "/home/ana/.mcptray/servers/everything/2026.1.14", "lock": "sha256:00", "tree": "sha256:00"}}
  },
  "clients": {"cursor": {"enabled": true, "servers": ["github", "db"]}, "claude-desktop": {"enabled": true, "servers": ["db"]}, "zed": {"enabled": false}}
}`

// TestExportHoldsNoCredential exports a config holding credentials in every place one can
// hide (an env value, a --password flag, a literal header), a Kubernetes
// context, a sign-in and an install in MCP Tray's folder: no credential is in the document,
// each change is said in a sentence, and the document reads back with Parse.
func TestExportHoldsNoCredential(t *testing.T) {
	cfg, err := config.Parse("config.json", []byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	f, notes := Export(cfg)
	doc := string(f.Marshal())
	for _, secret := range []string{"sk-proj-0123456789", "hunter2", "tok-0123456789", "pw0123456789"} {
		if strings.Contains(doc, secret) {
			t.Errorf("the setup holds a credential:\n%s", doc)
		}
	}
	if diff := cmp.Diff([]string{"github", "k8s", "team-ok"}, sortedKeys(f.Servers)); diff != "" {
		t.Errorf("servers (-want +got):\n%s", diff)
	}
	gh := f.Servers["github"]
	if !cmp.Equal(gh.Secrets, []string{"GITHUB_TOKEN", "OPENAI_API_KEY"}) || !cmp.Equal(gh.Env, map[string]string{"LOG_LEVEL": "info"}) || len(gh.Limits) != 1 || gh.Policy.Tools["create_issue"] != config.RuleAllow {
		t.Errorf("github is exported as %+v", gh)
	}
	if k := f.Servers["k8s"].Kube; k == nil || k.Context != "" {
		t.Errorf("the Kubernetes context moved: %+v", k)
	}
	if f.Servers["team-ok"].OAuth != nil {
		t.Error("a sign-in moved")
	}
	if diff := cmp.Diff(map[string]Reinstall{"everything": {Catalog: "io.github.modelcontextprotocol/everything", Version: "2026.1.14"}}, f.Reinstall); diff != "" {
		t.Errorf("reinstall (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]*config.ClientBinding{"cursor": {Enabled: true, Servers: []string{"github"}}}, f.Clients, cmp.AllowUnexported(config.ClientBinding{})); diff != "" {
		t.Errorf("clients (-want +got):\n%s", diff)
	}
	joined := strings.Join(notes, "\n")
	for _, want := range []string{"db is left out: its command line holds", "team is left out: its Authorization holds",
		"github's OPENAI_API_KEY looks like a credential", "k8s's Kubernetes context is not carried", "team-ok's sign-in is not carried", "everything was installed into MCP Tray's own folder"} {
		if !strings.Contains(joined, want) {
			t.Errorf("the notes do not say %q:\n%s", want, joined)
		}
	}
	back, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(f.Needed(), back.Needed()); diff != "" || len(back.Needed()) != 3 {
		t.Errorf("needed after reading back (-export +parse):\n%s", diff)
	}
}

// TestParseRefusesWhatItCannotTake gives Parse documents that are not setups or that MCP
// Tray cannot take as a whole: each is refused with its kind of error and one sentence that
// shows names escaped.
func TestParseRefusesWhatItCannotTake(t *testing.T) {
	for _, tc := range []struct {
		doc  string
		kind error
		want string
	}{
		{``, ErrNotSetup, "not an MCP Tray setup"},
		{`[1, 2]`, ErrNotSetup, "not an MCP Tray setup"},
		{`{"servers": {"a": {"command": "x"}}}`, ErrNotSetup, `no "mcptray" version`},
		{`{"mcptray": "one", "servers": {}}`, ErrNotSetup, "not a format number"},
		{`{"mcptray": 7, "servers": {}}`, ErrNewer, "newer MCP Tray (format 7"},
		{`{"mcptray": 1, "servers": {}}`, ErrInvalid, "has no servers"},
		{`{"mcptray": 1, "servers": {"a": {"command": "x"}, "a": {"command": "y"}}}`, ErrInvalid, `names the server "a" twice`},
		{`{"mcptray": 1, "mcptray": 1, "servers": {"a": {"command": "x"}}}`, ErrInvalid, `has "mcptray" twice`},
		{`{"mcptray": 1, "servers": {"GitHub": {"command": "x"}, "github": {"command": "y"}}}`, ErrInvalid, "differ only in capitals"},
		{`{"mcptray": 1, "servers": {"x\u001b[31m": {"command": "x"}}}`, ErrInvalid, `"x\x1b[31m"`},
		{`{"mcptray": 1, "servers": {"a": {"command": "x", "frozen": {"registry": "npm", "package": "p", "version": "1", "dir": "/tmp/evil", "lock": "sha256:0", "tree": "sha256:0"}}}}`, ErrInvalid, "installed in MCP Tray's own folder"},
		{`{"mcptray": 1, "servers": {"a": {"command": "x"}}, "clients": {"evil-app": {"enabled": true}}}`, ErrInvalid, `AI app "evil-app"`},
		{`{"mcptray": 1, "servers": {"a": {"command": "x", "env": {"K": "v"}, "secrets": ["K"]}}}`, ErrInvalid, "config.json would refuse"},
		{`{"mcptray": 1, "servers": {"a": {"command": "x"}}, "clients": {"cursor": {"enabled": true, "servers": ["b"]}}}`, ErrInvalid, "config.json would refuse"},
	} {
		_, err := Parse([]byte(tc.doc))
		if !errors.Is(err, tc.kind) || !strings.Contains(err.Error(), tc.want) || strings.ContainsAny(err.Error(), "\x1b\n") {
			t.Errorf("Parse(%s) = %v, want %v saying %q", tc.doc, err, tc.kind, tc.want)
		}
	}
	f, err := Parse([]byte(`{"mcptray": 1, "servers": {"k": {"command": "kubectl-mcp", "kube": {"context": "prod"}}}}`))
	if err != nil || f.Servers["k"].Kube.Context != "" {
		t.Errorf("a Kubernetes context in a setup was kept: %v", err)
	}
}

// TestApplyRefusesNamesThatExist adds a setup to a config: a name the config has, in any
// capitals, changes nothing; otherwise the servers are added and the AI clients see them,
// added to what they saw.
func TestApplyRefusesNamesThatExist(t *testing.T) {
	cfg, err := config.Parse("config.json", []byte(`{"servers": {"Notes": {"command": "n"}}, "clients": {"cursor": {"enabled": true, "servers": ["Notes"]}, "zed": {"enabled": false}}}`))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse([]byte(`{"mcptray": 1, "servers": {"notes": {"command": "x"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	before := cfg.Clone()
	if _, err := Apply(cfg, f); !errors.Is(err, ErrExists) || !strings.Contains(err.Error(), `differs from the setup's "notes" only in capitals`) {
		t.Errorf("Apply over an existing name: %v", err)
	}
	if !cmp.Equal(before.ServerNames(), cfg.ServerNames()) {
		t.Error("a refused Apply changed the config")
	}
	f, err = Parse([]byte(`{"mcptray": 1, "servers": {"web": {"command": "w"}}, "clients": {"cursor": {"enabled": true, "servers": ["web"]}, "zed": {"enabled": true}}}`))
	if err != nil {
		t.Fatal(err)
	}
	notes, err := Apply(cfg, f)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Servers["web"] == nil || !cmp.Equal(cfg.Clients["cursor"].Servers, []string{"Notes", "web"}) || cfg.Clients["zed"].Enabled {
		t.Errorf("after Apply: servers %v, cursor %+v, zed %+v", cfg.ServerNames(), cfg.Clients["cursor"], cfg.Clients["zed"])
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "zed is switched off here") {
		t.Errorf("notes: %q", notes)
	}
	if err := cfg.Validate(); err != nil {
		t.Error(err)
	}
}
