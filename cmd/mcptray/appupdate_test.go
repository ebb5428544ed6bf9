//go:build !windows

package main

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcptray/mcptray/release"
)

// releaseServer serves a signed manifest and the programs it names on 127.0.0.1.
type releaseServer struct {
	srv      *httptest.Server
	key      ed25519.PrivateKey
	mu       sync.Mutex
	manifest []byte
	files    map[string][]byte
}

func newReleaseServer(t *testing.T) *releaseServer {
	_, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	r := &releaseServer{key: key, files: map[string][]byte{}}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		defer r.mu.Unlock()
		if req.URL.Path == "/manifest.json" {
			w.Write(r.manifest)
			return
		}
		if b, ok := r.files[strings.TrimPrefix(req.URL.Path, "/")]; ok {
			w.Write(b)
			return
		}
		http.NotFound(w, req)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// offer publishes version with mcptray's bytes signed, then serves served in its place.
func (r *releaseServer) offer(t *testing.T, version string, signed, served []byte) {
	sum := sha256.Sum256(signed)
	m := release.Manifest{App: release.AppID, Version: version, Published: time.Now().UTC(), Platforms: map[string][]release.File{
		runtime.GOOS + "-" + runtime.GOARCH: {{Name: "mcptray", URL: r.srv.URL + "/mcptray-" + version, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(signed))}},
	}}
	body, _ := json.Marshal(m)
	pub, err := release.Sign(body, r.key)
	if err != nil {
		t.Fatal(err)
	}
	r.mu.Lock()
	r.manifest, r.files["mcptray-"+version] = pub, served
	r.mu.Unlock()
}

// buildRelease builds mcptray at version with the release server's public key and address
// compiled in, as a release build has MCP Tray's.
func (r *releaseServer) buildRelease(t *testing.T, version string, withKey bool) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "mcptray")
	const pkg = "github.com/mcptray/mcptray/release"
	ld := "-X main.version=" + version + " -X " + pkg + ".manifestURL=" + r.srv.URL + "/manifest.json"
	if withKey {
		ld += " -X " + pkg + ".publicKey=" + base64.StdEncoding.EncodeToString(r.key.Public().(ed25519.PublicKey))
	}
	cmd := exec.Command("go", "build", "-tags", "ci", "-ldflags", ld, "-o", out, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building mcptray %s: %v\n%s", version, err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// installed puts program into a fresh install folder and returns its path there.
func installed(t *testing.T, program []byte) string {
	p := filepath.Join(t.TempDir(), "mcptray")
	if err := os.WriteFile(p, program, 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// mcptrayAt runs the mcptray at path with a scratch home and returns its output and exit code.
func mcptrayAt(t *testing.T, path string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(path, args...)
	dir := t.TempDir()
	cmd.Env = append(os.Environ(), "MCPTRAY_HOME="+filepath.Join(dir, "home"), "HOME="+dir, "DISPLAY=", "WAYLAND_DISPLAY=")
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), code
}

func TestUpdateAppThroughTheBinary(t *testing.T) {
	r := newReleaseServer(t)
	old := r.buildRelease(t, "0.1.0", true)
	newer := r.buildRelease(t, "0.2.0", true)

	t.Run("applied, runs as the new version, rolls back", func(t *testing.T) {
		r.offer(t, "0.2.0", newer, newer)
		p := installed(t, old)
		if out, code := mcptrayAt(t, p, "update-app", "--check"); code != 0 || !strings.Contains(out, "MCP Tray 0.2.0 is available (this is 0.1.0)") {
			t.Fatalf("--check: exit %d: %s", code, out)
		}
		if out, code := mcptrayAt(t, p, "update-app"); code != 0 || !strings.Contains(out, "Updated MCP Tray from 0.1.0 to 0.2.0") {
			t.Fatalf("update-app: exit %d: %s", code, out)
		}
		if out, _ := mcptrayAt(t, p, "version"); out != "mcptray 0.2.0\n" {
			t.Fatalf("after the update: %q", out)
		}
		if out, _ := mcptrayAt(t, p, "update-app"); !strings.Contains(out, "MCP Tray 0.2.0 is the newest version") {
			t.Fatalf("a second update-app says %q", out)
		}
		if out, code := mcptrayAt(t, p, "update-app", "--rollback"); code != 0 || !strings.Contains(out, "Went back to the previous version") {
			t.Fatalf("--rollback: exit %d: %s", code, out)
		}
		if out, _ := mcptrayAt(t, p, "version"); out != "mcptray 0.1.0\n" {
			t.Fatalf("after the rollback: %q", out)
		}
	})

	refused := func(t *testing.T, p string, want string) {
		t.Helper()
		before, _ := os.ReadFile(p)
		out, code := mcptrayAt(t, p, "update-app")
		if code != 1 || !strings.Contains(out, want) || strings.Count(strings.TrimSpace(out), "\n") != 0 {
			t.Fatalf("exit %d, said %q; want one line with %q", code, out, want)
		}
		after, _ := os.ReadFile(p)
		if string(before) != string(after) {
			t.Fatal("the program was replaced")
		}
		if entries, _ := os.ReadDir(filepath.Dir(p)); len(entries) != 1 {
			t.Fatalf("the install folder holds %d entries, want only mcptray", len(entries))
		}
		if out, _ := mcptrayAt(t, p, "version"); out != "mcptray 0.1.0\n" {
			t.Fatalf("after a refused update: %q", out)
		}
	}
	t.Run("tampered program refused", func(t *testing.T) {
		evil := append([]byte(nil), newer...)
		evil[len(evil)/2] ^= 0xff
		r.offer(t, "0.2.0", newer, evil)
		refused(t, installed(t, old), "is not the one the signed update describes")
	})
	t.Run("tampered manifest refused", func(t *testing.T) {
		r.offer(t, "0.2.0", newer, newer)
		r.mu.Lock()
		var s release.Signed
		json.Unmarshal(r.manifest, &s)
		body, _ := base64.StdEncoding.DecodeString(s.Manifest)
		s.Manifest = base64.StdEncoding.EncodeToString([]byte(strings.Replace(string(body), "0.2.0", "0.3.0", 1)))
		r.manifest, _ = json.Marshal(s)
		r.mu.Unlock()
		refused(t, installed(t, old), "not signed by MCP Tray's release key")
	})
	t.Run("a build without a key does not update", func(t *testing.T) {
		r.offer(t, "0.2.0", newer, newer)
		refused(t, installed(t, r.buildRelease(t, "0.1.0", false)), "built without a release key")
	})
	t.Run("a packaged copy says which command updates it", func(t *testing.T) {
		r.offer(t, "0.2.0", newer, newer)
		p := installed(t, old)
		os.WriteFile(filepath.Join(filepath.Dir(p), release.MarkerFile), []byte("winget upgrade --id MCPTray.MCPTray\n"), 0o644)
		out, code := mcptrayAt(t, p, "update-app")
		if code != 1 || !strings.Contains(out, "run winget upgrade --id MCPTray.MCPTray") {
			t.Fatalf("exit %d: %s", code, out)
		}
		if out, _ := mcptrayAt(t, p, "version"); out != "mcptray 0.1.0\n" {
			t.Fatalf("a packaged copy was replaced: %q", out)
		}
	})
}
