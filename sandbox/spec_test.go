package sandbox

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestRulesKeepMCPTrayOut(t *testing.T) {
	home := t.TempDir()
	app := filepath.Join(home, ".config", "mcptray")
	state := filepath.Join(app, "servers", "notes")
	spec := Spec{
		Read:  []string{"~/docs", app, filepath.Join(app, "config.json"), "relative/path"},
		Write: []string{"~/notes/", filepath.Join(app, "servers", "other")},
	}
	r := spec.Rules(Context{Home: home, AppHome: app, Socket: "/run/user/1000/mcptray/x.sock",
		State: state, Temp: filepath.Join(home, "tmp")})
	for _, p := range slices.Concat(r.Read, r.Write) {
		if within(p, app) && !within(p, state) {
			t.Errorf("rules grant %s inside MCP Tray's home", p)
		}
		if !filepath.IsAbs(p) {
			t.Errorf("rules grant a relative path %s", p)
		}
	}
	for _, want := range []string{filepath.Join(home, "docs")} {
		if !slices.Contains(r.Read, want) {
			t.Errorf("read lacks %s: %v", want, r.Read)
		}
	}
	for _, want := range []string{filepath.Join(home, "notes"), state, filepath.Join(home, "tmp"), filepath.Join(state, "cache")} {
		if !slices.Contains(r.Write, want) {
			t.Errorf("write lacks %s: %v", want, r.Write)
		}
	}
	if want := []string{app, "/run/user/1000/mcptray"}; !slices.Equal(r.Hide, want) {
		t.Errorf("hide = %v, want %v", r.Hide, want)
	}
	if r.Network {
		t.Error("the zero Spec has network")
	}
	if !slices.Contains(r.Env, "TMPDIR="+filepath.Join(home, "tmp")) || !slices.Contains(r.Env, "npm_config_cache="+filepath.Join(state, "cache", "npm")) {
		t.Errorf("env = %v", r.Env)
	}
	for _, p := range slices.Concat(r.Read, r.Write) {
		if p == home || strings.Contains(p, ".ssh") {
			t.Errorf("rules grant %s", p)
		}
	}
}

func TestRuntimeRoots(t *testing.T) {
	home := t.TempDir()
	nvm := filepath.Join(home, ".nvm", "versions", "node", "v22.1.0")
	local := filepath.Join(home, ".local")
	for _, p := range []string{filepath.Join(nvm, "bin", "node"), filepath.Join(local, "bin", "uv")} {
		writeExe(t, p)
	}
	path := filepath.Join(nvm, "bin") + string(os.PathListSeparator) + filepath.Join(local, "bin")
	got := runtimePaths("", path, home)
	if !slices.Contains(got, nvm) {
		t.Errorf("the nvm installation %s is not granted: %v", nvm, got)
	}
	if slices.Contains(got, local) {
		t.Errorf("~/.local is granted whole because uv lives in ~/.local/bin: %v", got)
	}
	if !slices.Contains(got, filepath.Join(local, "bin", "uv")) {
		t.Errorf("uv itself is not granted: %v", got)
	}
	for _, p := range got {
		if p == home {
			t.Errorf("the home folder is granted: %v", got)
		}
	}
}

func writeExe(t *testing.T, p string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o700); err != nil {
		t.Fatal(err)
	}
}

func TestDescribe(t *testing.T) {
	home := "/home/ada"
	for _, c := range []struct {
		spec Spec
		want string
	}{
		{Spec{Write: []string{"~/Documents/notes"}}, "can read and change files in Documents/notes; cannot use the internet"},
		{Spec{Read: []string{"/srv/repo", "~"}, Network: true}, "can read files in /srv/repo and your home folder; cannot see the keys, passwords and browser data in them; can use the internet"},
		{Spec{Write: []string{"~/.config"}}, "can read and change files in .config; cannot see the keys, passwords and browser data in them; cannot use the internet"},
		{Spec{}, "can use only its own files; cannot use the internet"},
		{Spec{Write: []string{"~/a", "~/b", "/c"}}, "can read and change files in a, b and /c; cannot use the internet"},
	} {
		if got := Describe(c.spec, home); got != c.want {
			t.Errorf("Describe(%+v) = %q, want %q", c.spec, got, c.want)
		}
	}
}

func TestDeniedLines(t *testing.T) {
	home := "/home/ada"
	r := Rules{Hide: []string{"/home/ada/.config/mcptray"}, Read: []string{"/home/ada/docs"}}
	for _, c := range []struct{ line, want string }{
		{"Error: EACCES: permission denied, open '/home/ada/.ssh/id_rsa'", "tried to open ~/.ssh/id_rsa: not allowed by its sandbox"},
		{"PermissionError: [Errno 13] Permission denied: '/home/ada/.aws/credentials'", "tried to open ~/.aws/credentials: not allowed by its sandbox"},
		{"open /etc/shadow: permission denied", "tried to open /etc/shadow: not allowed by its sandbox"},
		{"mkdir /home/ada/x: permission denied", "tried to change ~/x: not allowed by its sandbox"},
		{"Error: EACCES: permission denied, mkdir '/home/ada/y'", "tried to change ~/y: not allowed by its sandbox"},
		{"open /home/ada/.config/mcptray/config.json: no such file or directory", "tried to open ~/.config/mcptray/config.json: not allowed by its sandbox"},
		{"dial unix /home/ada/.config/mcptray/mcptray.sock: connect: no such file or directory", "tried to connect to ~/.config/mcptray/mcptray.sock: not allowed by its sandbox"},
		{"dial tcp 1.2.3.4:443: connect: network is unreachable", "tried to use the network (1.2.3.4:443): not allowed by its sandbox"},
		{"Error: connect ENETUNREACH 1.2.3.4:443 - Local (undefined:undefined)", "tried to use the network (1.2.3.4:443): not allowed by its sandbox"},
		{"open /home/ada/missing.txt: no such file or directory", ""},
		{"open /home/ada/docs/a.md: permission denied", "tried to change ~/docs/a.md: not allowed by its sandbox"},
		{"Error: EACCES: permission denied, scandir '/tmp'", "tried to read /tmp: not allowed by its sandbox"},
		{"server started on stdio", ""},
	} {
		got, _ := NewDeniedLog(home, r).Line(c.line)
		if got != c.want {
			t.Errorf("Line(%q) = %q, want %q", c.line, got, c.want)
		}
	}
	d := NewDeniedLog(home, r)
	first, ok1 := d.Line("open /etc/shadow: permission denied")
	_, ok2 := d.Line("open /etc/shadow: permission denied")
	if !ok1 || ok2 || first == "" {
		t.Errorf("a repeated refusal is logged again (%v, %v)", ok1, ok2)
	}
}

func TestSeatbeltProfile(t *testing.T) {
	home := "/Users/ada"
	r := Rules{
		Read:  []string{"/usr", "/Users/ada/.nvm/versions/node/v22", `/Users/ada/we"ird`},
		Write: []string{"/Users/ada/Documents/notes", "/Users/ada/Library/Application Support/mcptray/servers/notes"},
		Hide:  []string{"/Users/ada/Library/Application Support/mcptray"},
	}
	p := seatbeltProfile(r, home)
	mustOrder(t, p,
		"(allow default)",
		"(deny file-write*)",
		`(deny file-read* file-write* (subpath "/Users/ada"))`,
		`(subpath "/Users/ada/.nvm/versions/node/v22")`,
		`(subpath "/Users/ada/we\"ird")`,
		`(allow file-write* (subpath "/Users/ada/Documents/notes")`,
		`(deny file-read* file-write* (subpath "/Users/ada/Library/Application Support/mcptray"))`,
		`(deny network-outbound (remote unix-socket (subpath "/Users/ada/Library/Application Support/mcptray")))`,
		`(allow file-read* file-write* (subpath "/Users/ada/Library/Application Support/mcptray/servers/notes"))`,
		"(deny network-outbound (remote ip))",
	)
	if strings.Count(p, "(") != strings.Count(p, ")") {
		t.Errorf("unbalanced profile:\n%s", p)
	}
	r.Network = true
	if strings.Contains(seatbeltProfile(r, home), "(remote ip)") {
		t.Error("a server with network gets its network denied")
	}
}

// mustOrder checks that each part appears in s after the one before it: in SBPL the last
// matching rule wins, so order is the policy.
func mustOrder(t *testing.T, s string, parts ...string) {
	t.Helper()
	at := 0
	for _, p := range parts {
		i := strings.Index(s[at:], p)
		if i < 0 {
			t.Fatalf("profile lacks %q after position %d:\n%s", p, at, s)
		}
		at += i + len(p)
	}
}

func TestLowIntegrityGaps(t *testing.T) {
	home := `C:\Users\ada`
	if filepath.Separator == '/' {
		home = "/home/ada"
	}
	gaps := lowIntegrityGaps(Rules{Write: []string{filepath.Join(home, "notes"), "/srv/data"}}, home)
	all := strings.Join(gaps, "\n")
	for _, want := range []string{"can still read every file you can read", "cannot take the network away", "/srv/data"} {
		if !strings.Contains(all, want) {
			t.Errorf("gaps lack %q:\n%s", want, all)
		}
	}
	if strings.Contains(strings.Join(lowIntegrityGaps(Rules{Network: true}, home), "\n"), "network") {
		t.Error("a server with network is told its network is not taken away")
	}
}

func TestRulesKeepProvidedFiles(t *testing.T) {
	app := "/home/ada/.config/mcptray"
	kube := app + "/kube/k8s.yaml"
	r := Spec{Read: []string{app + "/kube/other.yaml"}}.Rules(Context{Home: "/home/ada", AppHome: app, Provided: []string{kube}})
	if !slices.Contains(r.Read, kube) {
		t.Errorf("the server's own kubeconfig is not readable: %v", r.Read)
	}
	if slices.Contains(r.Read, app+"/kube/other.yaml") {
		t.Errorf("another server's kubeconfig is readable: %v", r.Read)
	}
}

// A confined server inherits what programs need from MCP Tray's environment, not the
// session's tokens (red team).
func TestInheritedLeavesTokensBehind(t *testing.T) {
	env := []string{"PATH=/usr/bin", "HOME=/home/p", "LANG=C.UTF-8", "LC_ALL=C", "XDG_CONFIG_HOME=/home/p/.config",
		"https_proxy=http://proxy:3128", "NODE_EXTRA_CA_CERTS=/etc/ca.pem", "GOPATH=/home/p/go",
		"GITHUB_TOKEN=ghp_x", "AWS_SECRET_ACCESS_KEY=s", "OPENAI_API_KEY=sk-x", "DATABASE_URL=postgres://u:p@db/x",
		"NODE_AUTH_TOKEN=npm_x", "UV_INDEX_PASSWORD=p", "GOOGLE_APPLICATION_CREDENTIALS=/k.json", "ANTHROPIC_API_KEY=sk-ant"}
	want := []string{"PATH=/usr/bin", "HOME=/home/p", "LANG=C.UTF-8", "LC_ALL=C", "XDG_CONFIG_HOME=/home/p/.config",
		"https_proxy=http://proxy:3128", "NODE_EXTRA_CA_CERTS=/etc/ca.pem", "GOPATH=/home/p/go"}
	if got := Inherited(env); !slices.Equal(got, want) {
		t.Errorf("Inherited =\n%q\nwant\n%q", got, want)
	}
}

// Credential words are matched as words (credential.Name): a runtime's setting that only has
// KEY, AUTH or SESSION inside a word passes, a credential under an inherited prefix does not.
func TestInheritedJudgesNamesWordByWord(t *testing.T) {
	env := []string{"UV_KEYRING_PROVIDER=subprocess", "XDG_SESSION_ID=2", "NPM_CONFIG_INIT_AUTHOR_NAME=Ada",
		"NPM_CONFIG_KEY=-----BEGIN", "CARGO_REGISTRIES_X_TOKEN=t", "NODE_SSH_KEYS=k", "PIP_PASSPHRASE=p", "npm_config_authToken=t", "XDG_SESSION_COOKIE=c"}
	want := []string{"UV_KEYRING_PROVIDER=subprocess", "XDG_SESSION_ID=2", "NPM_CONFIG_INIT_AUTHOR_NAME=Ada"}
	if got := Inherited(env); !slices.Equal(got, want) {
		t.Errorf("Inherited =\n%q\nwant\n%q", got, want)
	}
}
