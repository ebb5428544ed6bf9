package clients

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/internal/testbin"
	"github.com/mcptray/mcptray/keychain"
)

// The package's tests keep the credentials taken out of backups in memory, not in the keychain
// of whoever runs them.
func TestMain(m *testing.M) {
	keys := keychain.NewMemory()
	backupKeys = func() keychain.Store { return keys }
	os.Exit(m.Run())
}

// TestBackupsKeepFiveGenerations changes one file seven times: every change backs up the
// content before it, only the last five backups stay, and Restore walks back through them.
func TestBackupsKeepFiveGenerations(t *testing.T) {
	home := t.TempDir()
	c := mustClient(t, "cursor")
	path := filepath.Join(home, ".cursor", "mcp.json")
	backups := backupsOf(home)
	writeFile(t, path, []byte("{\n  \"mcpServers\": {}\n}\n"))

	var contents [][]byte // contents[i] is the file before change i
	for i := range 7 {
		contents = append(contents, mustRead(t, path))
		res, err := Apply(c, path, []Entry{NewEntry("/opt/mcptray", fmt.Sprintf("server-%d", i))}, ApplyOptions{Backups: backups})
		if err != nil || !res.Changed || res.BackupPath == "" {
			t.Fatalf("change %d: %+v, %v", i, res, err)
		}
		if got := mustRead(t, res.BackupPath); string(got) != string(contents[i]) {
			t.Fatalf("backup of change %d holds %s, want %s", i, got, contents[i])
		}
	}
	list, err := Backups(c, path, backups)
	if err != nil || len(list) != KeepBackups {
		t.Fatalf("Backups = %d entries, %v; want %d", len(list), err, KeepBackups)
	}
	dir := filepath.Dir(list[0].Path)
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Errorf("backup folder mode = %v, want 0700", fi.Mode().Perm())
	}
	for i, b := range list {
		if b.Generation != 7-i {
			t.Errorf("backup %d is generation %d, want %d", i, b.Generation, 7-i)
		}
		if fi, _ := os.Stat(b.Path); fi.Mode().Perm() != 0o600 {
			t.Errorf("backup %s mode = %v, want 0600", b.Path, fi.Mode().Perm())
		}
		if !strings.HasSuffix(b.Path, ".json") {
			t.Errorf("backup %s does not keep the file's extension", b.Path)
		}
	}

	// Restore goes back one change at a time.
	current := mustRead(t, path)
	for i := 6; i >= 2; i-- {
		r, err := Restore(c, path, backups)
		if err != nil {
			t.Fatalf("restore to before change %d: %v", i, err)
		}
		if got := mustRead(t, path); string(got) != string(contents[i]) {
			t.Fatalf("after restore the file holds\n%s\nwant (before change %d)\n%s", got, i, contents[i])
		}
		if !strings.HasPrefix(r.Message, "Restored Cursor's config file "+path+" from the backup of ") {
			t.Errorf("message = %q", r.Message)
		}
		if kept := mustRead(t, filepath.Join(dir, preRestoreName+".json")); string(kept) != string(current) {
			t.Errorf("the content replaced by the restore was not kept")
		}
		current = contents[i]
	}
	_, err = Restore(c, path, backups)
	if !errors.Is(err, ErrNoBackup) {
		t.Fatalf("restore with no backup left: %v, want ErrNoBackup", err)
	}
	if want := "Cursor's config file " + path + " has no backup to restore"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %q", err)
	}
}

// TestBackupsArePerFile keeps two files of one client (VS Code profiles) apart.
func TestBackupsArePerFile(t *testing.T) {
	home := t.TempDir()
	c := mustClient(t, "vscode")
	a := filepath.Join(home, "User", "mcp.json")
	b := filepath.Join(home, "User", "profiles", "1a2b", "mcp.json")
	writeFile(t, a, []byte("{\"servers\": {}}\n"))
	writeFile(t, b, []byte("{\"servers\": {}, \"inputs\": []}\n"))
	for _, p := range []string{a, b} {
		if _, err := Apply(c, p, goldenWant(""), ApplyOptions{Backups: backupsOf(home)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{a, b} {
		if _, err := Restore(c, p, backupsOf(home)); err != nil {
			t.Fatal(err)
		}
	}
	if got := string(mustRead(t, a)); got != "{\"servers\": {}}\n" {
		t.Errorf("a = %s", got)
	}
	if got := string(mustRead(t, b)); got != "{\"servers\": {}, \"inputs\": []}\n" {
		t.Errorf("b = %s", got)
	}
}

// A backup holds no credential of the entries MCP Tray does not manage, in whatever form the
// file spells it (an env token, an Authorization header, a password with JSON escapes, a short
// password): they are in the keychain, and Restore puts the file back byte for byte. Before,
// the backup was a plain copy of the file, credentials included.
func TestBackupsHoldNoCredentials(t *testing.T) {
	home := t.TempDir()
	c := mustClient(t, "cursor")
	path := filepath.Join(home, ".cursor", "mcp.json")
	creds := []string{
		"ghp_0123456789abcdefghijABCDEFGHIJ012345",
		"Bearer eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.sig",
		`p/ss<word>&"x"-Long`,
	}
	original := []byte(`{
  "mcpServers": {
    "github": {"command": "npx", "args": ["-y", "server-github"],
      "env": {"GITHUB_TOKEN": "ghp_0123456789abcdefghijABCDEFGHIJ012345", "DB_PASSWORD": "p\/ss\u003cword\u003e\u0026\"x\"-Long", "PGPASSWORD": "hunt2"}},
    "remote": {"url": "https://example.com/mcp",
      "headers": {"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.sig"}},
    "also": {"command": "tool", "env": {"API_KEY": "ghp_0123456789abcdefghijABCDEFGHIJ012345"}}
  }
}
`)
	writeFile(t, path, original)
	res, err := Apply(c, path, []Entry{NewEntry("/opt/mcptray", "files")}, ApplyOptions{Backups: backupsOf(home)})
	if err != nil || res.BackupPath == "" {
		t.Fatalf("Apply = %+v, %v", res, err)
	}
	kept := mustRead(t, res.BackupPath)
	testbin.AssertNoSecrets(t, creds, backupsOf(home).dirFor("cursor", path))
	if strings.Contains(string(kept), `"hunt2"`) {
		t.Errorf("the backup holds the short password PGPASSWORD:\n%s", kept)
	}
	if !strings.Contains(string(kept), backupMarkerPrefix) {
		t.Errorf("the backup names no keychain item:\n%s", kept)
	}
	if _, err := Restore(c, path, backupsOf(home)); err != nil {
		t.Fatal(err)
	}
	if got := mustRead(t, path); string(got) != string(original) {
		t.Errorf("after restore the file holds\n%s\nwant\n%s", got, original)
	}
	// The content the restore replaced (MCP Tray's own entry added) is kept without credentials.
	testbin.AssertNoSecrets(t, creds, backupsOf(home).dirFor("cursor", path))
}

// unavailableKeys is a keychain that cannot be reached.
type unavailableKeys struct{ keychain.Store }

func (unavailableKeys) Set(context.Context, string, string, string) error {
	return keychain.ErrUnavailable
}

// Without a keychain, MCP Tray writes no backup holding a credential: it leaves the client
// file as it is and says why.
func TestNoBackupWithoutKeychain(t *testing.T) {
	saved := backupKeys
	backupKeys = func() keychain.Store { return unavailableKeys{keychain.NewMemory()} }
	t.Cleanup(func() { backupKeys = saved })
	home := t.TempDir()
	c := mustClient(t, "cursor")
	path := filepath.Join(home, ".cursor", "mcp.json")
	original := []byte(`{"mcpServers": {"github": {"command": "npx", "env": {"GITHUB_TOKEN": "ghp_0123456789abcdefghijABCDEFGHIJ012345"}}}}`)
	writeFile(t, path, original)
	_, err := Apply(c, path, []Entry{NewEntry("/opt/mcptray", "files")}, ApplyOptions{Backups: backupsOf(home)})
	if err == nil || !strings.Contains(err.Error(), "keychain") {
		t.Fatalf("Apply without a keychain: %v, want an error about the keychain", err)
	}
	if got := mustRead(t, path); string(got) != string(original) {
		t.Errorf("the client file changed:\n%s", got)
	}
	testbin.AssertNoSecrets(t, []string{"ghp_0123456789abcdefghijABCDEFGHIJ012345"}, string(backupsOf(home)))
}

// The content a restore replaces is kept without credentials even when it does not parse
// (then every quoted string is judged by its form): a person's half-edited file is still theirs.
func TestRestoreKeepsNoCredentialOfABrokenFile(t *testing.T) {
	home := t.TempDir()
	c := mustClient(t, "cursor")
	path := filepath.Join(home, ".cursor", "mcp.json")
	writeFile(t, path, []byte(`{"mcpServers": {}}`))
	if _, err := Apply(c, path, []Entry{NewEntry("/opt/mcptray", "files")}, ApplyOptions{Backups: backupsOf(home)}); err != nil {
		t.Fatal(err)
	}
	const token = "ghp_0123456789abcdefghijABCDEFGHIJ012345"
	writeFile(t, path, []byte(`{"mcpServers": {"x": {"env": {"T": "`+token+`"}}`)) // one brace short
	if _, err := Restore(c, path, backupsOf(home)); err != nil {
		t.Fatal(err)
	}
	testbin.AssertNoSecrets(t, []string{token}, string(backupsOf(home)))
}

// countingKeys counts the items a store holds.
type countingKeys struct {
	keychain.Store
	live map[string]bool
}

func (k *countingKeys) Set(ctx context.Context, server, key, value string) error {
	k.live[server+"/"+key] = true
	return k.Store.Set(ctx, server, key, value)
}

func (k *countingKeys) Delete(ctx context.Context, server, key string) error {
	delete(k.live, server+"/"+key)
	return k.Store.Delete(ctx, server, key)
}

// Keychain items of backups go when the last copy naming them goes: old generations dropped,
// a backup restored.
func TestBackupItemsGoWithTheirBackups(t *testing.T) {
	keys := &countingKeys{Store: keychain.NewMemory(), live: map[string]bool{}}
	saved := backupKeys
	backupKeys = func() keychain.Store { return keys }
	t.Cleanup(func() { backupKeys = saved })
	home := t.TempDir()
	c := mustClient(t, "cursor")
	path := filepath.Join(home, ".cursor", "mcp.json")
	writeFile(t, path, []byte(`{"mcpServers": {"x": {"command": "x", "env": {"TOKEN": "ghp_0123456789abcdefghijABCDEFGHIJ012345"}}}}`))
	for i := range 8 {
		if _, err := Apply(c, path, []Entry{NewEntry("/opt/mcptray", fmt.Sprintf("s%d", i))}, ApplyOptions{Backups: backupsOf(home)}); err != nil {
			t.Fatal(err)
		}
	}
	// One item per generation kept, and the original's (the first generation's, rotated out).
	if len(keys.live) != KeepBackups+1 {
		t.Errorf("%d keychain items for %d backups and the original", len(keys.live), KeepBackups)
	}
	if _, err := Restore(c, path, backupsOf(home)); err != nil {
		t.Fatal(err)
	}
	// One backup fewer, and the content the restore replaced kept in before-last-restore.
	if len(keys.live) != KeepBackups+1 {
		t.Errorf("%d keychain items after a restore, want %d", len(keys.live), KeepBackups+1)
	}
}

// In YAML a credential may be a plain value or single-quoted, and a short one is still taken
// out where it is a whole value (and only there).
func TestYAMLBackupsHoldNoCredentials(t *testing.T) {
	home := t.TempDir()
	c := mustClient(t, "goose")
	path := filepath.Join(home, "config.yaml")
	original := []byte(`# Goose configuration
GOOSE_PROVIDER: anthropic
extensions:
  db:
    cmd: db-server
    enabled: true
    envs:
      DB_PASSWORD: hunt2 # short
      NOTE: hunt2-is-not-a-password
      API_TOKEN: 'sk-ant-0123456789abcdefghij'
    name: db
    type: stdio
`)
	writeFile(t, path, original)
	res, err := Apply(c, path, []Entry{NewEntry("/opt/mcptray", "files")}, ApplyOptions{Backups: backupsOf(home)})
	if err != nil || res.BackupPath == "" {
		t.Fatalf("Apply = %+v, %v", res, err)
	}
	kept := string(mustRead(t, res.BackupPath))
	if strings.Contains(kept, "sk-ant-") || strings.Contains(kept, "DB_PASSWORD: hunt2 ") || !strings.Contains(kept, "NOTE: hunt2-is-not-a-password") {
		t.Errorf("the backup holds a credential, or lost other text:\n%s", kept)
	}
	if _, err := Restore(c, path, backupsOf(home)); err != nil {
		t.Fatal(err)
	}
	if got := mustRead(t, path); string(got) != string(original) {
		t.Errorf("after restore the file holds\n%s\nwant\n%s", got, original)
	}
}

// Credentials inside a command line (issue 17): a bearer token in --header, a --password=,
// a redis://:password@ address and a SQL Password= never reach a backup, and come back on
// restore byte for byte.
func TestBackupsHoldNoCredentialsInArgs(t *testing.T) {
	home := t.TempDir()
	c := mustClient(t, "cursor")
	path := filepath.Join(home, ".cursor", "mcp.json")
	creds := []string{"tok3nV4lue-abcdef", "hunter2-pw", "redis-pa55", "Sql-Pa55w0rd"}
	original := []byte(`{
  "mcpServers": {
    "remote": {"command": "npx", "args": ["-y", "mcp-remote", "https://x.example/mcp", "--header", "Authorization: Bearer tok3nV4lue-abcdef"]},
    "db": {"command": "db-mcp", "args": ["--password=hunter2-pw", "redis://:redis-pa55@cache:6379", "--conn", "Server=db;User Id=sa;Password=Sql-Pa55w0rd;"]}
  }
}
`)
	writeFile(t, path, original)
	res, err := Apply(c, path, []Entry{NewEntry("/opt/mcptray", "files")}, ApplyOptions{Backups: backupsOf(home)})
	if err != nil || res.BackupPath == "" {
		t.Fatalf("Apply = %+v, %v", res, err)
	}
	testbin.AssertNoSecrets(t, creds, backupsOf(home).dirFor("cursor", path))
	if _, err := Restore(c, path, backupsOf(home)); err != nil {
		t.Fatal(err)
	}
	if got := mustRead(t, path); string(got) != string(original) {
		t.Errorf("after restore the file holds\n%s\nwant\n%s", got, original)
	}
}

// Credentials where the file's values do not show them (red team): a key in the query of a
// "url" member (JSON and JSONC), a token in a JSONC comment, a token in a commented-out TOML
// line of Codex's file. None reaches a backup; each comes back on restore byte for byte.
func TestBackupsHoldNoCredentialsInAddressesOrComments(t *testing.T) {
	for _, c := range []struct {
		client, rel, content string
		creds                []string
	}{
		{"cursor", ".cursor/mcp.json", `{
  "mcpServers": {
    "smithery": {"url": "https://server.smithery.ai/@x/mcp?api_key=hunter2-is-my-pass&profile=p"},
    "other": {"serverUrl": "https://h.example/mcp?token=tok-9f8e7d6c5b"}
  }
}
`, []string{"hunter2-is-my-pass", "tok-9f8e7d6c5b"}},
		{"vscode", ".config/Code/User/mcp.json", `{
  // my old token: ghp_0123456789abcdefghijABCDEFGHIJ012345
  "servers": {
    "remote": {"type": "http", "url": "https://h.example/mcp?apiKey=k3y-abcdef123"} /* sk-ant-0123456789abcdefghijkl */
  }
}`, []string{"ghp_0123456789abcdefghijABCDEFGHIJ012345", "k3y-abcdef123", "sk-ant-0123456789abcdefghijkl"}},
		{"codex", ".codex/config.toml", `model = "o3"

[mcp_servers.github]
command = "npx"
args = ["-y", "server-github"]
# env = { GITHUB_PERSONAL_ACCESS_TOKEN = "ghp_OLD0123456789abcdefghijABCDEFGHIJ01" }
`, []string{"ghp_OLD0123456789abcdefghijABCDEFGHIJ01"}},
	} {
		t.Run(c.client, func(t *testing.T) {
			home := t.TempDir()
			cl := mustClient(t, c.client)
			path := filepath.Join(home, c.rel)
			writeFile(t, path, []byte(c.content))
			res, err := Apply(cl, path, []Entry{NewEntry("/opt/mcptray", "files")}, ApplyOptions{Backups: backupsOf(home)})
			if err != nil || res.BackupPath == "" {
				t.Fatalf("Apply = %+v, %v", res, err)
			}
			testbin.AssertNoSecrets(t, c.creds, backupsOf(home).dirFor(c.client, path))
			if _, err := Restore(cl, path, backupsOf(home)); err != nil {
				t.Fatal(err)
			}
			if got := mustRead(t, path); string(got) != c.content {
				t.Errorf("after restore the file holds\n%s\nwant\n%s", got, c.content)
			}
		})
	}
}

// A copy written before MCP Tray recognised a credential (an older version) is cleaned by
// Clean, and still restores byte for byte.
func TestCleanTakesCredentialsOutOfOlderCopies(t *testing.T) {
	home := t.TempDir()
	c := mustClient(t, "cursor")
	path := filepath.Join(home, ".cursor", "mcp.json")
	original := []byte(`{"mcpServers": {"db": {"command": "db-mcp", "args": ["--password=hunter2-pw"], "env": {"DB_TOKEN": "t0ken"}}}}` + "\n")
	writeFile(t, path, []byte(`{"mcpServers": {}}`+"\n"))
	res, err := Apply(c, path, []Entry{NewEntry("/opt/mcptray", "files")}, ApplyOptions{Backups: backupsOf(home)})
	if err != nil || res.BackupPath == "" {
		t.Fatalf("Apply = %+v, %v", res, err)
	}
	writeFile(t, res.BackupPath, original) // as an older MCP Tray kept it
	if err := backupsOf(home).Clean(c, path); err != nil {
		t.Fatal(err)
	}
	testbin.AssertNoSecrets(t, []string{"hunter2-pw"}, backupsOf(home).dirFor("cursor", path))
	if err := backupsOf(home).Clean(c, path); err != nil {
		t.Fatal(err)
	}
	if _, err := Restore(c, path, backupsOf(home)); err != nil {
		t.Fatal(err)
	}
	if got := mustRead(t, path); string(got) != string(original) {
		t.Errorf("after restore the file holds\n%s\nwant\n%s", got, original)
	}
}
