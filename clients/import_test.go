package clients

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReadReturnsForeignEntriesForImport(t *testing.T) {
	tests := []struct {
		client string
		want   Server
	}{
		{"gemini-cli", Server{Key: "python-tools", Command: "python", Args: []string{"-m", "my_mcp_server"}, Cwd: "./mcp-servers/python", Env: map[string]string{"DATABASE_URL": "$DB_CONNECTION_STRING"}, ServerName: "python-tools"}},
		{"claude-desktop", Server{Key: "github", Command: "npx", Args: []string{"-y", "@modelcontextprotocol/server-github"}, Env: map[string]string{"GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_0123456789abcdefABCDEF0123456789abcd"}, ServerName: "github"}},
		{"cursor", Server{Key: "github", URL: "https://api.githubcopilot.com/mcp/", Remote: true, ServerName: "github"}},
		{"windsurf", Server{Key: "puppeteer", Command: "npx", Args: []string{"-y", "@modelcontextprotocol/server-puppeteer"}, Disabled: true, ServerName: "puppeteer"}},
		{"codex", Server{Key: "github", Command: "npx", Args: []string{"-y", "@modelcontextprotocol/server-github"}, Env: map[string]string{"GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_0123456789abcdefABCDEF0123456789abcd"}, ServerName: "github"}},
		{"goose", Server{Key: "github", Command: "npx", Args: []string{"-y", "@modelcontextprotocol/server-github"}, Timeout: 300, Description: "GitHub API", ServerName: "github"}},
		{"continue", Server{Key: "github", Command: "docker", Args: []string{"run", "-i", "--rm", "ghcr.io/github/github-mcp-server"}, Env: map[string]string{"GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_0123456789abcdefABCDEF0123456789abcd"}, ServerName: "github"}},
		{"opencode", Server{Key: "mcp_everything", Command: "npx", Args: []string{"-y", "@modelcontextprotocol/server-everything"}, ServerName: "mcp_everything"}},
		{"zed", Server{Key: "github", Command: "npx", Args: []string{"-y", "@modelcontextprotocol/server-github"}, Source: "custom", ServerName: "github"}},
	}
	for _, tt := range tests {
		c := mustClient(t, tt.client)
		home := t.TempDir()
		input, ext := typicalInput(t, c)
		if tt.client == "opencode" {
			input, ext = mustRead(t, filepath.Join("testdata", "opencode", "v1.in.jsonc")), ".jsonc"
		}
		if tt.client == "zed" {
			input = mustRead(t, filepath.Join("testdata", "zed", "settings.in.json"))
		}
		path := filepath.Join(home, "config"+ext)
		writeFile(t, path, input)
		cfg, err := Read(c, path)
		if err != nil {
			t.Fatalf("%s: %v", tt.client, err)
		}
		var got *Server
		for i := range cfg.Servers {
			if cfg.Servers[i].Key == tt.want.Key {
				got = &cfg.Servers[i]
			}
		}
		if got == nil {
			t.Errorf("%s: no entry %q in %+v", tt.client, tt.want.Key, cfg.Servers)
			continue
		}
		if diff := cmp.Diff(tt.want, *got); diff != "" {
			t.Errorf("%s: entry %q (-want +got):\n%s", tt.client, tt.want.Key, diff)
		}
	}
}

func TestReadMissingFile(t *testing.T) {
	cfg, err := Read(mustClient(t, "cursor"), filepath.Join(t.TempDir(), "mcp.json"))
	if err != nil || cfg.Exists || len(cfg.Servers) != 0 {
		t.Fatalf("Read of a missing file = %+v, %v", cfg, err)
	}
}

// TestReplaceWithOurs takes over the person's "github" entry in every client that has one in
// its typical file: the entry becomes MCP Tray's in place, its secret is gone, and nothing
// else in the file changes.
func TestReplaceWithOurs(t *testing.T) {
	cases := map[string]string{ // client → input case holding a "github" entry of the person's
		"claude-desktop": "typical", "claude-code": "typical", "vscode": "comments-trailing-commas",
		"gemini-cli": "typical", "codex": "typical", "goose": "typical", "continue": "typical", "zed": "settings",
	}
	for id, name := range cases {
		t.Run(id, func(t *testing.T) {
			c := mustClient(t, id)
			home := t.TempDir()
			inputs, _ := filepath.Glob(filepath.Join("testdata", id, name+".in.*"))
			if len(inputs) != 1 {
				t.Fatalf("no input %s for %s", name, id)
			}
			input, ext := mustRead(t, inputs[0]), filepath.Ext(inputs[0])
			path := filepath.Join(home, "config"+ext)
			writeFile(t, path, input)
			before, err := Read(c, path)
			if err != nil {
				t.Fatal(err)
			}

			e := NewEntry(macBinary, "github")
			res, err := ReplaceWithOurs(c, path, "github", e, ApplyOptions{Backups: backupsOf(home)})
			if err != nil || !res.Changed || res.BackupPath == "" {
				t.Fatalf("ReplaceWithOurs = %+v, %v", res, err)
			}
			out := mustRead(t, path)
			if strings.Contains(string(out), "ghp_") || strings.Contains(string(out), "github_pat_") {
				t.Errorf("the old entry's secret is still in the file:\n%s", out)
			}
			checkGolden(t, filepath.Join("testdata", id, name+".replaced"+ext), out)

			after, err := Read(c, path)
			if err != nil {
				t.Fatal(err)
			}
			if len(after.Servers) != len(before.Servers) {
				t.Fatalf("%d entries after, %d before", len(after.Servers), len(before.Servers))
			}
			for i, s := range after.Servers {
				switch {
				case s.Key != before.Servers[i].Key:
					t.Errorf("entry %d is %q, was %q: the order changed", i, s.Key, before.Servers[i].Key)
				case s.Key == "github":
					if !s.Ours || s.Command != e.Command || s.Env != nil {
						t.Errorf("github after the takeover = %+v", s)
					}
				default:
					if diff := cmp.Diff(before.Servers[i], s); diff != "" {
						t.Errorf("entry %q changed (-before +after):\n%s", s.Key, diff)
					}
				}
			}
			// An Apply that wants the server now finds it and changes nothing.
			if res, err := Apply(c, path, []Entry{e}, ApplyOptions{Backups: backupsOf(home)}); err != nil || res.Changed {
				t.Errorf("Apply after the takeover = %+v, %v; want no change", res, err)
			}
		})
	}
}

func TestReplaceWithOursMissingEntry(t *testing.T) {
	home := t.TempDir()
	c := mustClient(t, "cursor")
	path := filepath.Join(home, "mcp.json")
	writeFile(t, path, []byte(`{"mcpServers": {}}`))
	_, err := ReplaceWithOurs(c, path, "nope", NewEntry("/opt/mcptray", "nope"), ApplyOptions{Backups: backupsOf(home)})
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
}
