package config

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestFrozenRoundTripsAndValidates(t *testing.T) {
	const doc = `{"servers": {"everything": {"command": "/usr/bin/node", "args": ["/h/servers/everything/1.0.0/x.js"],
  "frozen": {"registry": "npm", "package": "@m/everything", "version": "1.0.0", "dir": "/h/servers/everything/1.0.0",
    "lock": "sha256:aa", "tree": "sha256:bb", "provenance": "https://github.com/m/s"},
  "rollback": {"command": "npx", "args": ["-y", "@m/everything@0.9.0"]},
  "allowed": ["env:NODE_OPTIONS"]}}}`
	var c Config
	if err := json.Unmarshal([]byte(doc), &c); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	s := c.Servers["everything"]
	if f := s.Installed(); f.Tree != "sha256:bb" || f.Provenance != "https://github.com/m/s" || s.Rollback.Command != "npx" || s.Allowed[0] != "env:NODE_OPTIONS" {
		t.Fatalf("read %+v", s)
	}
	if got := c.Clone().Servers["everything"]; !got.Equal(s) {
		t.Error("a clone differs")
	}
	if (&Server{}).Installed() != (Frozen{}) {
		t.Error("a server without an install has one")
	}
	for _, tc := range []struct{ change, field string }{
		{`"registry": "npm"`, `"registry": "cargo"`},
		{`"dir": "/h/servers/everything/1.0.0"`, `"dir": "servers/everything"`},
		{`"tree": "sha256:bb"`, `"tree": "bb"`},
		{`"rollback": {"command": "npx"`, `"rollback": {"rollback": {"command": "x"}, "command": "npx"`},
	} {
		var bad Config
		if err := json.Unmarshal([]byte(strings.Replace(doc, tc.change, tc.field, 1)), &bad); err != nil {
			t.Fatal(err)
		}
		if err := bad.Validate(); err == nil {
			t.Errorf("%s was accepted", tc.field)
		}
	}
}
