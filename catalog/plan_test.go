package catalog

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func mustParse(t testing.TB, doc string) Entry {
	t.Helper()
	e, err := Parse([]byte(doc))
	if err != nil {
		t.Fatalf("Parse: %v\n%s", err, doc)
	}
	return e
}

// planView is the part of an InstallPlan the table below pins down.
type planView struct {
	Command string
	Args    []string
	Env     map[string]string
	Secrets []Secret
	Remote  *RemotePlan
	Version string
}

func view(p InstallPlan) planView {
	return planView{p.Command, p.Args, p.Env, p.Secrets, p.Remote, p.Version}
}

const githubStyle = `{
  "name": "io.github.github/github-mcp-server", "description": "GitHub.", "version": "0.32.0",
  "packages": [{
    "registryType": "oci", "identifier": "ghcr.io/github/github-mcp-server:0.32.0", "transport": {"type": "stdio"},
    "runtimeArguments": [
      {"type": "positional", "value": "run"},
      {"type": "named", "name": "-i", "value": "true", "format": "boolean"},
      {"type": "named", "name": "--rm", "value": "true", "format": "boolean"},
      {"type": "named", "name": "-e", "value": "GITHUB_PERSONAL_ACCESS_TOKEN={token}",
       "variables": {"token": {"isRequired": true, "isSecret": true}}},
      {"type": "named", "name": "-e", "value": "GITHUB_HOST"},
      {"type": "named", "name": "--network", "value": "host"},
      {"type": "positional", "valueHint": "image_name", "value": "ghcr.io/github/github-mcp-server"}
    ],
    "packageArguments": [{"type": "positional", "value": "stdio"}]
  }]
}`

const remoteNotes = `{
  "name": "io.example.notes/remote-notes", "description": "Notes.", "version": "2.0.0",
  "remotes": [{
    "type": "streamable-http", "url": "https://{tenant}.notes.example.com/mcp",
    "variables": {"tenant": {"isRequired": true}},
    "headers": [
      {"name": "Authorization", "value": "Bearer {api_key}", "variables": {"api_key": {"isRequired": true, "isSecret": true}}},
      {"name": "X-Notes-Region", "default": "eu", "choices": ["eu", "us"]},
      {"name": "X-Trace", "description": "Optional trace id"}
    ]
  }]
}`

func TestPlan(t *testing.T) {
	dirA, dirB := t.TempDir(), t.TempDir()
	home, err := os.UserHomeDir()
	if err != nil {
		t.Fatalf("this test needs a home directory: %v", err)
	}
	npm := func(extra string) string {
		return withPackage(`{"registryType":"npm","identifier":"@scope/pkg","version":"1.2.3","transport":{"type":"stdio"}` + extra + `}`)
	}
	tests := []struct {
		name    string
		doc     string
		answers map[string]string
		want    planView
	}{{
		name: "npm with repeated folders, ~ expanded",
		doc: npm(`,"packageArguments":[{"type":"positional","valueHint":"allowed_directory","format":"filepath",
			"isRequired":true,"isRepeated":true}]`),
		answers: map[string]string{"allowed_directory": JoinRepeated(dirA, "", "  "+dirB+"  ", "~/notes")},
		want: planView{Command: "npx", Version: "1.2.3",
			Args: []string{"-y", "@scope/pkg@1.2.3", dirA, dirB, filepath.Join(home, "notes")}},
	}, {
		name: "npm executable differs from the package",
		doc: strings.Replace(npm(""), `"version": "1.0.0",`,
			`"version": "1.0.0", "_meta": {"io.github.mcptray/catalog": {"id": "demo", "command": "demo-cli"}},`, 1),
		want: planView{Command: "npx", Version: "1.2.3", Args: []string{"-y", "--package=@scope/pkg@1.2.3", "demo-cli"}},
	}, {
		name: "npm private registry",
		doc:  withPackage(`{"registryType":"npm","registryBaseUrl":"https://npm.example.com","identifier":"pkg","version":"1.0.0","transport":{"type":"stdio"}}`),
		want: planView{Command: "npx", Version: "1.0.0", Args: []string{"-y", "--registry=https://npm.example.com", "pkg@1.0.0"}},
	}, {
		name: "npm secret and plain env, default used",
		doc: npm(`,"environmentVariables":[
			{"name":"API_KEY","isRequired":true,"isSecret":true},
			{"name":"UNITS","default":"metric","choices":["metric","imperial"]},
			{"name":"OPTIONAL_NOTE"},
			{"name":"FIXED","value":"yes"}]`),
		answers: map[string]string{"API_KEY": "  sk-123\n"},
		want: planView{Command: "npx", Version: "1.2.3", Args: []string{"-y", "@scope/pkg@1.2.3"},
			Env:     map[string]string{"UNITS": "metric", "FIXED": "yes"},
			Secrets: []Secret{{Env: "API_KEY", Value: "sk-123"}}},
	}, {
		name: "env composed from a secret variable is secret",
		doc: npm(`,"environmentVariables":[{"name":"OPENAPI_MCP_HEADERS","value":"{\"Authorization\":\"Bearer {token}\"}",
			"variables":{"token":{"isRequired":true,"isSecret":true}}}]`),
		answers: map[string]string{"token": "ntn_1"},
		want: planView{Command: "npx", Version: "1.2.3", Args: []string{"-y", "@scope/pkg@1.2.3"},
			Secrets: []Secret{{Env: "OPENAPI_MCP_HEADERS", Value: `{"Authorization":"Bearer ntn_1"}`}}},
	}, {
		name: "named arguments: fixed, templated, boolean switches",
		doc: npm(`,"packageArguments":[
			{"type":"named","name":"--mode","value":"stdio"},
			{"type":"named","name":"--port","value":"{port}","variables":{"port":{"format":"number","default":"8080"}}},
			{"type":"named","name":"--read-only","format":"boolean","default":"true"},
			{"type":"named","name":"--verbose","format":"boolean"},
			{"type":"named","name":"--headless","format":"boolean"},
			{"type":"positional","value":"--label={label}","variables":{"label":{}}}]`),
		answers: map[string]string{"port": "9090", "verbose": "TRUE", "headless": "false"},
		want: planView{Command: "npx", Version: "1.2.3",
			Args: []string{"-y", "@scope/pkg@1.2.3", "--mode", "stdio", "--port", "9090", "--read-only", "--verbose"}},
	}, {
		name: "undefined placeholder stays as written",
		doc:  npm(`,"packageArguments":[{"type":"positional","value":"{not_a_variable}"}]`),
		want: planView{Command: "npx", Version: "1.2.3", Args: []string{"-y", "@scope/pkg@1.2.3", "{not_a_variable}"}},
	}, {
		name: "pypi uses name@version",
		doc: withPackage(`{"registryType":"pypi","identifier":"mcp-server-git","version":"2026.8.18","runtimeHint":"uvx",
			"transport":{"type":"stdio"},"packageArguments":[{"type":"named","name":"--repository","format":"filepath"}]}`),
		answers: map[string]string{"repository": dirA},
		want:    planView{Command: "uvx", Version: "2026.8.18", Args: []string{"mcp-server-git@2026.8.18", "--repository", dirA}},
	}, {
		name: "pypi with runtime arguments and a different executable",
		doc: strings.Replace(withPackage(`{"registryType":"pypi","identifier":"example-tools","version":"0.9.2","runtimeHint":"uvx",
			"transport":{"type":"stdio"},"runtimeArguments":[{"type":"named","name":"--with","value":"mcp<2"}]}`),
			`"version": "1.0.0",`, `"version": "1.0.0", "_meta": {"io.github.mcptray/catalog": {"id": "tools", "command": "example-mcp"}},`, 1),
		want: planView{Command: "uvx", Version: "0.9.2", Args: []string{"--with", "mcp<2", "--from", "example-tools==0.9.2", "example-mcp"}},
	}, {
		name: "docker passes env by name only",
		doc: withPackage(`{"registryType":"oci","identifier":"ghcr.io/o/prom:1.5.1","transport":{"type":"stdio"},
			"environmentVariables":[{"name":"PROM_URL","isRequired":true},{"name":"PROM_TOKEN","isSecret":true},{"name":"PROM_USER"}]}`),
		answers: map[string]string{"PROM_URL": "http://host.docker.internal:9090", "PROM_TOKEN": "tok-s3cr3t"},
		want: planView{Command: "docker", Version: "1.5.1",
			Args:    []string{"run", "-i", "--rm", "-e", "PROM_URL", "-e", "PROM_TOKEN", "ghcr.io/o/prom:1.5.1"},
			Env:     map[string]string{"PROM_URL": "http://host.docker.internal:9090"},
			Secrets: []Secret{{Env: "PROM_TOKEN", Value: "tok-s3cr3t"}}},
	}, {
		name:    "docker registry-style runtime arguments are folded in, secret moved to the keychain",
		doc:     githubStyle,
		answers: map[string]string{"token": "ghp_abc"},
		want: planView{Command: "docker", Version: "0.32.0",
			Args: []string{"run", "-i", "--rm", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN", "-e", "GITHUB_HOST",
				"--network", "host", "ghcr.io/github/github-mcp-server:0.32.0", "stdio"},
			Secrets: []Secret{{Env: "GITHUB_PERSONAL_ACCESS_TOKEN", Value: "ghp_abc"}}},
	}, {
		name: "docker tag from version, custom registry host",
		doc:  withPackage(`{"registryType":"oci","registryBaseUrl":"https://ghcr.io","identifier":"o/img","version":"v2.0.0","transport":{"type":"stdio"}}`),
		want: planView{Command: "docker", Version: "v2.0.0", Args: []string{"run", "-i", "--rm", "ghcr.io/o/img:v2.0.0"}},
	}, {
		name: "docker digest",
		doc:  withPackage(`{"registryType":"oci","identifier":"o/img@sha256:` + strings.Repeat("0f", 32) + `","transport":{"type":"stdio"}}`),
		want: planView{Command: "docker", Version: "sha256:" + strings.Repeat("0f", 32),
			Args: []string{"run", "-i", "--rm", "o/img@sha256:" + strings.Repeat("0f", 32)}},
	}, {
		name:    "remote server: URL variable, secret header, default header",
		doc:     remoteNotes,
		answers: map[string]string{"tenant": "acme", "api_key": "k-1"},
		want: planView{Version: "2.0.0",
			Remote: &RemotePlan{Transport: "streamable-http", URL: "https://acme.notes.example.com/mcp",
				Headers: map[string]string{"X-Notes-Region": "eu"}},
			Secrets: []Secret{{Header: "Authorization", Value: "Bearer k-1"}}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Plan(mustParse(t, tt.doc), tt.answers)
			if err != nil {
				t.Fatalf("Plan: %v", err)
			}
			if diff := cmp.Diff(tt.want, view(p)); diff != "" {
				t.Fatalf("plan (-want +got):\n%s", diff)
			}
			assertNoSecretLeak(t, p, tt.answers)
		})
	}
}

// assertNoSecretLeak checks that no answer to a secret question shows up in argv, the
// non-secret environment, the JSON form or the printed form of the plan.
func assertNoSecretLeak(t *testing.T, p InstallPlan, answers map[string]string) {
	t.Helper()
	var secrets []string
	for _, q := range p.Questions {
		if v := strings.TrimSpace(answers[q.Key]); q.Secret && v != "" {
			secrets = append(secrets, v)
		}
	}
	js, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	printed := fmt.Sprintf("%v %+v %#v %s", p, p, p, js)
	for _, s := range secrets {
		for _, a := range p.Args {
			if strings.Contains(a, s) {
				t.Errorf("secret %q is on the command line: %q", s, p.Args)
			}
		}
		for k, v := range p.Env {
			if strings.Contains(v, s) {
				t.Errorf("secret %q is in the non-secret environment variable %s", s, k)
			}
		}
		if strings.Contains(printed, s) {
			t.Errorf("secret %q shows up when the plan is printed or encoded", s)
		}
	}
}

func TestPlanRefuses(t *testing.T) {
	npm := func(extra string) string {
		return withPackage(`{"registryType":"npm","identifier":"pkg","version":"1.0.0","transport":{"type":"stdio"}` + extra + `}`)
	}
	tests := []struct {
		name    string
		doc     string
		answers map[string]string
		wantErr error
		want    string // part of the message
	}{
		{"missing required env", npm(`,"environmentVariables":[{"name":"API_KEY","description":"Your key.","isRequired":true,"isSecret":true}]`),
			nil, ErrMissingAnswer, "API_KEY (Your key)"},
		{"blank answer counts as missing", npm(`,"environmentVariables":[{"name":"API_KEY","isRequired":true}]`),
			map[string]string{"API_KEY": "   "}, ErrMissingAnswer, "API_KEY"},
		{"missing required positional", npm(`,"packageArguments":[{"type":"positional","valueHint":"db_path","isRequired":true}]`),
			nil, ErrMissingAnswer, "db_path"},
		{"missing required variable", npm(`,"packageArguments":[{"type":"named","name":"--url","value":"https://{host}/","variables":{"host":{"isRequired":true}}}]`),
			nil, ErrMissingAnswer, "host"},
		{"not a number", npm(`,"packageArguments":[{"type":"named","name":"--port","format":"number"}]`),
			map[string]string{"port": "80a"}, ErrBadAnswer, "must be a number"},
		{"not a boolean", npm(`,"environmentVariables":[{"name":"READ_ONLY","format":"boolean"}]`),
			map[string]string{"READ_ONLY": "yes"}, ErrBadAnswer, "true or false"},
		{"relative path", npm(`,"packageArguments":[{"type":"positional","valueHint":"dir","format":"filepath"}]`),
			map[string]string{"dir": "Documents/work"}, ErrBadAnswer, "full path"},
		{"not a choice", npm(`,"environmentVariables":[{"name":"UNITS","choices":["metric","imperial"]}]`),
			map[string]string{"UNITS": "kelvin"}, ErrBadAnswer, "metric, imperial"},
		{"option injection", npm(`,"packageArguments":[{"type":"positional","valueHint":"name"}]`),
			map[string]string{"name": "--exec=rm"}, ErrBadAnswer, "start with '-'"},
		{"option injection through a variable", npm(`,"packageArguments":[{"type":"positional","value":"{v}","variables":{"v":{}}}]`),
			map[string]string{"v": "-rf"}, ErrBadAnswer, "start with '-'"},
		{"newline in an argument", npm(`,"packageArguments":[{"type":"named","name":"--title"}]`),
			map[string]string{"title": "a\nb"}, ErrBadAnswer, "one line"},
		{"NUL in env", npm(`,"environmentVariables":[{"name":"NOTE"}]`),
			map[string]string{"NOTE": "a\x00b"}, ErrBadAnswer, "cannot be passed"},
		{"unknown answer", npm(`,"environmentVariables":[{"name":"API_KEY"},{"name":"UNITS"}]`),
			map[string]string{"API_KEY": "k", "APIKEY": "typo"}, ErrUnknownAnswer, `"APIKEY"; this server takes API_KEY, UNITS`},
		{"answer for a server without settings", npm(""),
			map[string]string{"x": "1"}, ErrUnknownAnswer, "takes no settings"},
		{"secret positional", npm(`,"packageArguments":[{"type":"positional","valueHint":"token","isSecret":true}]`),
			map[string]string{"token": "t"}, ErrSecretInArgs, "packageArguments[0]"},
		{"secret variable in an argument", npm(`,"packageArguments":[{"type":"named","name":"--auth","value":"Bearer {token}","variables":{"token":{"isSecret":true}}}]`),
			map[string]string{"token": "t"}, ErrSecretInArgs, "packageArguments[0]"},
		{"secret declared elsewhere under the same name", npm(`,"packageArguments":[{"type":"named","name":"--token","value":"{TOKEN}","variables":{"TOKEN":{}}}],
			"environmentVariables":[{"name":"TOKEN","isSecret":true}]`),
			map[string]string{"TOKEN": "t"}, ErrSecretInArgs, "packageArguments[0]"},
		{"secret in a remote URL", `{"name":"com.example/r","description":"d","version":"1","remotes":[{"type":"sse",
			"url":"https://x.example.com/{key}/sse","variables":{"key":{"isSecret":true}}}]}`,
			map[string]string{"key": "k"}, ErrSecretInArgs, "web address"},
		{"private python index", withPackage(`{"registryType":"pypi","registryBaseUrl":"https://pypi.corp.example","identifier":"x","version":"1.0","transport":{"type":"stdio"}}`),
			nil, ErrUnsupported, "pypi.corp.example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Plan(mustParse(t, tt.doc), tt.answers)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Plan error = %v, want %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Plan error %q does not mention %q", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "planning the install of ") {
				t.Fatalf("Plan error %q does not say what was being done", err)
			}
		})
	}
}

func TestQuestionsMergeAndKeepOrder(t *testing.T) {
	e := mustParse(t, withPackage(`{"registryType":"npm","identifier":"pkg","version":"1.0.0","transport":{"type":"stdio"},
		"packageArguments":[
			{"type":"positional","valueHint":"allowed_directory","description":"A folder.","format":"filepath","isRequired":true,"isRepeated":true},
			{"type":"named","name":"--mode","choices":["fast","safe"],"default":"safe"}],
		"environmentVariables":[
			{"name":"HEADERS","value":"Bearer {token}","variables":{"token":{"description":"Your token.","isSecret":true}}},
			{"name":"OTHER","value":"{token}","variables":{"token":{"isRequired":true}}}]}`))
	got, err := Questions(e)
	if err != nil {
		t.Fatal(err)
	}
	want := []Question{
		{Key: "allowed_directory", Label: "Allowed directory", Description: "A folder.", Required: true, Format: FormatFilepath, Repeated: true, Kind: KindPath},
		{Key: "mode", Label: "Mode", Default: "safe", Choices: []string{"fast", "safe"}, Format: FormatString, Kind: KindChoice},
		{Key: "token", Label: "Token", Description: "Your token.", Required: true, Secret: true, Format: FormatString, Kind: KindSecret},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("Questions (-want +got):\n%s", diff)
	}
	// The token is secret for OTHER too, although that use did not say so.
	p, err := Plan(e, map[string]string{"allowed_directory": t.TempDir(), "token": "s3"})
	if err != nil {
		t.Fatal(err)
	}
	want2 := []Secret{{Env: "HEADERS", Value: "Bearer s3"}, {Env: "OTHER", Value: "s3"}}
	if diff := cmp.Diff(want2, p.Secrets); diff != "" {
		t.Fatalf("Secrets (-want +got):\n%s", diff)
	}
	if len(p.Env) != 0 {
		t.Fatalf("Env = %v, want nothing: every variable uses the secret", p.Env)
	}
}

func TestSecretValueNeverPrints(t *testing.T) {
	s := Secret{Env: "K", Value: "hunter2"}
	js, _ := json.Marshal(s)
	for _, out := range []string{fmt.Sprint(s), fmt.Sprintf("%+v %#v %q %x %s %v", s, s, s.Value, s.Value, s.Value, s.Value), string(js)} {
		if strings.Contains(out, "hunter2") || strings.Contains(out, fmt.Sprintf("%x", "hunter2")) {
			t.Fatalf("secret leaked: %s", out)
		}
	}
	if s.Value.Reveal() != "hunter2" {
		t.Fatalf("Reveal = %q", s.Value.Reveal())
	}
}

func TestRuntimeInstallHint(t *testing.T) {
	got := map[Runtime]string{}
	for _, r := range []Runtime{RuntimeNPX, RuntimeUVX, RuntimeDocker} {
		got[r] = r.InstallHint()
	}
	want := map[Runtime]string{
		RuntimeNPX:    "This server needs Node.js; install it from https://nodejs.org and try again.",
		RuntimeUVX:    "This server needs Python tools (uv); install them from https://docs.astral.sh/uv/ and try again.",
		RuntimeDocker: "This server needs Docker; install it from https://www.docker.com/products/docker-desktop/ and try again.",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("InstallHint (-want +got):\n%s", diff)
	}
}

func TestSuggestedName(t *testing.T) {
	e := mustParse(t, `{"name":"io.github.Example/My_Weather.Server","description":"d","version":"1",
		"remotes":[{"type":"sse","url":"https://x.example.com/sse"}]}`)
	p, err := Plan(e, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "my-weather-server" || p.EntryID != "io.github.Example/My_Weather.Server" {
		t.Fatalf("Name, EntryID = %q, %q", p.Name, p.EntryID)
	}
}

// A secret answer that does not fit its format is refused without being quoted: the error
// reaches the screen and the progress stream.
func TestBadSecretAnswerIsNotEchoed(t *testing.T) {
	const token = "hunter2-not-a-number"
	_, err := checkValue(token, Input{Format: FormatNumber, IsSecret: true}, false, true)
	if err == nil || strings.Contains(err.Error(), token) {
		t.Fatalf("error %v: want a refusal that does not contain the value", err)
	}
	_, err = checkValue("abc", Input{Format: FormatNumber}, false, false)
	if err == nil || !strings.Contains(err.Error(), `"abc"`) {
		t.Fatalf("error %v: a plain answer should be quoted back", err)
	}
}
