package e2e

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/internal/testbin"
)

// TestImportAsksAtATerminal (issue 17): at a terminal, `client import` shows the plan and asks
// "Import these N servers? [y/N]"; Enter or "n" changes nothing, "y" imports.
func TestImportAsksAtATerminal(t *testing.T) {
	u := clientUser(t)
	cursor := filepath.Join(u.Dir, ".cursor", "mcp.json")
	original := `{"mcpServers": {"a17": {"command": "` + fake + `"}, "b17": {"command": "` + fake + `", "args": ["-hello", "b"]}}}` + "\n"
	writeFile(t, cursor, original)
	answer := func(line string) (string, string) {
		t.Helper()
		tty, keyboard := testbin.Terminal(t)
		cmd := u.Command("client", "import", "cursor")
		var out, errs strings.Builder
		cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, &out, &errs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		fmt.Fprint(keyboard, line)
		if err := cmd.Wait(); err != nil {
			t.Fatalf("client import answered %q: %v\n%s%s", line, err, out.String(), errs.String())
		}
		return out.String(), errs.String()
	}
	for _, no := range []string{"\n", "n\n"} {
		out, errs := answer(no)
		if !strings.Contains(errs, "Import these 2 servers? [y/N]") || !strings.Contains(out, "Nothing was changed.") {
			t.Errorf("answered %q, client import said:\n%s%s", no, out, errs)
		}
		if readFile(t, cursor) != original {
			t.Fatalf("answered %q, the import changed Cursor's file", no)
		}
	}
	if out, _ := answer("y\n"); !strings.Contains(out, "Done: Cursor now starts these servers through MCP Tray.") {
		t.Errorf("answered y, client import said:\n%s", out)
	}
	if got := entries(t, cursor)["a17"]; len(got.Args) != 2 || got.Args[0] != "connect" {
		t.Errorf("after the import Cursor's a17 entry is %+v", got)
	}
}
