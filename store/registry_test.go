package store

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcptray/mcptray/config"
)

// testRegistry is an npm registry on 127.0.0.1 that signs what it serves with a test key,
// as the public registry does, and can be made to misbehave.
type testRegistry struct {
	t    *testing.T
	srv  *httptest.Server
	key  *ecdsa.PrivateKey
	keys bool // publish /-/npm/v1/keys
	// expires, when set, is the key's expiry; published is when every version was published.
	expires, published *time.Time

	mu       sync.Mutex
	pkgs     map[string]*testPackage // name → package (one version each)
	statemnt map[string][]byte       // name → provenance statement served as its attestation
}

type testPackage struct {
	name, version string
	deps          map[string]string
	tarball       []byte
	integrity     string // what the registry says (and signs)
	signed        string // the integrity the signature covers; "" means integrity
}

func newTestRegistry(t *testing.T) *testRegistry {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	r := &testRegistry{t: t, key: key, keys: true, pkgs: map[string]*testPackage{}, statemnt: map[string][]byte{}}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

const testKeyID = "SHA256:test-key"

// add publishes name@version with an index.js that prints ok, and a bin.
func (r *testRegistry) add(name, version string, deps map[string]string) *testPackage {
	pj, _ := json.Marshal(map[string]any{"name": name, "version": version, "bin": "index.js", "dependencies": deps})
	tgz := tarGz(r.t, map[string]string{"package/package.json": string(pj), "package/index.js": "#!/usr/bin/env node\nconsole.log('ok')\n"})
	p := &testPackage{name: name, version: version, deps: deps, tarball: tgz, integrity: integrityOf(tgz)}
	r.mu.Lock()
	r.pkgs[name] = p
	r.mu.Unlock()
	return p
}

// tamper replaces p's tarball, and the checksum the registry gives, without a new signature:
// what a compromised mirror can do.
func (r *testRegistry) tamper(p *testPackage) {
	r.mu.Lock()
	defer r.mu.Unlock()
	p.signed = p.integrity
	p.tarball = tarGz(r.t, map[string]string{"package/package.json": fmt.Sprintf(`{"name":%q,"version":%q,"bin":"index.js"}`, p.name, p.version),
		"package/index.js": "#!/usr/bin/env node\nconsole.log('owned')\n"})
	p.integrity = integrityOf(p.tarball)
}

func (r *testRegistry) url() string { return r.srv.URL + "/" }

func (r *testRegistry) sign(msg string) string {
	d := sha256.Sum256([]byte(msg))
	sig, err := ecdsa.SignASN1(rand.Reader, r.key, d[:])
	if err != nil {
		r.t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(sig)
}

func (r *testRegistry) versionDoc(p *testPackage) map[string]any {
	signed := p.signed
	if signed == "" {
		signed = p.integrity
	}
	sum := sha1.Sum(p.tarball)
	dist := map[string]any{
		"integrity":  p.integrity,
		"shasum":     hex.EncodeToString(sum[:]),
		"tarball":    r.srv.URL + "/" + p.name + "/-/pkg-" + p.version + ".tgz",
		"signatures": []map[string]string{{"keyid": testKeyID, "sig": r.sign(p.name + "@" + p.version + ":" + signed)}},
	}
	if _, ok := r.statemnt[p.name]; ok {
		dist["attestations"] = map[string]any{"url": r.srv.URL + "/-/npm/v1/attestations/" + p.name + "@" + p.version,
			"provenance": map[string]string{"predicateType": "https://slsa.dev/provenance/v1"}}
	}
	return map[string]any{"name": p.name, "version": p.version, "bin": map[string]string{unscoped(p.name): "index.js"},
		"dependencies": p.deps, "dist": dist}
}

func (r *testRegistry) serve(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	path := strings.TrimPrefix(req.URL.EscapedPath(), "/")
	path = strings.ReplaceAll(path, "%2f", "/")
	path = strings.ReplaceAll(path, "%2F", "/")
	path = strings.ReplaceAll(path, "%40", "@")
	switch {
	case path == "-/npm/v1/keys":
		if !r.keys {
			http.NotFound(w, req)
			return
		}
		der, _ := x509.MarshalPKIXPublicKey(&r.key.PublicKey)
		json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]any{{"keyid": testKeyID, "keytype": "ecdsa-sha2-nistp256",
			"scheme": "ecdsa-sha2-nistp256", "key": base64.StdEncoding.EncodeToString(der), "expires": r.expires}}})
		return
	case strings.HasPrefix(path, "-/npm/v1/attestations/"):
		spec := strings.TrimPrefix(path, "-/npm/v1/attestations/")
		name := spec[:strings.LastIndex(spec, "@")]
		st := r.statemnt[name]
		json.NewEncoder(w).Encode(map[string]any{"attestations": []map[string]any{{"predicateType": "https://slsa.dev/provenance/v1",
			"bundle": map[string]any{"dsseEnvelope": map[string]any{"payloadType": "application/vnd.in-toto+json",
				"payload": base64.StdEncoding.EncodeToString(st)}}}}})
		return
	}
	for name, p := range r.pkgs {
		switch path {
		case name:
			doc := map[string]any{"name": name, "dist-tags": map[string]string{"latest": p.version},
				"versions": map[string]any{p.version: r.versionDoc(p)}}
			if r.published != nil {
				doc["time"] = map[string]any{p.version: r.published}
			}
			json.NewEncoder(w).Encode(doc)
			return
		case name + "/" + p.version:
			json.NewEncoder(w).Encode(r.versionDoc(p))
			return
		case name + "/-/pkg-" + p.version + ".tgz":
			w.Write(p.tarball)
			return
		}
	}
	http.NotFound(w, req)
}

func tarGz(t *testing.T, files map[string]string) []byte {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for name, body := range files {
		mode := int64(0o644)
		if strings.HasSuffix(name, ".js") {
			mode = 0o755
		}
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: mode, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(body))
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

func integrityOf(b []byte) string {
	s := sha512.Sum512(b)
	return "sha512-" + base64.StdEncoding.EncodeToString(s[:])
}

// testStore is a store whose npm uses an empty cache of its own.
func testStore(t *testing.T) *Store {
	if _, err := lookAbs("npm"); err != nil {
		t.Fatal("npm is needed for this test")
	}
	return &Store{Root: t.TempDir(), Env: append(os.Environ(), "npm_config_cache="+t.TempDir(), "npm_config_update_notifier=false")}
}

func build(t *testing.T, s *Store, r *testRegistry, name, version string) (frozenResult, error) {
	var res frozenResult
	var err error
	res.frozen, res.argv, err = s.Build(context.Background(), "srv", Package{Registry: "npm", Name: name, Version: version, RegistryURL: r.url()},
		func(m string) { res.lines = append(res.lines, m) })
	return res, err
}

type frozenResult struct {
	frozen config.Frozen
	argv   []string
	lines  []string
}
