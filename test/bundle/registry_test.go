package bundle

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// registry is a local MCP Registry that lists one server whose package is a bundle, and
// serves the bundle file itself at /files/NAME.
type registry struct {
	*httptest.Server
	entries map[string]json.RawMessage // by server name
	files   map[string][]byte
}

func (r *registry) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	path := req.URL.EscapedPath()
	if name, ok := strings.CutPrefix(path, "/files/"); ok {
		if b, ok := r.files[name]; ok {
			w.Write(b)
			return
		}
		http.NotFound(w, req)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	item := func(e json.RawMessage) json.RawMessage {
		return json.RawMessage(fmt.Sprintf(`{"server": %s, "_meta": {"io.modelcontextprotocol.registry/official": {"status": "active", "isLatest": true}}}`, e))
	}
	if path == "/v0.1/servers" {
		var page []json.RawMessage
		for _, e := range r.entries {
			page = append(page, item(e))
		}
		json.NewEncoder(w).Encode(map[string]any{"servers": page, "metadata": map[string]any{"count": len(page)}})
		return
	}
	if name, ok := strings.CutPrefix(path, "/v0.1/servers/"); ok {
		if name, ok = strings.CutSuffix(name, "/versions/latest"); ok {
			name, _ = url.PathUnescape(name)
			if e, ok := r.entries[name]; ok {
				w.Write(item(e))
				return
			}
		}
	}
	http.NotFound(w, req)
}

// TestInstallBundleFromRegistry installs a registry entry whose package is a bundle
// (registryType "mcpb", identifier its address, fileSha256 its checksum): the file is
// downloaded and kept only when its checksum matches, then installed like a bundle file; a
// registry that serves another file than it lists is refused and nothing is installed.
func TestInstallBundleFromRegistry(t *testing.T) {
	needKeyring(t)
	file := packBundle(t, helloManifest)
	good, _ := os.ReadFile(file)
	sum := sha256.Sum256(good)
	swapped := append([]byte(nil), good...)
	swapped = append(swapped, 0) // another file: a zip still, with one byte more

	r := &registry{files: map[string][]byte{"hello.mcpb": good, "swapped.mcpb": swapped}}
	r.Server = httptest.NewServer(r)
	defer r.Close()
	entry := func(name, file string) json.RawMessage {
		return json.RawMessage(fmt.Sprintf(`{"$schema": "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json",
		  "name": %q, "description": "A bundle in the registry", "version": "1.0.0",
		  "packages": [{"registryType": "mcpb", "identifier": %q, "version": "1.0.0", "fileSha256": %q, "transport": {"type": "stdio"}}]}`,
			name, r.URL+"/files/"+file, hex.EncodeToString(sum[:])))
	}
	r.entries = map[string]json.RawMessage{
		"io.github.mcptray-test/hello-bundle":   entry("io.github.mcptray-test/hello-bundle", "hello.mcpb"),
		"io.github.mcptray-test/swapped-bundle": entry("io.github.mcptray-test/swapped-bundle", "swapped.mcpb"),
	}

	u := newUser(t)
	os.WriteFile(filepath.Join(u.Home, "config.json"), []byte(fmt.Sprintf(`{"servers": {}, "settings": {"registryURL": %q}}`, r.URL)), 0o600)

	out, errs, code := u.RunInput("sk-never\n", "install", "io.github.mcptray-test/swapped-bundle", "--yes")
	if code == 0 || !strings.Contains(errs, "is not the file the registry lists") {
		t.Fatalf("a swapped file: exit %d\n%s%s", code, out, errs)
	}
	if len(u.ConfigServers()) != 0 {
		t.Fatal("a swapped bundle was installed")
	}

	out, errs, code = u.RunInput("sk-registry-1\n", "install", "io.github.mcptray-test/hello-bundle", "--set", "root=~/Documents")
	if code != 0 {
		t.Fatalf("install from the registry: exit %d\n%s%s", code, out, errs)
	}
	kept := filepath.Join(u.Home, "bundles", hex.EncodeToString(sum[:])+".mcpb")
	if !strings.Contains(out, "The bundle is not signed") || !strings.Contains(out, "Installed hello-bundle") {
		t.Errorf("install said:\n%s", out)
	}
	s := u.ConfigServers()["hello-bundle"]
	if s.Frozen == nil || s.Frozen.Lock != "sha256:"+hex.EncodeToString(sum[:]) {
		t.Errorf("frozen %+v; want the bundle's checksum", s.Frozen)
	}
	if _, err := os.Stat(kept); err != nil {
		t.Errorf("the downloaded bundle is not kept under its checksum: %v", err)
	}
	out, errs, code = u.RunInput("", "server", "remove", "hello-bundle")
	if code != 0 || !strings.Contains(out, "Deleted the bundle file it was downloaded as.") {
		t.Fatalf("remove: exit %d\n%s%s", code, out, errs)
	}
	if _, err := os.Stat(kept); err == nil {
		t.Errorf("the downloaded bundle is still there after its server was removed")
	}
	t.Logf("remove said:\n%s", out)
}
