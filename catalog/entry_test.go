package catalog

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// withPackage wraps one package object in an otherwise valid server.json.
func withPackage(pkg string) string {
	return `{
	  "$schema": "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json",
	  "name": "io.github.example/demo",
	  "description": "A demo server.",
	  "version": "1.0.0",
	  "packages": [` + pkg + `]
	}`
}

func TestParseAcceptsValidDocuments(t *testing.T) {
	tests := []struct {
		name string
		doc  string
	}{
		{"npm", withPackage(`{"registryType":"npm","identifier":"@scope/pkg","version":"1.2.3","transport":{"type":"stdio"}}`)},
		{"npm prerelease", withPackage(`{"registryType":"npm","identifier":"pkg","version":"1.2.3-beta.1","transport":{"type":"stdio"}}`)},
		{"pypi date version", withPackage(`{"registryType":"pypi","identifier":"mcp-server-time","version":"2026.8.18","runtimeHint":"uvx","transport":{"type":"stdio"}}`)},
		{"pypi two-part version", withPackage(`{"registryType":"pypi","identifier":"pkg","version":"1.0","transport":{"type":"stdio"}}`)},
		{"oci tag in identifier", withPackage(`{"registryType":"oci","identifier":"ghcr.io/o/img:1.5.1","transport":{"type":"stdio"}}`)},
		{"oci tag from version", withPackage(`{"registryType":"oci","identifier":"docker.io/o/img","version":"v2.0.0","transport":{"type":"stdio"}}`)},
		{"oci digest", withPackage(`{"registryType":"oci","identifier":"o/img@sha256:` + strings.Repeat("ab", 32) + `","transport":{"type":"stdio"}}`)},
		{"registry port", withPackage(`{"registryType":"oci","identifier":"localhost:5000/img:1.0","transport":{"type":"stdio"}}`)},
		{"older camelCase schema", strings.Replace(withPackage(`{"registryType":"npm","identifier":"p","version":"1.0.0","transport":{"type":"stdio"}}`), "2025-12-11", "2025-09-29", 1)},
		{"remote only", `{"name":"com.example/remote","description":"Remote.","version":"2025.01.01",
			"remotes":[{"type":"streamable-http","url":"https://mcp.example.com/mcp"}]}`},
		{"remote url template", `{"name":"com.example/remote","description":"Remote.","version":"1",
			"remotes":[{"type":"sse","url":"{base}/sse","variables":{"base":{"isRequired":true}}}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Parse([]byte(tt.doc)); err != nil {
				t.Fatalf("Parse: %v", err)
			}
		})
	}
}

func TestParseRejectsInvalidDocuments(t *testing.T) {
	pkg := func(fields string) string {
		return withPackage(`{"registryType":"npm","identifier":"pkg","version":"1.0.0","transport":{"type":"stdio"}` + fields + `}`)
	}
	tests := []struct {
		name string
		doc  string
		want string // part of the error message: the field at fault
	}{
		{"not JSON", `name: demo`, "not a JSON object"},
		{"truncated", `{"name": "io.github.x/y"`, "unexpected end"},
		{"array", `[]`, "not a JSON object"},
		{"wrong field type", `{"name":"io.github.x/y","description":"d","version":"1","packages":{}}`, "cannot unmarshal"},
		{"old snake_case schema", strings.Replace(pkg(""), "2025-12-11", "2025-07-09", 1), "$schema"},
		{"missing name", strings.Replace(pkg(""), `"name": "io.github.example/demo",`, "", 1), "name"},
		{"name without namespace", strings.Replace(pkg(""), "io.github.example/demo", "demo", 1), "name"},
		{"missing description", strings.Replace(pkg(""), `"A demo server."`, `" "`, 1), "description"},
		{"server version latest", strings.Replace(pkg(""), `"version": "1.0.0"`, `"version": "latest"`, 1), "version"},
		{"server version range", strings.Replace(pkg(""), `"version": "1.0.0"`, `"version": "^1.0.0"`, 1), "version"},
		{"server version wildcard", strings.Replace(pkg(""), `"version": "1.0.0"`, `"version": "1.x"`, 1), "version"},
		{"nothing to run", `{"name":"io.github.x/y","description":"d","version":"1.0.0"}`, "nothing to run"},
		{"unknown registry type", withPackage(`{"registryType":"cargo","identifier":"x","version":"1.0.0","transport":{"type":"stdio"}}`), "registryType"},
		{"mcpb without its checksum", withPackage(`{"registryType":"mcpb","identifier":"https://x/y.mcpb","version":"1.0.0","transport":{"type":"stdio"}}`), "fileSha256"},
		{"mcpb at a file path", withPackage(`{"registryType":"mcpb","identifier":"/tmp/y.mcpb","version":"1.0.0","fileSha256":"` + strings.Repeat("a", 64) + `","transport":{"type":"stdio"}}`), "identifier"},
		{"missing identifier", withPackage(`{"registryType":"npm","version":"1.0.0","transport":{"type":"stdio"}}`), "identifier: missing"},
		{"identifier looks like a flag", withPackage(`{"registryType":"npm","identifier":"--foo","version":"1.0.0","transport":{"type":"stdio"}}`), "identifier"},
		{"identifier with version", withPackage(`{"registryType":"npm","identifier":"pkg@1.0.0","version":"1.0.0","transport":{"type":"stdio"}}`), "identifier"},
		{"npm caret range", withPackage(`{"registryType":"npm","identifier":"pkg","version":"^1.2.3","transport":{"type":"stdio"}}`), "packages[0].version"},
		{"npm tilde range", withPackage(`{"registryType":"npm","identifier":"pkg","version":"~1.2.3","transport":{"type":"stdio"}}`), "packages[0].version"},
		{"npm partial version is a range", withPackage(`{"registryType":"npm","identifier":"pkg","version":"1.2","transport":{"type":"stdio"}}`), "packages[0].version"},
		{"npm latest", withPackage(`{"registryType":"npm","identifier":"pkg","version":"latest","transport":{"type":"stdio"}}`), "packages[0].version"},
		{"npm no version", withPackage(`{"registryType":"npm","identifier":"pkg","transport":{"type":"stdio"}}`), "packages[0].version"},
		{"pypi comparison", withPackage(`{"registryType":"pypi","identifier":"pkg","version":">=1.0","transport":{"type":"stdio"}}`), "packages[0].version"},
		{"pypi wildcard", withPackage(`{"registryType":"pypi","identifier":"pkg","version":"1.0.*","transport":{"type":"stdio"}}`), "packages[0].version"},
		{"oci latest tag", withPackage(`{"registryType":"oci","identifier":"o/img:latest","transport":{"type":"stdio"}}`), "identifier"},
		{"oci moving tag", withPackage(`{"registryType":"oci","identifier":"o/img:main","transport":{"type":"stdio"}}`), "identifier"},
		{"oci no tag no version", withPackage(`{"registryType":"oci","identifier":"o/img","transport":{"type":"stdio"}}`), "version"},
		{"oci bad digest", withPackage(`{"registryType":"oci","identifier":"o/img@sha256:abc","transport":{"type":"stdio"}}`), "digest"},
		{"oci uppercase name", withPackage(`{"registryType":"oci","identifier":"O/Img:1.0","transport":{"type":"stdio"}}`), "image name"},
		{"local http transport", withPackage(`{"registryType":"npm","identifier":"pkg","version":"1.0.0","transport":{"type":"streamable-http","url":"http://localhost:3000/mcp"}}`), "transport"},
		{"runtime args for another runtime", pkg(`,"runtimeHint":"node","runtimeArguments":[{"type":"named","name":"--inspect"}]`), "runtimeHint"},
		{"bad argument type", pkg(`,"packageArguments":[{"type":"flag","name":"--x"}]`), "type"},
		{"named without dash", pkg(`,"packageArguments":[{"type":"named","name":"port"}]`), "name"},
		{"named with space", pkg(`,"packageArguments":[{"type":"named","name":"--a b"}]`), "name"},
		{"positional without value or hint", pkg(`,"packageArguments":[{"type":"positional"}]`), "valueHint"},
		{"bad format", pkg(`,"packageArguments":[{"type":"positional","valueHint":"x","format":"date"}]`), "format"},
		{"default not a choice", pkg(`,"environmentVariables":[{"name":"MODE","choices":["a","b"],"default":"c"}]`), "default"},
		{"bad env name", pkg(`,"environmentVariables":[{"name":"MY-VAR"}]`), "environment variable name"},
		{"bad variable name", pkg(`,"packageArguments":[{"type":"positional","value":"{a b}","variables":{"a b":{}}}]`), "variable name"},
		{"remote without url", `{"name":"com.example/r","description":"d","version":"1","remotes":[{"type":"sse"}]}`, "url"},
		{"remote bad type", `{"name":"com.example/r","description":"d","version":"1","remotes":[{"type":"stdio","url":"https://x"}]}`, "type"},
		{"bad header name", `{"name":"com.example/r","description":"d","version":"1","remotes":[{"type":"sse","url":"https://x","headers":[{"name":"Bad Header"}]}]}`, "header name"},
		{"meta id", strings.Replace(pkg(""), `"version": "1.0.0",`, `"version": "1.0.0", "_meta": {"io.github.mcptray/catalog": {"id": "Not OK"}},`, 1), "id"},
		{"meta needs mismatch", strings.Replace(pkg(""), `"version": "1.0.0",`, `"version": "1.0.0", "_meta": {"io.github.mcptray/catalog": {"id": "demo", "needs": "docker"}},`, 1), "needs"},
		{"meta wrong type", strings.Replace(pkg(""), `"version": "1.0.0",`, `"version": "1.0.0", "_meta": {"io.github.mcptray/catalog": {"id": 7}},`, 1), "_meta"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc))
			if !errors.Is(err, ErrInvalidEntry) {
				t.Fatalf("Parse error = %v, want ErrInvalidEntry", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Parse error %q does not mention %q", err, tt.want)
			}
		})
	}
}

func TestParseKeepsUnknownFieldsForRoundTrip(t *testing.T) {
	doc := `{
	  "name": "io.github.example/demo",
	  "description": "A demo server.",
	  "version": "1.0.0",
	  "icons": [{"src": "https://example.com/i.png", "sizes": ["48x48"]}],
	  "futureField": {"nested": [1, 2, 3]},
	  "packages": [{"registryType": "npm", "identifier": "pkg", "version": "1.0.0",
	                "transport": {"type": "stdio"}, "packageExtra": true}],
	  "_meta": {"com.example/other": {"keep": "me"}}
	}`
	e, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(struct{ Entry Entry }{e})
	if err != nil {
		t.Fatal(err)
	}
	var got, want any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(`{"Entry":`+doc+`}`), &want); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("round trip changed the document (-want +got):\n%s", diff)
	}
	if _, ok := e.Server.Meta["com.example/other"]; !ok {
		t.Fatal("foreign _meta block was dropped from Server.Meta")
	}
}

func TestEntryAccessorsFallBackWithoutMeta(t *testing.T) {
	e, err := Parse([]byte(`{"name":"io.github.example/weather-tool","description":"Forecasts.","version":"1.0.0",
		"repository":{"url":"https://github.com/example/weather","source":"github"},
		"packages":[{"registryType":"pypi","identifier":"weather","version":"1.0.0","transport":{"type":"stdio"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	got := []string{e.ID(), e.Title(), e.Summary(), e.Category(), e.Needs(), e.Source(), e.Version()}
	want := []string{"io.github.example/weather-tool", "weather-tool", "Forecasts.", "", NeedsPython, "https://github.com/example/weather", "1.0.0"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("accessors (-want +got):\n%s", diff)
	}
}
