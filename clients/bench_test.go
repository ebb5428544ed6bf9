package clients

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkApplyAllClients applies three servers to one realistic file per client in a
// temporary home. Each iteration moves the mcptray binary, so every file is really rewritten
// (re-read, backed up, written atomically); one op is the whole batch.
func BenchmarkApplyAllClients(b *testing.B) {
	home := b.TempDir()
	type target struct {
		c    Client
		path string
	}
	var targets []target
	for _, c := range All() {
		matches, _ := filepath.Glob(filepath.Join("testdata", c.ID(), "*.in.*"))
		input, err := readFileBytes(matches[0])
		if err != nil {
			b.Fatal(err)
		}
		path := filepath.Join(home, c.ID(), "config"+filepath.Ext(matches[0]))
		writeFileB(b, path, input)
		targets = append(targets, target{c, path})
	}
	wants := [2][]Entry{}
	for i, bin := range []string{"/opt/a/mcptray", "/opt/b/mcptray"} {
		wants[i] = []Entry{NewEntry(bin, "github"), NewEntry(bin, "memory"), NewEntry(bin, "filesystem")}
	}
	opts := ApplyOptions{Backups: BackupDir(filepath.Join(home, "backups"))}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		for _, tg := range targets {
			res, err := Apply(tg.c, tg.path, wants[i%2], opts)
			if err != nil || !res.Changed {
				b.Fatalf("%s: %+v, %v", tg.c.ID(), res, err)
			}
		}
	}
}

func writeFileB(b *testing.B, path string, data []byte) {
	b.Helper()
	if err := mkdirAllForTest(filepath.Dir(path)); err != nil {
		b.Fatal(err)
	}
	if err := writeForTest(path, data); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkEditAllClients is the same batch without the disk: parse, edit and verify only,
// to tell the package's own cost from the file system's (fsync dominates the one above).
func BenchmarkEditAllClients(b *testing.B) {
	type target struct {
		c   Client
		src []byte
	}
	var targets []target
	for _, c := range All() {
		matches, _ := filepath.Glob(filepath.Join("testdata", c.ID(), "*.in.*"))
		src, err := readFileBytes(matches[0])
		if err != nil {
			b.Fatal(err)
		}
		targets = append(targets, target{c, src})
	}
	want := []Entry{NewEntry("/opt/a/mcptray", "github"), NewEntry("/opt/a/mcptray", "memory"), NewEntry("/opt/a/mcptray", "filesystem")}
	for b.Loop() {
		for _, tg := range targets {
			_, res, err := editBytes(tg.c, "config", tg.src, "", func(d document) (Result, error) { return reconcile(d, want) })
			if err != nil || !res.hasChanges() {
				b.Fatalf("%s: %+v, %v", tg.c.ID(), res, err)
			}
		}
	}
}

// BenchmarkEditBigClaudeCodeFile edits a 3 MB ~/.claude.json (Claude Code keeps every
// project's history in it), in memory.
func BenchmarkEditBigClaudeCodeFile(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("{\n  \"numStartups\": 1,\n  \"projects\": {\n")
	for i := range 20000 {
		fmt.Fprintf(&sb, "    \"/home/x/src/project-%d\": {\n      \"allowedTools\": [],\n      \"history\": [{\"display\": \"fix the bug number %d in the parser please\", \"pastedContents\": {}}],\n      \"mcpServers\": {}\n    },\n", i, i)
	}
	sb.WriteString("    \"/last\": {}\n  }\n}\n")
	src := []byte(sb.String())
	c := mustClientB(b, "claude-code")
	want := goldenWant("")
	for b.Loop() {
		if _, _, err := editBytes(c, "config", src, "", func(d document) (Result, error) { return reconcile(d, want) }); err != nil {
			b.Fatal(err)
		}
	}
}

func mustClientB(b *testing.B, id string) Client {
	c, ok := ByID(id)
	if !ok {
		b.Fatalf("no client %q", id)
	}
	return c
}
