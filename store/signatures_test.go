package store

import (
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSignedPackagesInstall(t *testing.T) {
	r := newTestRegistry(t)
	r.add("dep-one", "1.0.0", nil)
	r.add("@acme/server", "2.0.0", map[string]string{"dep-one": "1.0.0"})
	s := testStore(t)
	res, err := build(t, s, r, "@acme/server", "2.0.0")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(res.lines, "The registry's signatures of all 2 packages were checked.") {
		t.Errorf("progress = %q, want the signatures checked", res.lines)
	}
	if !slices.ContainsFunc(res.lines, func(l string) bool { return strings.Contains(l, "has no provenance") }) {
		t.Errorf("progress = %q, want no provenance said", res.lines)
	}
	out, err := exec.Command(res.argv[0], res.argv[1:]...).Output()
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Fatalf("running %q: %q %v", res.argv, out, err)
	}
	if err := Verify(res.frozen); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(res.frozen.Dir, "package-lock.json")); err != nil {
		t.Error("the lock was not kept")
	}
}

// A mirror that changes a dependency's tarball and the checksum it gives cannot sign the new
// checksum: the build fails, naming the package, and leaves nothing behind.
func TestTamperedDependencyRefused(t *testing.T) {
	r := newTestRegistry(t)
	dep := r.add("dep-one", "1.0.0", nil)
	r.add("@acme/server", "2.0.0", map[string]string{"dep-one": "1.0.0"})
	r.tamper(dep)
	s := testStore(t)
	_, err := build(t, s, r, "@acme/server", "2.0.0")
	if err == nil || !strings.Contains(err.Error(), "dep-one@1.0.0") || !strings.Contains(err.Error(), "signature") {
		t.Fatalf("Build = %v, want a signature failure naming dep-one@1.0.0", err)
	}
	if left, err := os.ReadDir(filepath.Join(s.Root, "srv")); !os.IsNotExist(err) {
		t.Errorf("left behind: the server's folder, holding %v", left)
	}
}

func TestRegistryWithoutKeys(t *testing.T) {
	r := newTestRegistry(t)
	r.keys = false
	r.add("@acme/server", "2.0.0", nil)
	res, err := build(t, testStore(t), r, "@acme/server", "2.0.0")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(res.lines, NoSignatures) {
		t.Errorf("progress = %q, want %q", res.lines, NoSignatures)
	}
}

func statementFor(t *testing.T, p *testPackage, repo string, digest []byte) []byte {
	sum := sha512.Sum512(p.tarball)
	if digest == nil {
		digest = sum[:]
	}
	b, _ := json.Marshal(map[string]any{"_type": "https://in-toto.io/Statement/v1",
		"subject":       []map[string]any{{"name": "pkg:npm/" + p.name + "@" + p.version, "digest": map[string]string{"sha512": hex.EncodeToString(digest)}}},
		"predicateType": "https://slsa.dev/provenance/v1",
		"predicate":     map[string]any{"buildDefinition": map[string]any{"externalParameters": map[string]any{"workflow": map[string]any{"repository": repo}}}}})
	return b
}

func TestProvenanceNamesTheRepository(t *testing.T) {
	r := newTestRegistry(t)
	p := r.add("@acme/server", "2.0.0", nil)
	r.statemnt[p.name] = statementFor(t, p, "https://github.com/acme/server", nil)
	res, err := build(t, testStore(t), r, "@acme/server", "2.0.0")
	if err != nil {
		t.Fatal(err)
	}
	if res.frozen.Provenance != "https://github.com/acme/server" {
		t.Errorf("Provenance = %q", res.frozen.Provenance)
	}
	want := "The registry records that @acme/server@2.0.0 was built from https://github.com/acme/server (its signing certificate was not checked)."
	if !slices.Contains(res.lines, want) {
		t.Errorf("progress = %q, want %q", res.lines, want)
	}
}

// A provenance record is the registry's words: a repository that carries terminal escape
// sequences (set the window's title, rewrite the line) reaches the progress line escaped.
func TestProvenanceRepositoryIsPrintedSafely(t *testing.T) {
	r := newTestRegistry(t)
	p := r.add("@acme/server", "2.0.0", nil)
	r.statemnt[p.name] = statementFor(t, p, "https://github.com/acme/server\x1b]0;pwned\a\x1b[2K\r", nil)
	res, err := build(t, testStore(t), r, "@acme/server", "2.0.0")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range res.lines {
		if strings.ContainsAny(l, "\x1b\a\r") {
			t.Errorf("progress line carries control characters: %q", l)
		}
	}
	if !slices.ContainsFunc(res.lines, func(l string) bool {
		return strings.Contains(l, `built from https://github.com/acme/server\x1b]0;pwned`)
	}) {
		t.Errorf("progress = %q, want the repository named, escaped", res.lines)
	}
}

// A provenance record for another file is a lie about this one: the build fails.
func TestProvenanceOfAnotherFileRefused(t *testing.T) {
	r := newTestRegistry(t)
	p := r.add("@acme/server", "2.0.0", nil)
	r.statemnt[p.name] = statementFor(t, p, "https://github.com/acme/server", make([]byte, 64))
	_, err := build(t, testStore(t), r, "@acme/server", "2.0.0")
	if err == nil || !strings.Contains(err.Error(), "provenance") {
		t.Fatalf("Build = %v, want a provenance failure", err)
	}
}

// A signature made with a key that has since expired counts only for a version published
// while the key was valid.
func TestExpiredKey(t *testing.T) {
	for _, tc := range []struct {
		name      string
		published time.Time
		ok        bool
	}{
		{"published before the key expired", time.Now().Add(-48 * time.Hour), true},
		{"published after the key expired", time.Now().Add(-time.Hour), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newTestRegistry(t)
			expired := time.Now().Add(-24 * time.Hour)
			r.expires, r.published = &expired, &tc.published
			r.add("@acme/server", "2.0.0", nil)
			_, err := build(t, testStore(t), r, "@acme/server", "2.0.0")
			if tc.ok && err != nil || !tc.ok && (err == nil || !strings.Contains(err.Error(), "expired")) {
				t.Fatalf("Build = %v", err)
			}
		})
	}
}
