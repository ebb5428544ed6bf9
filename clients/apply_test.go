package clients

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// typicalInput returns a realistic file of the client's from testdata (one with entries of
// the person's) and its extension.
func typicalInput(t *testing.T, c Client) ([]byte, string) {
	t.Helper()
	matches, _ := filepath.Glob(filepath.Join("testdata", c.ID(), "typical.in.*"))
	if len(matches) == 0 {
		matches, _ = filepath.Glob(filepath.Join("testdata", c.ID(), "*.in.*"))
	}
	if len(matches) == 0 {
		t.Fatalf("testdata/%s has no input file", c.ID())
	}
	b := mustRead(t, matches[0])
	return b, filepath.Ext(matches[0])
}

// corruptInput is a file of the client's format that does not parse, with the line the error
// is on.
func corruptInput(c Client) ([]byte, int) {
	switch c.Format() {
	case "TOML":
		return []byte("model = \"o3\"\n\n[mcp_servers.github\ncommand = \"npx\"\n"), 3
	case "YAML":
		return []byte("extensions:\n  github:\n    cmd: npx\n   args: [a\n"), 4
	}
	return []byte("{\n  \"mcpServers\": {\n    \"github\": {\n      \"command\": \"npx\",\n    }\n  }\n  \"x\": 1\n}\n"), 7
}

func backupsOf(home string) BackupDir { return BackupDir(filepath.Join(home, "backups")) }

// dirNames lists a folder, to check nothing (backup, temporary file) was left next to a file.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestCorruptFileStaysByteIdentical(t *testing.T) {
	for _, c := range All() {
		t.Run(c.ID(), func(t *testing.T) {
			home := t.TempDir()
			dir := filepath.Join(home, "client")
			path := filepath.Join(dir, "config"+defaultExt(c))
			input, line := corruptInput(c)
			writeFile(t, path, input)

			_, err := Apply(c, path, goldenWant("corrupt"), ApplyOptions{Backups: backupsOf(home)})
			var fe *FileError
			if !errors.As(err, &fe) || !errors.Is(err, ErrInvalidFile) {
				t.Fatalf("Apply on a corrupt file: error %v, want a *FileError wrapping ErrInvalidFile", err)
			}
			if fe.Line != line {
				t.Errorf("error line = %d, want %d (%v)", fe.Line, line, err)
			}
			msg := err.Error()
			for _, want := range []string{c.Name() + "'s config file " + path + " is not valid " + c.Format(), "line ", "MCP Tray left it untouched."} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not say %q", msg, want)
				}
			}
			if got := mustRead(t, path); string(got) != string(input) {
				t.Errorf("the corrupt file was changed:\n%s", got)
			}
			if diff := cmp.Diff([]string{"config" + defaultExt(c)}, dirNames(t, dir)); diff != "" {
				t.Errorf("files next to the config (-want +got):\n%s", diff)
			}
			if _, err := os.Stat(filepath.Join(home, "backups")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a backup folder was made for a file that was not changed: %v", err)
			}
			if _, err := Read(c, path); !errors.Is(err, ErrInvalidFile) {
				t.Errorf("Read on a corrupt file: %v, want ErrInvalidFile", err)
			}
		})
	}
}

func TestCursorParseErrorSentence(t *testing.T) {
	home := t.TempDir()
	path := filepath.Join(home, ".cursor", "mcp.json")
	input, _ := corruptInput(mustClient(t, "cursor"))
	writeFile(t, path, input)
	_, err := Apply(mustClient(t, "cursor"), path, goldenWant(""), ApplyOptions{Backups: backupsOf(home)})
	want := "Cursor's config file " + path + ` is not valid JSON (line 7, column 3: invalid character '"' after object value (expecting ',' or '}')); MCP Tray left it untouched.`
	if err == nil || err.Error() != want {
		t.Fatalf("error =\n%v\nwant\n%s", err, want)
	}
}

func mustClient(t *testing.T, id string) Client {
	t.Helper()
	c, ok := ByID(id)
	if !ok {
		t.Fatalf("no client %q", id)
	}
	return c
}

func TestStrictClientsRefuseComments(t *testing.T) {
	input := []byte("{\n  \"mcpServers\": {\n    // my servers\n  }\n}\n")
	for _, c := range All() {
		if c.Format() != "JSON" {
			continue
		}
		t.Run(c.ID(), func(t *testing.T) {
			home := t.TempDir()
			path := filepath.Join(home, "config.json")
			writeFile(t, path, input)
			_, err := Apply(c, path, goldenWant(""), ApplyOptions{Backups: backupsOf(home)})
			if !errors.Is(err, ErrUnsupportedContent) {
				t.Fatalf("Apply on a strict-JSON file with a comment: %v, want ErrUnsupportedContent", err)
			}
			want := c.Name() + "'s config file " + path + " has a comment or a trailing comma at line 3, which " + c.Name() + " cannot read; MCP Tray left it untouched."
			if err.Error() != want {
				t.Errorf("error =\n%v\nwant\n%s", err, want)
			}
			if got := mustRead(t, path); string(got) != string(input) {
				t.Errorf("the file was changed:\n%s", got)
			}
		})
	}
}

func TestStrictClientsWriteStrictJSON(t *testing.T) {
	for _, c := range All() {
		if c.Format() != "JSON" {
			continue
		}
		home := t.TempDir()
		path := filepath.Join(home, "config.json")
		input, _ := typicalInput(t, c)
		writeFile(t, path, input)
		if _, err := Apply(c, path, goldenWant(""), ApplyOptions{Backups: backupsOf(home)}); err != nil {
			t.Fatalf("%s: %v", c.ID(), err)
		}
		if _, err := parseJSON(mustRead(t, path), true); err != nil {
			t.Errorf("%s: the written file is not strict JSON: %v", c.ID(), err)
		}
	}
}

// TestChangedMeanwhileIsNotClobbered plays a client that saves its file between MCP Tray's
// read and write: MCP Tray must refuse, leave the client's content, and keep no backup.
func TestChangedMeanwhileIsNotClobbered(t *testing.T) {
	for _, c := range All() {
		t.Run(c.ID(), func(t *testing.T) {
			home := t.TempDir()
			path := filepath.Join(home, "config"+defaultExt(c))
			input, _ := typicalInput(t, c)
			writeFile(t, path, input)
			clientWrote := append(append([]byte{}, input...), '\n')
			opts := ApplyOptions{Backups: backupsOf(home), beforeWrite: func() { writeFile(t, path, clientWrote) }}

			_, err := Apply(c, path, goldenWant(""), opts)
			if !errors.Is(err, ErrChangedMeanwhile) {
				t.Fatalf("Apply: %v, want ErrChangedMeanwhile", err)
			}
			if !strings.HasPrefix(err.Error(), c.Name()+"'s config file "+path+" changed while MCP Tray was updating it") {
				t.Errorf("error = %q", err)
			}
			if got := mustRead(t, path); string(got) != string(clientWrote) {
				t.Errorf("the client's content was overwritten:\n%s", got)
			}
			if list, _ := Backups(c, path, backupsOf(home)); len(list) != 0 {
				t.Errorf("backups were taken for a write that did not happen: %v", list)
			}
			// The next attempt, with the file quiet, goes through.
			if _, err := Apply(c, path, goldenWant(""), ApplyOptions{Backups: backupsOf(home)}); err != nil {
				t.Fatalf("retry: %v", err)
			}
		})
	}
}

func TestCreatedMeanwhileIsNotClobbered(t *testing.T) {
	c := mustClient(t, "claude-code")
	home := t.TempDir()
	path := filepath.Join(home, ".claude.json")
	opts := ApplyOptions{Backups: backupsOf(home), beforeWrite: func() { writeFile(t, path, []byte(`{"numStartups": 1}`)) }}
	if _, err := Apply(c, path, goldenWant(""), opts); !errors.Is(err, ErrChangedMeanwhile) {
		t.Fatalf("Apply: %v, want ErrChangedMeanwhile", err)
	}
	if got := string(mustRead(t, path)); got != `{"numStartups": 1}` {
		t.Errorf("file = %s", got)
	}
}

func TestNewFileAndPermissions(t *testing.T) {
	home := t.TempDir()
	c := mustClient(t, "cline")
	path := filepath.Join(home, ".cline", "data", "settings", "cline_mcp_settings.json")
	if res, err := Apply(c, path, nil, ApplyOptions{Backups: backupsOf(home)}); err != nil || res.Changed {
		t.Fatalf("Apply(nil) on a missing file = %+v, %v; want nothing done", res, err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Apply(nil) created the file: %v", err)
	}
	res, err := Apply(c, path, goldenWant(""), ApplyOptions{Backups: backupsOf(home)})
	if err != nil || !res.Created || res.BackupPath != "" {
		t.Fatalf("Apply on a missing file = %+v, %v", res, err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("new file mode = %v, want 0600", fi.Mode().Perm())
	}

	// An existing file keeps its mode.
	other := filepath.Join(home, "mcp.json")
	writeFile(t, other, []byte("{}\n"))
	os.Chmod(other, 0o644)
	if _, err := Apply(mustClient(t, "cursor"), other, goldenWant(""), ApplyOptions{Backups: backupsOf(home)}); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(other); fi.Mode().Perm() != 0o644 {
		t.Errorf("existing file mode = %v, want 0644 kept", fi.Mode().Perm())
	}
}

func TestApplyRefusesEntriesItCouldNotRecognise(t *testing.T) {
	home := t.TempDir()
	c := mustClient(t, "cursor")
	path := filepath.Join(home, "mcp.json")
	bad := [][]Entry{
		{{Name: "x", Command: "mcptray", Args: []string{"connect", "x"}}},      // relative
		{{Name: "x", Command: "/usr/bin/npx", Args: []string{"connect", "x"}}}, // not mcptray
		{{Name: "x", Command: "/opt/mcptray", Args: []string{"run", "x"}}},     // not connect
		{{Name: "x", Command: "/opt/mcptray", Args: []string{"connect", "y"}}}, // another server
		{NewEntry("/opt/mcptray", "x"), NewEntry("/opt/mcptray", "x")},         // twice
		{{Name: "", Command: "/opt/mcptray", Args: []string{"connect", ""}}},   // no name
	}
	for _, want := range bad {
		if _, err := Apply(c, path, want, ApplyOptions{Backups: backupsOf(home)}); err == nil {
			t.Errorf("Apply(%v) succeeded", want)
		}
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused Apply wrote the file")
	}
	if _, err := Apply(c, path, goldenWant(""), ApplyOptions{}); err == nil {
		t.Errorf("Apply without a backup folder succeeded")
	}
}

func TestCodexInlineTableIsRefused(t *testing.T) {
	home := t.TempDir()
	path := filepath.Join(home, "config.toml")
	input := []byte("mcp_servers = { docs = { url = \"https://docs.example.com/mcp\" } }\n")
	writeFile(t, path, input)
	_, err := Apply(mustClient(t, "codex"), path, goldenWant(""), ApplyOptions{Backups: backupsOf(home)})
	if !errors.Is(err, ErrUnsupportedContent) || !strings.Contains(err.Error(), "inline table (line 1)") {
		t.Fatalf("Apply: %v, want ErrUnsupportedContent about the inline table", err)
	}
	if got := mustRead(t, path); string(got) != string(input) {
		t.Errorf("file changed:\n%s", got)
	}
}

func TestIdentityIsTheServerNotTheKey(t *testing.T) {
	// The person renamed MCP Tray's entry; MCP Tray keeps using it instead of adding another.
	home := t.TempDir()
	path := filepath.Join(home, "mcp.json")
	input := `{"mcpServers": {"my github": {"command": "/opt/mcptray", "args": ["connect", "github"]}}}`
	writeFile(t, path, []byte(input))
	res, err := Apply(mustClient(t, "cursor"), path, []Entry{NewEntry("/opt/mcptray", "github")}, ApplyOptions{Backups: backupsOf(home)})
	if err != nil || res.Changed {
		t.Fatalf("Apply = %+v, %v; want no change", res, err)
	}
	if got := string(mustRead(t, path)); got != input {
		t.Errorf("file = %s", got)
	}
}

func TestConcurrentAppliesOnOneFile(t *testing.T) {
	home := t.TempDir()
	c := mustClient(t, "claude-desktop")
	path := filepath.Join(home, "claude_desktop_config.json")
	input, _ := typicalInput(t, c)
	writeFile(t, path, input)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			_, err := Apply(c, path, goldenWant(""), ApplyOptions{Backups: backupsOf(home)})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent Apply: %v", err)
		}
	}
	checkOursAre(t, c, path, goldenWant(""))
	if list, _ := Backups(c, path, backupsOf(home)); len(list) != 1 {
		t.Errorf("%d backups, want 1 (only the first Apply changed the file)", len(list))
	}
}

func TestByteOrderMarkIsKept(t *testing.T) {
	home := t.TempDir()
	path := filepath.Join(home, "mcp.json")
	input := "\xef\xbb\xbf{\r\n  \"mcpServers\": {}\r\n}\r\n"
	writeFile(t, path, []byte(input))
	c := mustClient(t, "vscode")
	if _, err := Apply(c, path, goldenWant(""), ApplyOptions{Backups: backupsOf(home)}); err != nil {
		t.Fatal(err)
	}
	got := string(mustRead(t, path))
	if !strings.HasPrefix(got, "\xef\xbb\xbf{\r\n  \"mcpServers\": {},\r\n  \"servers\": {\r\n    \"github\": {\r\n") {
		t.Errorf("got %q", got)
	}
	if _, err := Apply(c, path, nil, ApplyOptions{Backups: backupsOf(home)}); err != nil {
		t.Fatal(err)
	}
	if got := string(mustRead(t, path)); got != input {
		t.Errorf("after removal %q, want the file as it was, %q", got, input)
	}
}
