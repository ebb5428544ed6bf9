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

func TestIsFingerprintCode(t *testing.T) {
	for code, want := range map[string]bool{
		"0123456789abcdef": true,
		"0123456789ABCDEF": true,
		"0123456789abcde":  false,
		"0123456789abcdeg": false,
		"CODE":             false,
		"27abfc9639a5595bfd13c29bce64e8965b97deec6c39a19c65e0560ea49c8c8f": true,
	} {
		if got := isFingerprintCode(code); got != want {
			t.Errorf("isFingerprintCode(%q) = %v, want %v", code, got, want)
		}
	}
}
