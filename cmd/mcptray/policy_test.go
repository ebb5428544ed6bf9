package main

import "testing"

func TestAppName(t *testing.T) {
	for _, c := range []struct{ client, app, want string }{
		{"Claude Desktop", "", "Claude Desktop"},
		{"Claude Desktop", "/usr/bin/node", "Claude Desktop (claimed; started by /usr/bin/node)"},
		{"cursor", "/opt/Cursor/cursor", "cursor"},
		{"", "/usr/bin/node", "An AI app (started by /usr/bin/node)"},
		{"", "", "An AI app"},
		{"Claude\x1b[2J", "/tmp/evil\rok", `Claude\x1b[2J (claimed; started by /tmp/evil\rok)`},
	} {
		if got := appName(c.client, c.app); got != c.want {
			t.Errorf("appName(%q, %q) = %q, want %q", c.client, c.app, got, c.want)
		}
	}
}
