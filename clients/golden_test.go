package clients

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const (
	macBinary = "/Applications/MCP Tray.app/Contents/MacOS/mcptray"
	winBinary = `C:\Program Files\MCP Tray\mcptray.exe`
)

// goldenWant is what every golden case applies: two servers, one of which ("github") clashes
// with an entry of the person's in most inputs.
func goldenWant(caseName string) []Entry {
	bin := macBinary
	if strings.Contains(caseName, "windows") {
		bin = winBinary
	}
	return []Entry{NewEntry(bin, "github"), NewEntry(bin, "memory")}
}

// goldenCase is one input file (or none, for a client that has no file yet).
type goldenCase struct {
	name  string // "new" or the input's name without .in.<ext>
	input string // path of the input, "" for a new file
	ext   string // ".json", ".jsonc", ".toml", ".yaml"
}

func goldenCases(t *testing.T, c Client) []goldenCase {
	dir := filepath.Join("testdata", c.ID())
	inputs, err := filepath.Glob(filepath.Join(dir, "*.in.*"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []goldenCase{{name: "new", ext: defaultExt(c)}}
	for _, in := range inputs {
		base := filepath.Base(in)
		i := strings.Index(base, ".in.")
		cases = append(cases, goldenCase{name: base[:i], input: in, ext: base[i+len(".in"):]})
	}
	return cases
}

func defaultExt(c Client) string {
	switch c.Format() {
	case "TOML":
		return ".toml"
	case "YAML":
		return ".yaml"
	}
	return ".json"
}

// TestGolden applies the same two servers to every input of every client, compares the
// result with testdata/<client>/<case>.applied.<ext>, checks a second run changes nothing,
// then removes MCP Tray's entries again (<case>.removed.<ext>) and checks that gives back the
// input: byte for byte when the input held no entry of ours, in meaning otherwise.
func TestGolden(t *testing.T) {
	for _, c := range All() {
		for _, gc := range goldenCases(t, c) {
			t.Run(c.ID()+"/"+gc.name, func(t *testing.T) {
				home := t.TempDir()
				opts := ApplyOptions{Backups: BackupDir(filepath.Join(home, "backups"))}
				path := filepath.Join(home, "config"+gc.ext)
				var input []byte
				if gc.input != "" {
					var err error
					if input, err = os.ReadFile(gc.input); err != nil {
						t.Fatal(err)
					}
					writeFile(t, path, input)
				}
				before, err := Read(c, path)
				if err != nil {
					t.Fatalf("reading the input: %v", err)
				}
				hadOurs := false
				for _, s := range before.Servers {
					hadOurs = hadOurs || s.Ours
				}

				want := goldenWant(gc.name)
				res, err := Apply(c, path, want, opts)
				if err != nil {
					t.Fatalf("Apply: %v", err)
				}
				applied := mustRead(t, path)
				dir := filepath.Join("testdata", c.ID())
				checkGolden(t, filepath.Join(dir, gc.name+".applied"+gc.ext), applied)
				checkGolden(t, filepath.Join(dir, gc.name+".result.txt"), []byte(describeResult(res)))
				checkOursAre(t, c, path, want)

				again, err := Apply(c, path, want, opts)
				if err != nil || again.Changed {
					t.Fatalf("second Apply = %+v, %v; want no change", again, err)
				}

				if _, err := Apply(c, path, nil, opts); err != nil {
					t.Fatalf("Apply(nil): %v", err)
				}
				removed := mustRead(t, path)
				checkGolden(t, filepath.Join(dir, gc.name+".removed"+gc.ext), removed)
				checkOursAre(t, c, path, nil)
				switch {
				case gc.input == "":
				case !hadOurs:
					// Inputs named no-* have no servers object: the one MCP Tray added goes
					// again with its last entry (holdernote.go).
					if diff := cmp.Diff(string(input), string(removed)); diff != "" {
						t.Errorf("adding then removing MCP Tray's entries did not give back the input (-input +result):\n%s", diff)
					}
				default:
					f := c.spec().format
					m1, err1 := f.meaning(input, "")
					m2, err2 := f.meaning(removed, "")
					if err1 != nil || err2 != nil || !reflect.DeepEqual(m1, m2) {
						t.Errorf("removing MCP Tray's entries changed the rest of the file: %v %v\n%s", err1, err2, cmp.Diff(m1, m2))
					}
				}
			})
		}
	}
}

// checkOursAre fails unless MCP Tray's entries in the file are exactly want.
func checkOursAre(t *testing.T, c Client, path string, want []Entry) {
	t.Helper()
	cfg, err := Read(c, path)
	if err != nil {
		t.Fatalf("reading back: %v", err)
	}
	got := map[string]Entry{}
	for _, s := range cfg.Servers {
		if s.Ours {
			got[s.ServerName] = Entry{Name: s.ServerName, Command: s.Command, Args: s.Args}
		}
	}
	wantMap := map[string]Entry{}
	for _, e := range want {
		wantMap[e.Name] = e
	}
	if diff := cmp.Diff(wantMap, got); diff != "" {
		t.Errorf("MCP Tray's entries in the file (-want +got):\n%s", diff)
	}
}

func describeResult(r Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "changed: %v\ncreated: %v\n", r.Changed, r.Created)
	fmt.Fprintf(&b, "added: %s\nupdated: %s\nremoved: %s\n", strings.Join(r.Added, ", "), strings.Join(r.Updated, ", "), strings.Join(r.Removed, ", "))
	for _, rn := range r.Renamed {
		fmt.Fprintf(&b, "renamed: %s -> %s: %s\n", rn.Server, rn.Key, rn.Reason)
	}
	fmt.Fprintf(&b, "needs restart: %v %s\n", r.NeedsRestart, r.RestartHint)
	return b.String()
}

func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run `go test ./clients -update` to create it): %v", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs (-want +got):\n%s", path, cmp.Diff(string(want), string(got)))
	}
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mkdirAllForTest(dir string) error            { return os.MkdirAll(dir, 0o700) }
func writeForTest(path string, data []byte) error { return os.WriteFile(path, data, 0o644) }
