package clients

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// clineCLIFile is testdata/cline/cli-nested.in.json: the file Cline's own CLI (cline 3.0.65
// from npm) wrote in an empty HOME for
//
//	cline mcp add notes --yes -- npx -y @acme/notes-mcp
//	cline mcp add github --yes -- docker run -i --rm -e GITHUB_PERSONAL_ACCESS_TOKEN ghcr.io/github/github-mcp-server
//	cline mcp add docs --yes --transport http --header 'Authorization: Bearer ${DOCS_TOKEN}' https://docs.example.com/mcp
//	cline mcp add events --yes --transport sse https://events.example.com/sse
var clineCLIFile = filepath.Join("testdata", "cline", "cli-nested.in.json")

// TestClineNestedEntriesAreLocal reads the file Cline's CLI wrote: its stdio entries are local
// servers with their program and arguments (not remote ones, as before), its sse and
// streamableHttp entries remote ones.
func TestClineNestedEntriesAreLocal(t *testing.T) {
	c := mustClient(t, "cline")
	path := filepath.Join(t.TempDir(), "cline_mcp_settings.json")
	writeFile(t, path, mustRead(t, clineCLIFile))
	cfg, err := Read(c, path)
	if err != nil {
		t.Fatal(err)
	}
	want := []Server{
		{Key: "notes", Command: "npx", Args: []string{"-y", "@acme/notes-mcp"}, ServerName: "notes"},
		{Key: "github", Command: "docker", Args: []string{"run", "-i", "--rm", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN", "ghcr.io/github/github-mcp-server"}, ServerName: "github"},
		{Key: "docs", URL: "https://docs.example.com/mcp", Remote: true, ServerName: "docs"},
		{Key: "events", URL: "https://events.example.com/sse", Remote: true, ServerName: "events"},
	}
	if diff := cmp.Diff(want, cfg.Servers); diff != "" {
		t.Errorf("servers (-want +got):\n%s", diff)
	}
}

// TestClineNestedSettingsBesideTransport reads the settings Cline keeps beside "transport"
// (disabled, timeout, autoApprove) and the cwd and env inside it; a "transport" that is a
// plain string is not the nested form.
func TestClineNestedSettingsBesideTransport(t *testing.T) {
	var v map[string]any
	src := `{"transport": {"type": "stdio", "command": "node", "args": ["s.js"], "cwd": "/w", "env": {"A": "1"}},
		"disabled": true, "timeout": 90, "autoApprove": ["read"]}`
	if err := json.Unmarshal([]byte(src), &v); err != nil {
		t.Fatal(err)
	}
	got := decodeServer("s", v)
	want := Server{Key: "s", Command: "node", Args: []string{"s.js"}, Cwd: "/w", Env: map[string]string{"A": "1"},
		Disabled: true, Timeout: 90, AutoApprove: []string{"read"}, ServerName: "s"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if err := json.Unmarshal([]byte(`{"transport": "stdio", "command": "x"}`), &v); err != nil {
		t.Fatal(err)
	}
	if got := decodeServer("x", v); got.Command != "x" || got.Remote {
		t.Errorf("a string transport: %+v", got)
	}
}

// TestClineNestedEntryOfOursKeepsItsForm applies to a file where MCP Tray's entry was put in
// the nested form (as Cline rewrites entries): the entry is recognised as MCP Tray's, updated
// inside its "transport" (no second, flat command beside it, which Cline would ignore), its
// other settings kept; a second run changes nothing.
func TestClineNestedEntryOfOursKeepsItsForm(t *testing.T) {
	c := mustClient(t, "cline")
	home := t.TempDir()
	path := filepath.Join(home, "cline_mcp_settings.json")
	old := strings.Replace(string(mustRead(t, clineCLIFile)), `    "notes": {`, `    "memory": {
      "transport": {
        "type": "stdio",
        "command": "/old/place/mcptray",
        "args": [
          "connect",
          "memory"
        ]
      },
      "timeout": 120
    },
    "notes": {`, 1)
	writeFile(t, path, []byte(old))
	opts := ApplyOptions{Backups: BackupDir(filepath.Join(home, "backups"))}
	want := []Entry{NewEntry(macBinary, "memory")}
	res, err := Apply(c, path, want, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(res.Updated, []string{"memory"}) || len(res.Added) != 0 {
		t.Errorf("result %+v", res)
	}
	got := mustRead(t, path)
	wantFile := strings.Replace(old, `"/old/place/mcptray"`, `"/Applications/MCP Tray.app/Contents/MacOS/mcptray"`, 1)
	if diff := cmp.Diff(wantFile, string(got)); diff != "" {
		t.Errorf("file (-want +got):\n%s", diff)
	}
	if res, err := Apply(c, path, want, opts); err != nil || res.Changed {
		t.Errorf("second run: %+v, %v", res, err)
	}
	// Removing MCP Tray's entries takes the nested one out too, and gives back the CLI's file.
	if _, err := Apply(c, path, nil, opts); err != nil {
		t.Fatal(err)
	}
	if got := mustRead(t, path); !bytes.Equal(got, mustRead(t, clineCLIFile)) {
		t.Errorf("after removing:\n%s", got)
	}
}
