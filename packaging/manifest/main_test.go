package main

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mcptray/mcptray/release"
)

func TestBuildWritesAManifestMCPTrayAccepts(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	key, err := signingKey(base64.StdEncoding.EncodeToString(priv.Seed()))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	prog := filepath.Join(dir, "mcptray-linux-amd64")
	os.WriteFile(prog, []byte("program"), 0o755)
	out, err := build("0.2.0", "https://example.com/v0.2.0/", "Fixes.", []string{"linux-amd64:mcptray=" + prog}, key, time.Unix(0, 0).UTC())
	if err != nil {
		t.Fatal(err)
	}
	m, err := release.Open(out[:len(out)-1], pub)
	if err != nil {
		t.Fatal(err)
	}
	f := m.Platforms["linux-amd64"]
	sum := sha256.Sum256([]byte("program"))
	if len(f) != 1 || f[0].Name != "mcptray" || f[0].URL != "https://example.com/v0.2.0/mcptray-linux-amd64" ||
		f[0].Size != 7 || f[0].SHA256 != hex.EncodeToString(sum[:]) {
		t.Fatalf("manifest files %+v", f)
	}
	if _, err := build("0.2.0", "http://example.com", "", []string{"linux-amd64:mcptray=" + prog}, key, time.Now()); err == nil {
		t.Fatal("a manifest with plain-http downloads was written")
	}
	if _, err := build("0.2.0", "https://x", "", []string{"linux-amd64:evil=" + prog}, key, time.Now()); err == nil {
		t.Fatal("a manifest with an unknown program was written")
	}
}
