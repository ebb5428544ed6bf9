package config

import (
	"strings"
	"testing"
)

func TestSandboxForms(t *testing.T) {
	c := mustParse(t, `{"servers": {
		"unchosen": {"command": "a"},
		"off": {"command": "b", "sandbox": false},
		"on": {"command": "c", "sandbox": {"read": ["~/docs"], "write": ["/srv/notes"], "network": true, "future": 1}},
		"bare": {"command": "d", "sandbox": {}}
	}}`)
	if s := c.Servers["unchosen"].Sandbox; s != nil || s.Confined() {
		t.Errorf("no sandbox member read as %+v", s)
	}
	if s := c.Servers["off"].Sandbox; s == nil || !s.Off || s.Confined() {
		t.Errorf(`"sandbox": false read as %+v`, s)
	}
	on := c.Servers["on"].Sandbox
	if !on.Confined() || !on.Network || on.Read[0] != "~/docs" || on.Write[0] != "/srv/notes" {
		t.Errorf("sandbox object read as %+v", on)
	}
	if bare := c.Servers["bare"].Sandbox; !bare.Confined() || bare.Network {
		t.Errorf("an empty sandbox object is not confined without network: %+v", bare)
	}
	out := compact(t, c)
	for _, want := range []string{`"sandbox":false`, `"sandbox":{"future":1,"network":true,"read":["~/docs"],"write":["/srv/notes"]}`, `"sandbox":{"network":false}`} {
		if !strings.Contains(out, want) {
			t.Errorf("saved config lacks %s:\n%s", want, out)
		}
	}
	if strings.Count(out, "sandbox") != 3 {
		t.Errorf("a server without a sandbox member gained one:\n%s", out)
	}
}

// TestReviewSandbox: anything that lets a confined server touch more waits for the person;
// confining more applies at once.
func TestReviewSandbox(t *testing.T) {
	const acc = `{"servers": {
		"fs": {"command": "node", "sandbox": {"read": ["~/docs"], "write": ["~/notes"], "network": false}},
		"open": {"command": "x"}
	}}`
	for _, tc := range []struct {
		name, proposed, loosens string
	}{
		{"network on", `"fs": {"command": "node", "sandbox": {"read": ["~/docs"], "write": ["~/notes"], "network": true}}`, `"fs" could use the internet`},
		{"write folder added", `"fs": {"command": "node", "sandbox": {"read": ["~/docs"], "write": ["~/notes", "~"], "network": false}}`, `could read and change files in "~"`},
		{"read becomes write", `"fs": {"command": "node", "sandbox": {"write": ["~/notes", "~/docs"], "network": false}}`, `could read and change files in "~/docs"`},
		{"read folder added", `"fs": {"command": "node", "sandbox": {"read": ["~/docs", "~/.ssh"], "write": ["~/notes"], "network": false}}`, `could read files in "~/.ssh"`},
		{"turned off", `"fs": {"command": "node", "sandbox": false}`, `would run outside its sandbox`},
		{"removed", `"fs": {"command": "node"}`, `would run outside its sandbox`},
		{"unknown field", `"fs": {"command": "node", "sandbox": {"read": ["~/docs"], "write": ["~/notes"], "network": false, "x": 1}}`, `sandbox settings MCP Tray does not know`},
		{"folder taken away", `"fs": {"command": "node", "sandbox": {"write": ["~/notes"], "network": false}}`, ""},
		{"write becomes read", `"fs": {"command": "node", "sandbox": {"read": ["~/docs", "~/notes"], "network": false}}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := mustParse(t, acc)
			p := mustParse(t, `{"servers": {`+tc.proposed+`, "open": {"command": "x", "sandbox": {"network": false}}}}`)
			eff, changes := Review(a, p, ReviewOptions{})
			all := strings.Join(changes, "\n")
			if !eff.Servers["open"].Sandbox.Confined() {
				t.Error("confining an unconfined server did not apply at once")
			}
			if tc.loosens == "" {
				if len(changes) != 0 {
					t.Errorf("tightening waits: %s", all)
				}
				if compact(t, eff) != compact(t, p) {
					t.Errorf("tightening not applied:\n%s", compact(t, eff))
				}
				return
			}
			if !strings.Contains(all, tc.loosens) {
				t.Errorf("changes %q lack %q", all, tc.loosens)
			}
			if !sameJSON(eff.Servers["fs"].Sandbox, a.Servers["fs"].Sandbox) {
				t.Errorf("loosened sandbox applied before confirmation: %s", compact(t, eff))
			}
		})
	}
}

func TestSandboxPathsMustBeFull(t *testing.T) {
	_, err := Parse("config.json", []byte(`{"servers": {"fs": {"command": "x", "sandbox": {"write": ["notes"]}}}}`))
	if err == nil || !strings.Contains(err.Error(), "sandbox.write") || !strings.Contains(err.Error(), `"notes"`) {
		t.Errorf("a relative sandbox path gives %v", err)
	}
	if _, err := Parse("config.json", []byte(`{"servers": {"fs": {"command": "x", "sandbox": {"read": ["~", "~/docs", "/srv"]}}}}`)); err != nil {
		t.Errorf("usable paths refused: %v", err)
	}
}
