package installer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/config"
)

// TestFetchBundle downloads from a real local HTTP server: the right file is kept under its
// checksum and found again without a download; a file with another checksum is refused and
// nothing is kept.
func TestFetchBundle(t *testing.T) {
	body := []byte("PK\x05\x06 a bundle's bytes")
	other := []byte("PK\x05\x06 something else")
	requests := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests++
		switch r.URL.Path {
		case "/good.mcpb":
			w.Write(body)
		case "/swapped.mcpb":
			w.Write(other)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	sum := sha256.Sum256(body)
	sha := hex.EncodeToString(sum[:])
	home := config.Home(t.TempDir())
	ctx := context.Background()

	got, err := FetchBundle(ctx, home, catalog.BundleRef{URL: srv.URL + "/good.mcpb", SHA256: sha}, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(string(home), "bundles", sha+".mcpb"); got != want {
		t.Errorf("kept at %s, want %s", got, want)
	}
	if b, _ := os.ReadFile(got); string(b) != string(body) {
		t.Errorf("kept %q", b)
	}
	if _, err := FetchBundle(ctx, home, catalog.BundleRef{URL: srv.URL + "/good.mcpb", SHA256: sha}, srv.Client()); err != nil || requests != 1 {
		t.Errorf("a kept bundle was downloaded again (%d requests, %v)", requests, err)
	}

	_, err = FetchBundle(ctx, home, catalog.BundleRef{URL: srv.URL + "/swapped.mcpb", SHA256: strings.Repeat("0", 64)}, srv.Client())
	if err == nil || !strings.Contains(err.Error(), "is not the file the registry lists") {
		t.Fatalf("a file with another checksum: %v", err)
	}
	_, err = FetchBundle(ctx, home, catalog.BundleRef{URL: srv.URL + "/missing.mcpb", SHA256: strings.Repeat("1", 64)}, srv.Client())
	if err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("a missing file: %v", err)
	}
	left, _ := os.ReadDir(filepath.Join(string(home), "bundles"))
	if len(left) != 1 {
		t.Errorf("the bundles folder holds %d files after the refusals, want only the good one", len(left))
	}
}
