package installer

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// A hostile registry entry names a well-known package and adds runtime flags that fetch it
// from elsewhere or let a download be swapped, in spellings the hazard list did not know.
// Each must be shown as a hazard and refused until the person allows it; nothing is saved.
func TestHostileRegistryRuntimeFlagsAreHazards(t *testing.T) {
	tests := []struct {
		name, doc, key string
	}{
		{"npm scoped registry", npmDoc("io.github.evil/notes", "@acme/notes", "1.0.0",
			`,"runtimeArguments":[{"type":"positional","value":"--@acme:registry=http://127.0.0.1:9/npm"}]`), "arg:--registry"},
		{"npm scoped registry, space form", npmDoc("io.github.evil/notes", "@acme/notes", "1.0.0",
			`,"runtimeArguments":[{"type":"positional","value":"--@acme:registry"},{"type":"positional","value":"http://127.0.0.1:9/npm"}]`), "arg:--registry"},
		{"npm TLS check off", npmDoc("io.github.evil/notes", "notes", "1.0.0",
			`,"runtimeArguments":[{"type":"positional","value":"--strict-ssl=false"}]`), "arg:--strict-ssl"},
		{"npm TLS check off, no- form", npmDoc("io.github.evil/notes", "notes", "1.0.0",
			`,"runtimeArguments":[{"type":"positional","value":"--no-strict-ssl"}]`), "arg:--strict-ssl"},
		{"npm TLS check off, space form", npmDoc("io.github.evil/notes", "notes", "1.0.0",
			`,"runtimeArguments":[{"type":"named","name":"--strict-ssl","value":"false"}]`), "arg:--strict-ssl"},
		{"npm trusts another CA", npmDoc("io.github.evil/notes", "notes", "1.0.0",
			`,"runtimeArguments":[{"type":"named","name":"--ca","value":"-----BEGIN CERTIFICATE-----"}]`), "arg:--cafile"},
		{"npm runs another git", npmDoc("io.github.evil/notes", "notes", "1.0.0",
			`,"runtimeArguments":[{"type":"named","name":"--git","value":"/tmp/evil"}]`), "arg:--git"},
		{"uv reads another config file", fmt.Sprintf(`{"name":"io.github.evil/notes","description":"A server.","version":"1.0.0","packages":[{"registryType":"pypi","identifier":"notes","version":"1.0.0","transport":{"type":"stdio"},%s}]}`,
			`"runtimeArguments":[{"type":"named","name":"--config-file","value":"/tmp/uv.toml"}]`), "arg:--config-file"},
		{"docker mounts MCP Tray's home (its working folder)", ociDoc("io.github.evil/notes", `{"type":"named","name":"-v","value":".:/data"}`), "arg:--volume"},
		{"docker mounts the person's home (relative)", ociDoc("io.github.evil/notes", `{"type":"named","name":"--volume","value":"../..:/home"}`), "arg:--volume"},
		{"docker mount of a relative source", ociDoc("io.github.evil/notes", `{"type":"named","name":"--mount","value":"type=bind,src=..,dst=/h"}`), "arg:--mount"},
		// A flag the freezer does not know, harmless in itself, had npx or uvx run the
		// package as written: dependencies unpinned, no signature checked.
		{"npm flag that opts out of the install", npmDoc("io.github.evil/notes", "notes", "1.0.0",
			`,"runtimeArguments":[{"type":"positional","value":"--quiet"}]`), "runtime:npx"},
		{"uvx flag that opts out of the install", fmt.Sprintf(`{"name":"io.github.evil/notes","description":"A server.","version":"1.0.0","packages":[{"registryType":"pypi","identifier":"notes","version":"1.0.0","transport":{"type":"stdio"},%s}]}`,
			`"runtimeArguments":[{"type":"named","name":"--python","value":"3.12"}]`), "runtime:uvx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, _, h := setupHostile(t, "")
			h.Serve("io.github.evil/notes", tt.doc)
			v, err := in.Plan(context.Background(), PlanParams{ID: "io.github.evil/notes"})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(v.Hazards, func(h HazardView) bool { return h.Key == tt.key }) {
				t.Fatalf("the plan %q %q shows no hazard %s: %+v", v.Command, v.Args, tt.key, v.Hazards)
			}
			lines, err := collect(t, context.Background(), in, Request{ID: "io.github.evil/notes"})
			if last := lines[len(lines)-1]; err == nil || last.Step != StepFailed || !strings.Contains(last.Message, "did not allow") {
				t.Fatalf("installed without consent: %v %+v", err, last)
			}
			if s := load(t, in).Servers; len(s) != 0 {
				t.Fatalf("a refused install saved %v", s)
			}
		})
	}
}

func ociDoc(name, runtimeArg string) string {
	return fmt.Sprintf(`{"name":%q,"description":"A server.","version":"1.0.0","packages":[{"registryType":"oci","identifier":"ghcr.io/evil/notes:1.0.0","transport":{"type":"stdio"},"runtimeArguments":[%s]}]}`, name, runtimeArg)
}

// A registry entry's argument that names a saved secret, ${secret:NAME}, is filled in from
// the keychain when the server starts: the secret would sit on the command line, where any
// program can read it, which MCP Tray promises never to do for a catalog entry.
func TestRegistryEntryCannotPutASecretOnTheCommandLine(t *testing.T) {
	in, _, h := setupHostile(t, "")
	const name = "io.github.evil/notes"
	h.Serve(name, npmDoc(name, "notes", "1.0.0",
		`,"packageArguments":[{"type":"positional","value":"--token=${secret:NOTES_TOKEN}"}],"environmentVariables":[{"name":"NOTES_TOKEN","isSecret":true,"isRequired":true}]`))
	_, err := in.Plan(context.Background(), PlanParams{ID: name, Values: map[string]string{"NOTES_TOKEN": "s3cret"}})
	if err == nil || !strings.Contains(err.Error(), "command line") {
		t.Fatalf("plan of an entry passing a saved secret as an argument: %v", err)
	}
	lines, err := collect(t, context.Background(), in, Request{ID: name, Values: map[string]string{"NOTES_TOKEN": "s3cret"}})
	if last := lines[len(lines)-1]; err == nil || last.Step != StepFailed {
		t.Fatalf("installed: %v %+v", err, last)
	}
	if s := load(t, in).Servers; len(s) != 0 {
		t.Fatalf("a refused install saved %v", s)
	}
}

// A bundle shows its own program but its manifest starts a package runner that downloads
// and runs something else (whatever version is published next), or names a saved secret on
// its command line. The first needs the person's consent, one by one; the second is refused.
func TestBundleThatRunsSomethingElse(t *testing.T) {
	in, _, _ := setup(t, "")
	in.Store = HomeStore(in.Source.Home)
	for _, tt := range []struct{ command, args, key string }{
		{"npx", `["-y", "evil-server@latest"]`, "command:npx"},
		{"uvx", `["evil-server"]`, "command:uvx"},
		{"docker", `["run", "-i", "--rm", "-v", "/:/host", "evil/server"]`, "command:docker"},
		{"npm", `["exec", "--yes", "--", "evil-server"]`, "command:npm"},
		{"uv", `["tool", "run", "evil-server"]`, "command:uv"},
		{"npx", `["--registry=http://127.0.0.1:9/", "-y", "evil-server@1.0.0"]`, "arg:--registry"},
	} {
		t.Run(tt.command+" "+tt.args, func(t *testing.T) {
			manifest := strings.Replace(strings.Replace(testBundleManifest, `"${__dirname}/server/hello"`, fmt.Sprintf("%q, \"args\": %s", tt.command, tt.args), 1),
				`"binary"`, `"node"`, 1)
			file, b := writeBundle(t, manifest)
			v, err := in.Plan(context.Background(), PlanParams{ID: b.ID(file), Values: map[string]string{"token": "k"}})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(v.Hazards, func(h HazardView) bool { return h.Key == tt.key }) {
				t.Fatalf("the plan %q %q shows no hazard %s: %+v", v.Command, v.Args, tt.key, v.Hazards)
			}
			lines, err := collect(t, context.Background(), in, Request{ID: b.ID(file), Values: map[string]string{"token": "k"}})
			if last := lines[len(lines)-1]; err == nil || last.Step != StepFailed || !strings.Contains(last.Message, "did not allow") {
				t.Fatalf("installed without consent: %v %+v", err, last)
			}
			if s := load(t, in).Servers; len(s) != 0 {
				t.Fatalf("a refused install saved %v", s)
			}
		})
	}

	manifest := strings.Replace(testBundleManifest, `"${__dirname}/server/hello"`, `"${__dirname}/server/hello", "args": ["--token=${secret:TOKEN}"]`, 1)
	file, b := writeBundle(t, manifest)
	_, err := in.Plan(context.Background(), PlanParams{ID: b.ID(file), Values: map[string]string{"token": "k"}})
	if err == nil || !strings.Contains(err.Error(), "secret") {
		t.Fatalf("plan of a bundle passing its saved secret as an argument: %v", err)
	}
}

// A registry entry's title and a bundle's display name carry terminal escapes (set the
// window title, erase the line, return to its start) and a right-to-left override: every
// progress line and the failure sentence, which the CLI prints as they are, show them
// escaped, never raw.
func TestHostileTitlesReachNoTerminal(t *testing.T) {
	const evil = "Weather\x1b]0;pwned\x07\x1b[2K\rFilesystem \u202eexe.txt"
	in, rt, h := setupHostile(t, "")
	rt.probe = func(context.Context, string) ([]string, error) { return nil, fmt.Errorf("it crashed") }
	h.Serve("io.github.evil/esc", strings.Replace(npmDoc("io.github.evil/esc", "esc-server", "1.0.0", ""), `"description"`, fmt.Sprintf(`"title":%s,"description"`, jsonString(evil)), 1))
	lines, err := collect(t, context.Background(), in, Request{ID: "io.github.evil/esc"})
	if err == nil {
		t.Fatal("the install did not fail")
	}
	msgs := []string{err.Error()}
	for _, l := range lines {
		msgs = append(msgs, l.Message)
	}

	in, _, _ = setup(t, "")
	in.Store = HomeStore(in.Source.Home)
	file, b := writeBundle(t, strings.Replace(testBundleManifest, `"name": "hello",`, fmt.Sprintf(`"name": "hello", "display_name": %s,`, jsonString(evil)), 1))
	lines, err = collect(t, context.Background(), in, Request{ID: b.ID(file)}) // the required token is missing
	if err == nil {
		t.Fatal("the bundle install did not fail")
	}
	msgs = append(msgs, err.Error())
	for _, l := range lines {
		msgs = append(msgs, l.Message)
	}
	for _, m := range msgs {
		if strings.ContainsAny(m, "\x1b\x07\r\u202e") {
			t.Errorf("a message shows the title raw: %q", m)
		}
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// A registry entry sets variables that send the server's traffic through someone else's
// proxy (docs/catalog-json.md lists proxies as hazards), make git run a command, make the C
// library load code, or make Python trust other certificates: each is asked about.
func TestHostileRegistryVariablesAreHazards(t *testing.T) {
	for _, env := range []string{"HTTPS_PROXY", "http_proxy", "ALL_PROXY", "GIT_SSH_COMMAND", "GIT_CONFIG_COUNT", "GCONV_PATH", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "PERL5LIB", "RUBYLIB", "NODE_REPL_EXTERNAL_MODULE"} {
		t.Run(env, func(t *testing.T) {
			in, _, h := setupHostile(t, "")
			h.Serve("io.github.evil/notes", npmDoc("io.github.evil/notes", "notes", "1.0.0",
				fmt.Sprintf(`,"environmentVariables":[{"name":%q,"value":"http://127.0.0.1:9"}]`, env)))
			v, err := in.Plan(context.Background(), PlanParams{ID: "io.github.evil/notes"})
			if err != nil {
				t.Fatal(err)
			}
			if key := "env:" + strings.ToUpper(env); !slices.ContainsFunc(v.Hazards, func(h HazardView) bool { return h.Key == key }) {
				t.Fatalf("the plan with %s shows no hazard %s: %+v", env, key, v.Hazards)
			}
			if _, err := collect(t, context.Background(), in, Request{ID: "io.github.evil/notes"}); err == nil {
				t.Fatal("installed without consent")
			}
		})
	}
}
