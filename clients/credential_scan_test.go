package clients

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/mcptray/mcptray/keychain"
)

// scanCases are JSON files with credentials in every place the backup looks: a value named
// like one, a value shaped like one, arguments of a command line, a header, an address, the
// same value elsewhere under an innocent name or inside a longer text, escapes, comments.
var scanCases = map[string]string{
	"env":                            `{"mcpServers": {"github": {"command": "npx", "env": {"GITHUB_TOKEN": "ghp_0123456789abcdefABCDEF0123456789abcd", "LOG": "debug"}}}}`,
	"short password, also elsewhere": `{"note": "hunter2", "mcpServers": {"db": {"command": "db", "env": {"DB_PASSWORD": "hunter2"}}}, "later": "hunter2"}`,
	"args":                           `{"mcpServers": {"r": {"command": "redis-mcp", "args": ["--url", "redis://:s3cretpw@localhost:6379", "--password", "pw12345678", "-H", "Authorization: Bearer abcdefghijkl0123"]}}}`,
	"escaped":                        `{"mcpServers": {"g": {"command": "x", "env": {"T": "\u0067hp_0123456789abcdefABCDEF0123456789abcd", "API_KEY": "a\"b\\c\/d\u00e9\ud83d\ude80"}}}}`,
	"token in a prompt": `{"projects": {"/p": {"history": [{"display": "use ghp_0123456789abcdefABCDEF0123456789abcd please"}]}},
		"mcpServers": {"g": {"command": "x", "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_0123456789abcdefABCDEF0123456789abcd"}}}}`,
	"session ids":      `{"projects": {"/a": {"lastSessionId": "0b6c1f0e-5a8e-4f2c-9d61-3f1f0c2a7e11"}, "/b": {"lastSessionId": "1c7d2a1f-6b9f-4a3d-8e72-4a2a1d3b8f22"}}}`,
	"placeholders":     `{"mcpServers": {"d": {"url": "https://x", "headers": {"Authorization": "Bearer ${DOCS_TOKEN}"}}, "e": {"command": "x", "env": {"TOKEN": "${env:TOKEN}", "OTHER_TOKEN": "{env:OTHER}"}}}}`,
	"nested and names": `{"a\u0070iKey": "k3y-value", "list": [["--token", "t0k3n-value-123"], {"password": "p"}], "n": [1, true, null, -2.5e3]}`,
	"jsonc":            "{\n  // a \"comment\" with quotes and ghp_0123456789abcdefABCDEF0123456789abcd\n  \"mcpServers\": {\n    /* block \" */ \"x\": {\"command\": \"x\", \"env\": {\"SECRET\": \"s3cr3t-value\",},},\n  },\n}\n",
	"private key":      `{"k": {"env": {"CERT": "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----\n"}}}`,
	"kept already":     `{"mcpServers": {"x": {"env": {"TOKEN": "mcptray-keychain-backup:C0123456789abcdef"}}}}`,
}

// TestJSONScanFindsWhatTheTreeFinds compares the one-pass scan with the walk over the file's
// tree (credentialsIn) on every case above and on every JSON golden input: the same
// credentials, so nothing the backup used to keep out is left in.
func TestJSONScanFindsWhatTheTreeFinds(t *testing.T) {
	inputs := map[string][]byte{}
	for name, src := range scanCases {
		inputs[name] = []byte(src)
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*", "*.in.json*"))
	for _, f := range files {
		inputs[f] = mustRead(t, f)
	}
	c := mustClient(t, "vscode") // JSONC, so the tree reads the commented case too
	for name, src := range inputs {
		got, ok := jsonCredentials(src)
		if !ok {
			t.Errorf("%s: the scan could not follow the file", name)
			continue
		}
		want := credentialsIn(c, src)
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s: credentials (-tree +scan):\n%s", name, diff)
		}
	}
}

var markerTextRE = regexp.MustCompile(regexp.QuoteMeta(backupMarkerPrefix) + `C[0-9a-f]{16}`)

// TestJSONScanKeepsOutWhatTheTreeKeptOut compares the one-pass replacement with the general
// one: the same places become markers, and filling the markers in gives back the file byte
// for byte.
func TestJSONScanKeepsOutWhatTheTreeKeptOut(t *testing.T) {
	c := mustClient(t, "vscode")
	keys := keychain.NewMemory()
	ctx := context.Background()
	for name, src := range scanCases {
		creds, _ := jsonCredentials([]byte(src))
		if len(creds) == 0 {
			continue
		}
		got, ok, err := keepJSONCredentialsOut(ctx, keys, creds, []byte(src))
		if !ok || err != nil {
			t.Fatalf("%s: %v, %v", name, ok, err)
		}
		want, err := keepCredentialsOut(ctx, keys, credentialsIn(c, []byte(src)), []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(markerTextRE.ReplaceAll(want, []byte("MARKER"))), string(markerTextRE.ReplaceAll(got, []byte("MARKER")))); diff != "" {
			t.Errorf("%s: copy (-general +one pass):\n%s", name, diff)
		}
		for _, cred := range creds {
			if len(cred) >= 6 && bytes.Contains(got, []byte(cred)) {
				t.Errorf("%s: %q is still in the copy", name, cred)
			}
		}
		saved := backupKeys
		backupKeys = func() keychain.Store { return keys }
		back, err := fillCredentials(got)
		backupKeys = saved
		if err != nil || string(back) != src {
			t.Errorf("%s: filled in again: %v\n%s", name, err, back)
		}
	}
}

// TestBackupOfSessionIDsPutsNothingInTheKeychain backs up a ~/.claude.json with a
// lastSessionId in each of its 2,000 projects, as Claude Code writes them: a session id names
// a conversation and is no credential, so the copy is the file as it is and the keychain gets
// no item (it got one per project, and the backup took minutes).
func TestBackupOfSessionIDsPutsNothingInTheKeychain(t *testing.T) {
	keys := &countingKeys{Store: keychain.NewMemory(), live: map[string]bool{}}
	saved := backupKeys
	backupKeys = func() keychain.Store { return keys }
	t.Cleanup(func() { backupKeys = saved })
	var b strings.Builder
	b.WriteString(`{"numStartups": 3, "projects": {`)
	for i := range 2000 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "\n    \"/home/p/src/project-%d\": {\"allowedTools\": [], \"lastSessionId\": \"%08x-1d2e-4f3a-9b8c-%012x\"}", i, i*7919, i*104729)
	}
	b.WriteString("\n  }\n}\n")
	home := t.TempDir()
	path := filepath.Join(home, ".claude.json")
	writeFile(t, path, []byte(b.String()))
	c := mustClient(t, "claude-code")
	res, err := Apply(c, path, []Entry{NewEntry("/opt/mcptray", "files")}, ApplyOptions{Backups: backupsOf(home)})
	if err != nil {
		t.Fatal(err)
	}
	if got := mustRead(t, res.BackupPath); string(got) != b.String() {
		t.Error("the backup is not the file as it was")
	}
	if len(keys.live) != 0 {
		t.Errorf("the backup put %d items in the keychain", len(keys.live))
	}
}

// TestReferencesAreNoCredentials: a value that only names where a credential is (the client
// fills it in) is none, whatever its name; a value that merely starts with a dollar sign may
// be a password and still counts.
func TestReferencesAreNoCredentials(t *testing.T) {
	for _, v := range []string{"${GITHUB_TOKEN}", "${env:GITHUB_TOKEN}", "${input:token}", "{env:API_KEY}", "Bearer ${DOCS_TOKEN}", " ${X} "} {
		if LooksLikeCredential("API_TOKEN", v) {
			t.Errorf("%q counts as a credential", v)
		}
	}
	for _, v := range []string{"$ecretPassw0rd", "$TOKEN", "pre${X}", "${X}post", "Bearer ${X} extra", "{env:X}y"} {
		if !LooksLikeCredential("API_TOKEN", v) {
			t.Errorf("%q does not count as a credential", v)
		}
	}
}

// TestWalkJSONRefusesWhatItCannotFollow: the one-pass scan gives way to the general one
// for files it cannot cut into tokens.
func TestWalkJSONRefusesWhatItCannotFollow(t *testing.T) {
	for _, src := range []string{`{"a": "no end}`, "{\"a\": \"line\nbreak\"}", `{"a": 1 /* open`, `{"a": [1}`, `{"a": @}`, `{"a": 1`} {
		if _, ok := jsonCredentials([]byte(src)); ok {
			t.Errorf("%q: scanned", src)
		}
	}
	if _, ok := jsonCredentials([]byte("\ufeff{\"a\": 1} // end")); !ok {
		t.Error("a byte order mark and a closing comment: not scanned")
	}
}
