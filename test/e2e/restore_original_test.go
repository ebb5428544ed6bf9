package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/keychain"
)

// TestRestoreOriginalAfterManyChanges: many changes after the first (more than the backups
// kept), `client restore cursor --original` puts Cursor's file back byte for byte as it was
// before MCP Tray's first change — CRLF line ends and the person's token included, the token
// filled back from the keychain and never in the copy on disk; --list names the original.
func TestRestoreOriginalAfterManyChanges(t *testing.T) {
	if os.Getenv("MCPTRAY_TEST_ISOLATED_KEYRING") != "1" {
		t.Fatal("this test needs a private Secret Service: run it as keychain/run-with-secret-service.sh go test ... (make test does; needs dbus and gnome-keyring)")
	}
	u := clientUser(t)
	token := "ghp_" + randomAlnum(t, 36)
	path := filepath.Join(u.Dir, ".cursor", "mcp.json")
	original := "{\r\n  \"mcpServers\": {\r\n    \"mine\": {\"command\": \"npx\", \"args\": [\"-y\", \"some-server\"],\r\n" +
		"      \"env\": {\"GITHUB_PERSONAL_ACCESS_TOKEN\": \"" + token + "\"}}\r\n  },\r\n  \"theme\": \"dark\"\r\n}\r\n"
	writeFile(t, path, original)
	t.Cleanup(func() {
		// The backup's credential went to the keychain under an id of its own; a private
		// Secret Service ends with the test anyway, this only keeps a rerun clean.
		_ = keychain.System(keychain.Options{}).Delete(context.Background(), "github", "GITHUB_PERSONAL_ACCESS_TOKEN")
	})
	u.OK("client", "enable", "cursor")
	u.Daemon()
	for i := range 8 { // every server added or removed is one more change of Cursor's file
		name := "s" + strconv.Itoa(i)
		u.OK("server", "add", name, "--", fake)
		u.Eventually("Cursor's file names "+name, func() bool { return strings.Contains(readFile(t, path), `"`+name+`"`) })
		if i%2 == 1 {
			u.OK("server", "remove", name)
			u.Eventually("Cursor's file no longer names "+name, func() bool { return !strings.Contains(readFile(t, path), `"`+name+`"`) })
		}
	}
	if got := readFile(t, path); got == original {
		t.Fatal("Cursor's file did not change; the test proves nothing")
	}
	list := u.OK("client", "restore", "cursor", "--list")
	t.Logf("restore --list:\n%s", list)
	if !strings.Contains(strings.ToLower(list), "original") {
		t.Errorf("restore --list does not name the original:\n%s", list)
	}
	for _, root := range []string{u.Home} {
		filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() {
				if b, err := os.ReadFile(p); err == nil && strings.Contains(string(b), token) {
					t.Errorf("the token is on disk in %s", p)
				}
			}
			return nil
		})
	}
	u.OK("client", "restore", "cursor", "--original")
	if got := readFile(t, path); got != original {
		t.Errorf("after restore --original Cursor's file is:\n%q\nwant the original:\n%q", got, original)
	}
}
