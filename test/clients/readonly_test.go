package clients

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadOnlyClientFileThroughTheBinary: `mcptray client enable` on a client file the person
// made read-only leaves the file exactly as it was (same file, same bytes, same mode) and
// says so in one sentence.
func TestReadOnlyClientFileThroughTheBinary(t *testing.T) {
	u := codexUser(t, "elsewhere")
	path := filepath.Join(u.Dir, ".cursor", "mcp.json")
	content := `{"mcpServers": {"mine": {"command": "node", "args": ["s.js"]}}}` + "\n"
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o444); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(path)
	u.OK("server", "add", "echo", "--", fake)
	out, errs, _ := u.Run("client", "enable", "cursor")
	if !strings.Contains(out+errs, path+" is read-only") {
		t.Errorf("client enable said:\n%s%s\nwant it to say the file is read-only", out, errs)
	}
	after, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if !os.SameFile(before, after) || after.Mode() != before.Mode() || string(got) != content {
		t.Errorf("the read-only file was replaced or changed:\n%s", got)
	}
}
