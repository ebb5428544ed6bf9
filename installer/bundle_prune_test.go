package installer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/config"
)

// TestPruneBundles keeps the downloaded bundles a server runs or would roll back to, and
// those just downloaded, and deletes the others, on real files and a real config.json.
func TestPruneBundles(t *testing.T) {
	home := config.Home(t.TempDir())
	dir := BundlesDir(home)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	sha := func(c string) string { return strings.Repeat(c, 64) }
	old := time.Now().Add(-2 * bundleGrace)
	for _, name := range []string{sha("a") + ".mcpb", sha("b") + ".mcpb", sha("c") + ".mcpb", sha("d") + ".mcpb", ".download-123.mcpb", "notes.txt"} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("PK"), 0o600); err != nil {
			t.Fatal(err)
		}
		if name != sha("d")+".mcpb" { // d was just downloaded
			os.Chtimes(p, old, old)
		}
	}
	frozen := func(c string) *config.Frozen {
		return &config.Frozen{Registry: "mcpb", Package: "x", Version: "1.0.0", Dir: filepath.Join(string(home), "servers", c),
			Lock: "sha256:" + sha(c), Tree: "sha256:" + sha("f")}
	}
	err := home.Update(func(c *config.Config) error {
		c.Servers["runs-a"] = &config.Server{Command: "node", Frozen: frozen("a")}
		c.Servers["was-b"] = &config.Server{Command: "node", Frozen: frozen("e"),
			Rollback: &config.Server{Command: "node", Frozen: frozen("b")}}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	left := func() []string {
		var names []string
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			names = append(names, e.Name())
		}
		return names
	}

	deleted, err := PruneBundles(home)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, ".download-123.mcpb"), filepath.Join(dir, sha("c")+".mcpb")}
	slices.Sort(deleted)
	if !slices.Equal(deleted, want) {
		t.Errorf("deleted %v, want %v", deleted, want)
	}
	if got, want := left(), []string{sha("a") + ".mcpb", sha("b") + ".mcpb", sha("d") + ".mcpb", "notes.txt"}; !slices.Equal(got, want) {
		t.Errorf("left %v, want %v", got, want)
	}

	// The server is removed, and the other one's rollback is gone after its next update.
	var removed *config.Server
	err = home.Update(func(c *config.Config) error {
		removed = c.Servers["runs-a"]
		delete(c.Servers, "runs-a")
		c.Servers["was-b"].Rollback = nil
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := PruneBundles(home, removed); err != nil {
		t.Fatal(err)
	}
	if got, want := left(), []string{sha("d") + ".mcpb", "notes.txt"}; !slices.Equal(got, want) {
		t.Errorf("after the removal, left %v, want %v", got, want)
	}
	if _, err := PruneBundles(home); err != nil { // twice is fine
		t.Fatal(err)
	}

	// A server removed right after its install: its bundle goes at once, as it names it.
	err = home.Update(func(c *config.Config) error {
		c.Servers["runs-d"] = &config.Server{Command: "node", Frozen: frozen("d")}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := PruneBundles(home); err != nil || !slices.Contains(left(), sha("d")+".mcpb") {
		t.Fatalf("a bundle in use was deleted (%v)", err)
	}
	err = home.Update(func(c *config.Config) error {
		removed = c.Servers["runs-d"]
		delete(c.Servers, "runs-d")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := PruneBundles(home); err != nil || !slices.Contains(left(), sha("d")+".mcpb") {
		t.Fatalf("a bundle downloaded a moment ago was deleted without being named (%v)", err)
	}
	if _, err := PruneBundles(home, removed); err != nil {
		t.Fatal(err)
	}
	if got, want := left(), []string{"notes.txt"}; !slices.Equal(got, want) {
		t.Errorf("after removing the fresh install, left %v, want %v", got, want)
	}
}

// TestPruneKeepsAReusedBundle: a bundle found already downloaded is kept through the install
// that reuses it, however old the file.
func TestPruneKeepsAReusedBundle(t *testing.T) {
	body := []byte("PK\x05\x06 a bundle's bytes")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(body) }))
	defer srv.Close()
	home := config.Home(t.TempDir())
	sum := sha256.Sum256(body)
	ref := catalog.BundleRef{URL: srv.URL + "/b.mcpb", SHA256: hex.EncodeToString(sum[:])}
	file, err := FetchBundle(context.Background(), home, ref, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-2 * bundleGrace)
	os.Chtimes(file, old, old)
	if _, err := FetchBundle(context.Background(), home, ref, srv.Client()); err != nil {
		t.Fatal(err)
	}
	if _, err := PruneBundles(home); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(file); err != nil {
		t.Fatalf("the reused bundle was deleted: %v", err)
	}
	os.Chtimes(file, old, old)
	if _, err := PruneBundles(home); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(file); err == nil {
		t.Fatal("a bundle no server uses, downloaded long ago, was kept")
	}
}
