package clients

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// yamlHolders are the YAML clients whose servers' holder can be an empty {} or [] on its
// key's line.
var yamlHolders = []struct{ id, key, empty string }{
	{"goose", "extensions", "{}"},
	{"continue", "mcpServers", "[]"},
}

// emptyHolderLines are key lines of an empty servers' holder, written with white space of
// every kind before and after its {} or [] (empty), with and without a comment after it.
func emptyHolderLines(key, empty string) []string {
	var out []string
	for _, before := range []string{" ", "  ", "\t", " \t", "\t "} {
		for _, after := range []string{"", " ", "  ", "\t", " \t"} {
			for _, comment := range []string{"", "# mine"} {
				// {}# mine too: YAML wants white space before a comment, but the YAML
				// library MCP Tray reads with takes it as one.
				out = append(out, key+":"+before+empty+after+comment)
			}
		}
	}
	return out
}

// TestYAMLEmptyHolderKeepsItsWhiteSpace (known bug): extensions:  {} (two spaces), a tab
// before {}, or white space both before and after it came back from enable and disable as
// extensions: {} : add dropped the white space before {} and remove wrote one space back.
// Every such line now comes back byte for byte, with LF or CRLF endings, as the file's last
// line or not, after a byte order mark, and a second enable changes nothing.
func TestYAMLEmptyHolderKeepsItsWhiteSpace(t *testing.T) {
	want := []Entry{NewEntry("/usr/local/bin/mcptray", "demo")}
	for _, h := range yamlHolders {
		c := mustClient(t, h.id)
		for _, line := range emptyHolderLines(h.key, h.empty) {
			for _, nl := range []string{"\n", "\r\n"} {
				for _, src := range []string{
					"a: 1" + nl + line + nl,
					line + nl + "b: 2" + nl,
					"a: 1" + nl + line,
					"\xef\xbb\xbf" + line + nl,
				} {
					enabled, again, disabled := enableTwiceDisable(t, c, src, want)
					if enabled == src {
						t.Errorf("%s: enable changed nothing in %q", h.id, src)
					}
					if again != enabled {
						t.Errorf("%s: a second enable changed %q:\n%q\n%q", h.id, src, enabled, again)
					}
					if diff := cmp.Diff(src, disabled); diff != "" {
						t.Errorf("%s: enable then disable did not give back %q (-input +result):\n%s\nafter enable:\n%q", h.id, src, diff, enabled)
					}
				}
			}
		}
	}
}

// notedStep makes in's MCP Tray entries want, with the holder note note as Apply carries it,
// and returns the result and the next note.
func notedStep(t *testing.T, c Client, in string, note *holderNote, want []Entry) (string, *holderNote) {
	t.Helper()
	out, _, next, err := editNoted(c, []byte(in), note, func(d document) (Result, error) { return reconcile(d, want) })
	if err != nil {
		t.Fatalf("%s: editing %q: %v", c.ID(), in, err)
	}
	return string(out), next
}

// enableTwiceDisable enables want in src, enables it again, then disables it, carrying the
// holder note from one edit to the next as Apply does, and returns the three results.
func enableTwiceDisable(t *testing.T, c Client, src string, want []Entry) (enabled, again, disabled string) {
	t.Helper()
	enabled, note := notedStep(t, c, src, nil, want)
	again, note2 := notedStep(t, c, enabled, note, want)
	if !sameNote(note, note2) {
		t.Errorf("%s: a second enable of %q changed the holder note: %+v → %+v", c.ID(), src, note, note2)
	}
	disabled, last := notedStep(t, c, again, note2, nil)
	if last != nil {
		t.Errorf("%s: a note is kept after MCP Tray's last entry went: %+v", c.ID(), last)
	}
	return enabled, again, disabled
}

// TestYAMLHolderNoteOutlivesAChangeOfServers: when one edit takes MCP Tray's last entry out
// and puts another in, the {} that remove leaves for a moment is MCP Tray's, not the
// person's: the note of how the holder was before MCP Tray's first entry stays.
func TestYAMLHolderNoteOutlivesAChangeOfServers(t *testing.T) {
	for _, h := range yamlHolders {
		c := mustClient(t, h.id)
		for _, src := range []string{
			"a: 1\n",
			h.key + ":\n",
			h.key + ":\t" + h.empty + "  \n",
			"a: 1\r\n" + h.key + ":  " + h.empty + "\r\n",
		} {
			var note *holderNote
			out := []byte(src)
			for _, want := range [][]Entry{
				{NewEntry("/usr/local/bin/mcptray", "github")},
				{NewEntry("/usr/local/bin/mcptray", "gitlab")},
				nil,
			} {
				var err error
				out, _, note, err = editNoted(c, out, note, func(d document) (Result, error) { return reconcile(d, want) })
				if err != nil {
					t.Fatalf("%s: %q: %v", h.id, src, err)
				}
			}
			if diff := cmp.Diff(src, string(out)); diff != "" {
				t.Errorf("%s: enable, a change of servers and disable did not give back %q (-input +result):\n%s", h.id, src, diff)
			}
		}
	}
}

// TestYAMLHolderNoteInTheBackupFolder: the white space around an empty {} is kept in the
// holder note in the backup folder, read back by the disable that follows, and the note goes.
func TestYAMLHolderNoteInTheBackupFolder(t *testing.T) {
	for _, h := range yamlHolders {
		c := mustClient(t, h.id)
		home := t.TempDir()
		path := filepath.Join(home, "config.yaml")
		src := "name: x\r\n" + h.key + ":\t " + h.empty + " \t# mine\r\n"
		writeFile(t, path, []byte(src))
		opts := ApplyOptions{Backups: backupsOf(home)}
		if _, err := Apply(c, path, []Entry{NewEntry("/usr/local/bin/mcptray", "demo")}, opts); err != nil {
			t.Fatal(err)
		}
		notePath := backupsOf(home).holderNotePath(c.ID(), path)
		note := string(mustRead(t, notePath))
		if !strings.Contains(note, `before the empty value: "\t "`) || !strings.Contains(note, `after the empty value: " \t"`) {
			t.Errorf("%s: the note does not keep the white space around %s:\n%s", h.id, h.empty, note)
		}
		if _, err := Apply(c, path, nil, opts); err != nil {
			t.Fatal(err)
		}
		if got := string(mustRead(t, path)); got != src {
			t.Errorf("%s: after disable %q, want %q", h.id, got, src)
		}
		if _, err := os.Stat(notePath); !os.IsNotExist(err) {
			t.Errorf("%s: the note is left in the backup folder: %v", h.id, err)
		}
	}
}

// TestYAMLHolderNoteFromBefore: a note that says the holder was there, empty, but not with
// what white space (an older MCP Tray's, say) is still read; the holder is then left as
// remove writes it.
func TestYAMLHolderNoteFromBefore(t *testing.T) {
	for _, h := range yamlHolders {
		c := mustClient(t, h.id)
		home := t.TempDir()
		path := filepath.Join(home, "config.yaml")
		writeFile(t, path, []byte("a: 1\n"+h.key+":  "+h.empty+"\n"))
		opts := ApplyOptions{Backups: backupsOf(home)}
		if _, err := Apply(c, path, []Entry{NewEntry("/usr/local/bin/mcptray", "demo")}, opts); err != nil {
			t.Fatal(err)
		}
		notePath := backupsOf(home).holderNotePath(c.ID(), path)
		old := fmt.Sprintf("While this note is here, MCP Tray takes its last entry out of %s as it put its first one in, and gives back the servers' settings as they were:\nempty: they were there, empty\n", path)
		writeFile(t, notePath, []byte(old))
		if n := backupsOf(home).readHolderNote(c.ID(), path); n == nil || !n.filled || n.bare || n.flow != nil {
			t.Fatalf("%s: the older note reads as %+v", h.id, n)
		}
		if _, err := Apply(c, path, nil, opts); err != nil {
			t.Fatal(err)
		}
		if got, want := string(mustRead(t, path)), "a: 1\n"+h.key+": "+h.empty+"\n"; got != want {
			t.Errorf("%s: after disable %q, want %q", h.id, got, want)
		}
	}
}
