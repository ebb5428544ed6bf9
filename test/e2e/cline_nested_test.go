package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestClineNestedEntriesImport: the entries Cline's own CLI writes (3.x: the command under
// "transport") are imported through the real binary like the flat ones: the stdio server
// becomes MCP Tray's and Cline's entry starts it through mcptray connect, the remote one is
// named and left alone. The file is the one the real cline 3.0.65 wrote (clients/testdata).
func TestClineNestedEntriesImport(t *testing.T) {
	if os.Getenv("MCPTRAY_TEST_ISOLATED_KEYRING") != "1" {
		t.Fatal("this test needs a private Secret Service: run it as keychain/run-with-secret-service.sh go test ... (make test does; needs dbus and gnome-keyring)")
	}
	u := clientUser(t)
	written, err := os.ReadFile(filepath.Join("..", "..", "clients", "testdata", "cline", "cli-nested.in.json"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(u.Dir, ".cline", "data", "settings", "cline_mcp_settings.json")
	writeFile(t, path, string(written))

	out := u.OK("client", "import", "cline", "--yes")
	if !strings.Contains(out, "docs") || !strings.Contains(out, "remote") {
		t.Errorf("the import does not name the remote server it leaves alone:\n%s", out)
	}
	cfg := readFile(t, filepath.Join(u.Home, "config.json"))
	if !strings.Contains(cfg, `"notes"`) || !strings.Contains(cfg, "@acme/notes-mcp") {
		t.Errorf("config.json after the import:\n%s", cfg)
	}
	after := readFile(t, path)
	if !strings.Contains(after, `"connect"`) || strings.Contains(after, "@acme/notes-mcp") {
		t.Errorf("Cline's file after the import still starts notes itself:\n%s", after)
	}
	if !strings.Contains(after, "https://docs.example.com/mcp") {
		t.Errorf("Cline's remote entry is gone:\n%s", after)
	}
}
