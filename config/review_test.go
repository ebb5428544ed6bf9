package config

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func mustParse(t *testing.T, s string) *Config {
	t.Helper()
	c, err := Parse("config.json", []byte(s))
	if err != nil {
		t.Fatalf("parsing %s: %v", s, err)
	}
	return c
}

func compact(t *testing.T, c *Config) string {
	t.Helper()
	return string(mustJSON(c))
}

func mustJSON(c *Config) []byte {
	b, err := c.MarshalJSON()
	if err != nil {
		panic(err)
	}
	return b
}

const base = `{"servers": {
	"fs": {"command": "node", "args": ["fs.js"], "env": {"A": "1"}, "secrets": ["TOKEN"], "cwd": "/w",
	       "policy": {"tools": {"read": "allow", "write": "ask", "rm": "deny"}},
	       "source": {"catalog": "files", "version": "1.0"}},
	"ev": {"command": "/usr/bin/node", "args": ["/h/servers/ev/2.0/node_modules/ev/index.js"],
	       "frozen": {"registry": "npm", "package": "ev", "version": "2.0", "dir": "/h/servers/ev/2.0", "lock": "sha256:aa", "tree": "sha256:bb"},
	       "rollback": {"command": "/usr/bin/node", "args": ["/h/servers/ev/1.0/node_modules/ev/index.js"]},
	       "allowed": ["env:NODE_OPTIONS"]},
	"off": {"command": "off-server", "disabled": true},
	"k8s": {"command": "kube-mcp", "kube": {"context": "dev"}}
},
"clients": {"cursor": {"enabled": true, "servers": ["fs"]}, "claude-desktop": {"enabled": false}},
"settings": {"productionContexts": ["main"], "registryURL": "off"}}`

// TestReviewClassifiesEveryField changes one field of config.json at a time: a loosening
// change waits (effective keeps the accepted value, one sentence says what would happen), any
// other applies at once.
func TestReviewClassifiesEveryField(t *testing.T) {
	for _, tc := range []struct {
		name    string
		edit    func(c *Config)
		loosens string // a part of the sentence; empty when the change applies at once
	}{
		{"new server", func(c *Config) { c.Servers["evil"] = &Server{Command: "/usr/bin/evil", Args: []string{"--flag"}} }, `A new server "evil" would run: /usr/bin/evil --flag`},
		{"new server turned off", func(c *Config) { c.Servers["evil"] = &Server{Command: "evil", Disabled: true} }, `A new server "evil" would be added, turned off`},
		{"removed server", func(c *Config) { delete(c.Servers, "off"); delete(c.Servers, "k8s") }, ""},
		{"command", func(c *Config) { c.Servers["fs"].Command = "sh" }, `"fs" would run a different program: sh fs.js`},
		{"args", func(c *Config) { c.Servers["fs"].Args = []string{"-c", "curl x | sh"} }, `would run a different program: node -c "curl x | sh"`},
		{"env", func(c *Config) { c.Servers["fs"].Env["LD_PRELOAD"] = "/tmp/x.so" }, `"fs" would run with different settings`},
		{"env removed", func(c *Config) { c.Servers["fs"].Env = nil }, `"fs" would run with different settings`},
		{"secrets", func(c *Config) { c.Servers["fs"].Secrets = []string{"OTHER"} }, `"fs" would run with different settings`},
		{"cwd", func(c *Config) { c.Servers["fs"].Dir = "/" }, `"fs" would run with different settings`},
		{"installed files' record", func(c *Config) { c.Servers["ev"].Frozen.Tree = "sha256:cc" }, `"ev" would run from installed files MCP Tray did not install or check`},
		{"installed files' record removed", func(c *Config) { c.Servers["ev"].Frozen = nil }, `"ev" would run from installed files`},
		{"rollback", func(c *Config) { c.Servers["ev"].Rollback.Args = []string{"/tmp/evil.js"} }, `"ev" would go back to a different version on a rollback`},
		{"rollback added", func(c *Config) { c.Servers["fs"].Rollback = &Server{Command: "sh"} }, `"fs" would go back to a different version`},
		{"allowed hazard added", func(c *Config) { c.Servers["ev"].Allowed = append(c.Servers["ev"].Allowed, "env:LD_PRELOAD") }, `"ev" would be allowed to use "env:LD_PRELOAD"`},
		{"allowed hazard removed", func(c *Config) { c.Servers["ev"].Allowed = nil }, ""},
		{"turned on", func(c *Config) { c.Servers["off"].Disabled = false }, `"off", which is turned off, would be turned on`},
		{"turned off", func(c *Config) { c.Servers["fs"].Disabled = true }, ""},
		{"mode", func(c *Config) { c.Servers["fs"].Mode = ModeShared }, ""},
		{"no spare", func(c *Config) { c.Servers["fs"].NoSpare = true }, ""},
		{"trust on", func(c *Config) { c.Servers["fs"].Policy.Trust = true }, `Every tool of the server "fs" would run without asking`},
		{"trust on, no policy before", func(c *Config) { c.Servers["off"].EnsurePolicy().Trust = true }, `Every tool of the server "off"`},
		{"ask to allow", func(c *Config) { c.Servers["fs"].Policy.Tools["write"] = RuleAllow }, `The tool "write" of "fs" would run without asking`},
		{"none to allow", func(c *Config) { c.Servers["fs"].Policy.Tools["new"] = RuleAllow }, `The tool "new" of "fs" would run without asking`},
		{"deny to ask", func(c *Config) { c.Servers["fs"].Policy.Tools["rm"] = RuleAsk }, `The tool "rm" of "fs" would ask instead of being refused`},
		{"ask rule removed", func(c *Config) { delete(c.Servers["fs"].Policy.Tools, "write") }, `would lose its rule "ask"`},
		{"deny rule removed", func(c *Config) { delete(c.Servers["fs"].Policy.Tools, "rm") }, `would lose its rule "deny"`},
		{"allow to ask", func(c *Config) { c.Servers["fs"].Policy.Tools["read"] = RuleAsk }, ""},
		{"allow to deny", func(c *Config) { c.Servers["fs"].Policy.Tools["read"] = RuleDeny }, ""},
		{"none to deny", func(c *Config) { c.Servers["fs"].Policy.Tools["new"] = RuleDeny }, ""},
		{"none to ask", func(c *Config) { c.Servers["fs"].Policy.Tools["new"] = RuleAsk }, ""},
		{"allow rule removed", func(c *Config) { delete(c.Servers["fs"].Policy.Tools, "read") }, ""},
		{"source", func(c *Config) { c.Servers["fs"].Source.Version = "6.6.6" }, `"fs" would be updated from a different catalog entry`},
		{"kube context", func(c *Config) { c.Servers["k8s"].Kube.Context = "prod-eu" }, `"k8s" would reach the Kubernetes context "prod-eu"`},
		{"kube context cleared", func(c *Config) { c.Servers["k8s"].Kube.Context = "" }, ""},
		{"kube dropped", func(c *Config) { c.Servers["k8s"].Kube = nil }, `"k8s" would no longer be treated as a Kubernetes server`},
		{"kube added without context", func(c *Config) { c.Servers["fs"].Kube = &Kube{} }, ""},
		{"kube added with context", func(c *Config) { c.Servers["fs"].Kube = &Kube{Context: "prod"} }, `"fs" would reach the Kubernetes context "prod"`},
		{"new binding", func(c *Config) { c.Clients["windsurf"] = &ClientBinding{Enabled: true} }, `"windsurf" would see every server`},
		{"new binding turned off", func(c *Config) { c.Clients["windsurf"] = &ClientBinding{} }, ""},
		{"binding turned on", func(c *Config) { c.Clients["claude-desktop"].Enabled = true }, `"claude-desktop" would see every server`},
		{"binding sees more", func(c *Config) { c.Clients["cursor"].Servers = []string{"fs", "k8s"} }, `"cursor" would see the servers "fs", "k8s"`},
		{"binding sees every server", func(c *Config) { c.Clients["cursor"].Servers = nil }, `"cursor" would see every server`},
		{"binding turned off", func(c *Config) { c.Clients["cursor"].Enabled = false }, ""},
		{"binding removed", func(c *Config) { delete(c.Clients, "cursor") }, ""},
		{"production context dropped", func(c *Config) { c.Settings.ProductionContexts = nil }, `The Kubernetes context "main" would no longer count as production`},
		{"production context added", func(c *Config) { c.Settings.ProductionContexts = append(c.Settings.ProductionContexts, "eu") }, ""},
		{"production patterns narrowed", func(c *Config) { c.Settings.ProductionPatterns = []string{"prod"} }, `named like "production", "live" would no longer count`},
		{"production patterns widened", func(c *Config) { c.Settings.ProductionPatterns = []string{"PROD", "production", "live", "main"} }, ""},
		{"registry", func(c *Config) { c.Settings.RegistryURL = "https://evil.example" }, `from the registry at "https://evil.example"`},
		{"registry official", func(c *Config) { c.Settings.RegistryURL = "" }, `from the official MCP Registry`},
		{"approval timeout", func(c *Config) { c.Settings.ApprovalTimeoutSeconds = 3000 }, ""},
		{"start at login", func(c *Config) { c.Settings.StartAtLogin = true }, ""},
		{"theme", func(c *Config) { c.Settings.Theme = "dark" }, ""},
		{"unknown top-level field", func(c *Config) { c.extra = map[string]json.RawMessage{"hooks": []byte(`"x"`)} }, `Other settings MCP Tray does not know`},
		{"unknown server field", func(c *Config) { c.Servers["fs"].extra = map[string]json.RawMessage{"future": []byte(`false`)} }, `Settings of the server "fs" that MCP Tray does not know`},
		{"unknown policy field", func(c *Config) { c.Servers["fs"].Policy.extra = map[string]json.RawMessage{"x": []byte(`1`)} }, `Policy settings of the server "fs"`},
		{"unknown binding field", func(c *Config) { c.Clients["cursor"].extra = map[string]json.RawMessage{"x": []byte(`1`)} }, `Settings of "cursor" that MCP Tray does not know`},
		{"unknown settings field", func(c *Config) { c.Settings.extra = map[string]json.RawMessage{"x": []byte(`1`)} }, `App settings that MCP Tray does not know`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			accepted := mustParse(t, base)
			proposed := accepted.Clone()
			tc.edit(proposed)
			if err := proposed.Validate(); err != nil {
				t.Fatalf("the edit makes an invalid config: %v", err)
			}
			eff, changes := Review(accepted, proposed, ReviewOptions{})
			if err := eff.Validate(); err != nil {
				t.Errorf("effective config is invalid: %v", err)
			}
			if tc.loosens == "" {
				if len(changes) != 0 {
					t.Errorf("a tightening or neutral change waits: %q", changes)
				}
				if diff := cmp.Diff(compact(t, proposed), compact(t, eff)); diff != "" {
					t.Errorf("effective is not the proposed config (-proposed +effective):\n%s", diff)
				}
				return
			}
			if len(changes) != 1 || !strings.Contains(changes[0], tc.loosens) {
				t.Errorf("changes = %q, want one containing %q", changes, tc.loosens)
			}
			if diff := cmp.Diff(compact(t, accepted), compact(t, eff)); diff != "" {
				t.Errorf("effective is not the accepted config (-accepted +effective):\n%s", diff)
			}
		})
	}
}

// TestReviewAppliesTighteningBesideLoosening: a file that loosens one thing and tightens
// another runs the tightening now and holds the loosening.
func TestReviewAppliesTighteningBesideLoosening(t *testing.T) {
	accepted := mustParse(t, base)
	proposed := accepted.Clone()
	proposed.Servers["fs"].Policy.Tools["write"] = RuleAllow
	proposed.Servers["fs"].Policy.Tools["read"] = RuleDeny
	proposed.Servers["fs"].Policy.Trust = true
	proposed.Servers["evil"] = &Server{Command: "evil"}
	proposed.Clients["cursor"].Servers = []string{"fs", "evil"}
	delete(proposed.Servers, "off")
	eff, changes := Review(accepted, proposed, ReviewOptions{ClientName: func(id string) string { return map[string]string{"cursor": "Cursor"}[id] }})
	want := []string{
		`A new server "evil" would run: evil`,
		`Every tool of the server "fs" would run without asking.`,
		`The tool "write" of "fs" would run without asking.`,
		`Cursor would see the servers "fs", "evil".`,
	}
	if diff := cmp.Diff(want, changes); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	fs := eff.Servers["fs"]
	if eff.Servers["evil"] != nil || eff.Servers["off"] != nil || fs.Policy.Trust || fs.Policy.Tools["write"] != RuleAsk || fs.Policy.Tools["read"] != RuleDeny {
		t.Errorf("effective = %s", mustJSON(eff))
	}
	if got := eff.Clients["cursor"].Servers; !cmp.Equal(got, []string{"fs"}) {
		t.Errorf("Cursor sees %q, want only fs", got)
	}
}

// TestReviewEscapesText: names from config.json cannot paint over the sentence.
func TestReviewEscapesText(t *testing.T) {
	accepted := mustParse(t, `{"servers": {}}`)
	proposed := mustParse(t, `{"servers": {"x": {"command": "rm\r\u001b[2Kls"}}}`)
	_, changes := Review(accepted, proposed, ReviewOptions{})
	if len(changes) != 1 || strings.ContainsAny(changes[0], "\r\x1b") {
		t.Errorf("changes = %q", changes)
	}
}

// TestCarryTakesOnlyTheWritersChange: MCP Tray's own write is accepted; what another program
// put in the file meanwhile keeps waiting.
func TestCarryTakesOnlyTheWritersChange(t *testing.T) {
	accepted := mustParse(t, base)
	before := accepted.Clone() // the file, with another program's changes
	before.Servers["evil"] = &Server{Command: "evil"}
	before.Servers["fs"].Command = "sh"
	before.Servers["fs"].Policy.Tools["write"] = RuleAllow
	for _, tc := range []struct {
		name   string
		change func(c *Config)
		want   func(c *Config) // applied to accepted
	}{
		{"add a server", func(c *Config) { c.Servers["new"] = &Server{Command: "new"} }, func(c *Config) { c.Servers["new"] = &Server{Command: "new"} }},
		{"turn a server on", func(c *Config) { c.Servers["off"].Disabled = false }, func(c *Config) { c.Servers["off"].Disabled = false }},
		{"trust a server", func(c *Config) { c.Servers["fs"].Policy.Trust = true }, func(c *Config) { c.Servers["fs"].Policy.Trust = true }},
		{"remove a server", func(c *Config) { delete(c.Servers, "fs"); c.Clients["cursor"].Servers = nil }, func(c *Config) { delete(c.Servers, "fs"); c.Clients["cursor"].Servers = nil }},
		{"change a waiting server", func(c *Config) { c.Servers["evil"].Disabled = true }, func(c *Config) {}},
		{"remove a waiting server", func(c *Config) { delete(c.Servers, "evil") }, func(c *Config) {}},
		{"bind a client", func(c *Config) { c.Clients["windsurf"] = &ClientBinding{Enabled: true} }, func(c *Config) { c.Clients["windsurf"] = &ClientBinding{Enabled: true} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			after := before.Clone()
			tc.change(after)
			got, err := Carry(before, after, accepted)
			if err != nil {
				t.Fatal(err)
			}
			want := accepted.Clone()
			tc.want(want)
			if diff := cmp.Diff(compact(t, want), compact(t, got)); diff != "" {
				t.Errorf("accepted (-want +got):\n%s", diff)
			}
			if got.Servers["evil"] != nil || got.Servers["fs"] != nil && (got.Servers["fs"].Command != "node" || got.Servers["fs"].Policy.Tools["write"] != RuleAsk) {
				t.Errorf("another program's change was accepted along: %s", mustJSON(got))
			}
		})
	}
}

// TestAcceptedSeal: accepted.json round-trips under its key; an edit, another key, or its
// removal while the key exists is ErrTampered; the first run is ErrNoAccepted.
func TestAcceptedSeal(t *testing.T) {
	h := Home(t.TempDir())
	k, err := h.LoadAcceptKey(t.Context(), nil)
	if err != nil || !k.Fresh {
		t.Fatalf("first key: %v fresh=%v", err, k.Fresh)
	}
	if _, err := h.LoadAccepted(k); !errors.Is(err, ErrNoAccepted) {
		t.Fatalf("first run: %v, want ErrNoAccepted", err)
	}
	c := mustParse(t, base)
	if err := h.SaveAccepted(k, c); err != nil {
		t.Fatal(err)
	}
	k2, err := h.LoadAcceptKey(t.Context(), nil)
	if err != nil || k2.Fresh {
		t.Fatalf("second key: %v fresh=%v", err, k2.Fresh)
	}
	got, err := h.LoadAccepted(k2)
	if err != nil || !SameConfig(got, c) {
		t.Fatalf("round trip: %v", err)
	}
	if fi, err := os.Stat(h.AcceptedFile()); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("accepted.json mode: %v %v", fi, err)
	}
	data, _ := os.ReadFile(h.AcceptedFile())
	os.WriteFile(h.AcceptedFile(), []byte(strings.Replace(string(data), `"off-server"`, `"evil"`, 1)), 0o600)
	if _, err := h.LoadAccepted(k2); !errors.Is(err, ErrTampered) {
		t.Errorf("edited: %v, want ErrTampered", err)
	}
	os.Remove(h.AcceptedFile())
	if _, err := h.LoadAccepted(k2); !errors.Is(err, ErrTampered) {
		t.Errorf("removed: %v, want ErrTampered", err)
	}
}

// TestUpdateCallsTheWriteHook: the hook sees before and after under the lock and can stop
// the write.
func TestUpdateCallsTheWriteHook(t *testing.T) {
	h := Home(t.TempDir())
	if err := h.Update(func(c *Config) error { c.Servers["a"] = &Server{Command: "a"}; return nil }); err != nil {
		t.Fatal(err)
	}
	var saw []string
	remove := HookHome(h, func(_ Home, before, after *Config) error {
		saw = append(saw, strings.Join(before.ServerNames(), ",")+"→"+strings.Join(after.ServerNames(), ","))
		if after.Servers["refused"] != nil {
			return errors.New("no")
		}
		return nil
	})
	defer remove()
	if err := h.Update(func(c *Config) error { c.Servers["b"] = &Server{Command: "b"}; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := h.Update(func(c *Config) error { c.Servers["refused"] = &Server{Command: "r"}; return nil }); err == nil {
		t.Error("a refused write succeeded")
	}
	c, _ := h.Load()
	if diff := cmp.Diff([]string{"a→a,b", "a,b→a,b,refused"}, saw); diff != "" || c.Servers["refused"] != nil {
		t.Errorf("hook calls (-want +got):\n%s\nfile: %v", diff, c.ServerNames())
	}
}
