package release

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// origin is a local release server: a signed manifest at /manifest.json and the programs
// under /files/.
type origin struct {
	srv   *httptest.Server
	key   ed25519.PrivateKey
	pub   ed25519.PublicKey
	files map[string][]byte
	// published is served at /manifest.json.
	published []byte
}

func newOrigin(t *testing.T) *origin {
	t.Helper()
	pub, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	o := &origin{key: key, pub: pub, files: map[string][]byte{}}
	o.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/manifest.json" {
			w.Write(o.published)
			return
		}
		b, ok := o.files[strings.TrimPrefix(r.URL.Path, "/files/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(b)
	}))
	t.Cleanup(o.srv.Close)
	return o
}

// publish signs a manifest of version offering files (name → content) for platform.
func (o *origin) publish(t *testing.T, version, platform string, files map[string][]byte) Manifest {
	t.Helper()
	m := Manifest{App: AppID, Version: version, Published: time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC), Platforms: map[string][]File{}}
	for name, b := range files {
		sum := sha256.Sum256(b)
		o.files[version+"/"+name] = b
		m.Platforms[platform] = append(m.Platforms[platform], File{Name: name, URL: o.srv.URL + "/files/" + version + "/" + name, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(b))})
	}
	o.sign(t, m)
	return m
}

func (o *origin) sign(t *testing.T, m Manifest) {
	t.Helper()
	body, _ := json.Marshal(m)
	signed, err := Sign(body, o.key)
	if err != nil {
		t.Fatal(err)
	}
	o.published = signed
}

func (o *origin) checker(current string) *Checker {
	return &Checker{URL: o.srv.URL + "/manifest.json", Key: o.pub, Current: current}
}

func here() string { return runtime.GOOS + "-" + runtime.GOARCH }

// installFolder is a folder holding program files with the given contents.
func installFolder(t *testing.T, files map[string][]byte) string {
	t.Helper()
	dir := t.TempDir()
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name+exeSuffix()), b, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// unchanged fails t unless dir holds exactly the given programs and nothing else.
func unchanged(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	if len(entries) != len(files) {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("the install folder holds %v, want only the programs that were there", names)
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(dir, name+exeSuffix()))
		if err != nil || string(got) != string(want) {
			t.Fatalf("%s changed: %q", name, got)
		}
	}
}

// oneSentence fails t unless err's text is one sentence without a line break.
func oneSentence(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	if s := err.Error(); strings.Contains(s, "\n") || strings.Count(strings.TrimSuffix(s, "."), ". ") > 0 {
		t.Fatalf("not one sentence: %q", s)
	}
}

func TestGoodUpdateRunsAndRollsBack(t *testing.T) {
	old := buildHello(t, "0.1.0")
	newer := buildHello(t, "0.2.0")
	o := newOrigin(t)
	o.publish(t, "0.2.0", here(), map[string][]byte{"mcptray": newer})
	dir := installFolder(t, map[string][]byte{"mcptray": old})
	c := o.checker("0.1.0")

	offer, err := c.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if offer.Version != "0.2.0" {
		t.Fatalf("offered %q", offer.Version)
	}
	if err := c.Apply(context.Background(), offer, dir); err != nil {
		t.Fatal(err)
	}
	prog := filepath.Join(dir, "mcptray"+exeSuffix())
	if got := runHello(t, prog); got != "hello 0.2.0" {
		t.Fatalf("after the update the program says %q", got)
	}
	if got := runHello(t, Previous(prog)); got != "hello 0.1.0" {
		t.Fatalf("the kept previous version says %q", got)
	}

	if err := Rollback(dir); err != nil {
		t.Fatal(err)
	}
	if got := runHello(t, prog); got != "hello 0.1.0" {
		t.Fatalf("after the rollback the program says %q", got)
	}
}

func TestRefusedUpdatesReplaceNothing(t *testing.T) {
	installed := map[string][]byte{"mcptray": []byte("old mcptray"), "mcptray-app": []byte("old app")}
	good := map[string][]byte{"mcptray": []byte("new mcptray"), "mcptray-app": []byte("new app")}
	otherKey := func(t *testing.T, o *origin) {
		_, k, _ := ed25519.GenerateKey(nil)
		o.key = k
		o.publish(t, "0.2.0", here(), good)
	}
	cases := []struct {
		name    string
		prepare func(t *testing.T, o *origin)
		want    error
		atApply bool
	}{
		{"signed with another key", otherKey, ErrBadSignature, false},
		{"signature tampered", func(t *testing.T, o *origin) {
			o.publish(t, "0.2.0", here(), good)
			var s Signed
			json.Unmarshal(o.published, &s)
			s.Signature = strings.Repeat("A", len(s.Signature)-2) + "=="
			o.published, _ = json.Marshal(s)
		}, ErrBadSignature, false},
		{"manifest changed after signing", func(t *testing.T, o *origin) {
			m := o.publish(t, "0.2.0", here(), good)
			signed := o.published
			m.Platforms[here()][0].URL = o.srv.URL + "/files/evil"
			body, _ := json.Marshal(m)
			var s Signed
			json.Unmarshal(signed, &s)
			s.Manifest = base64Std(body)
			o.published, _ = json.Marshal(s)
		}, ErrBadSignature, false},
		{"file tampered", func(t *testing.T, o *origin) {
			o.publish(t, "0.2.0", here(), good)
			o.files["0.2.0/mcptray-app"] = []byte("evil app") // same size, other bytes
		}, ErrBadFile, true},
		{"file longer than signed", func(t *testing.T, o *origin) {
			o.publish(t, "0.2.0", here(), good)
			o.files["0.2.0/mcptray"] = append([]byte("new mcptray"), " and more"...)
		}, ErrBadFile, true},
		{"downgrade", func(t *testing.T, o *origin) { o.publish(t, "0.0.9", here(), good) }, ErrNotNewer, false},
		{"same version replayed", func(t *testing.T, o *origin) { o.publish(t, "0.1.0", here(), good) }, ErrNotNewer, false},
		{"another platform", func(t *testing.T, o *origin) { o.publish(t, "0.2.0", "plan9-mips", good) }, ErrNoPlatform, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := newOrigin(t)
			tc.prepare(t, o)
			dir := installFolder(t, installed)
			c := o.checker("0.1.0")
			offer, err := c.Check(context.Background())
			if tc.atApply {
				if err != nil {
					t.Fatalf("the check failed before the download: %v", err)
				}
				err = c.Apply(context.Background(), offer, dir)
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			oneSentence(t, err)
			unchanged(t, dir, installed)
		})
	}
}

func TestManifestForAnotherAppRefused(t *testing.T) {
	o := newOrigin(t)
	m := o.publish(t, "0.2.0", here(), map[string][]byte{"mcptray": []byte("x")})
	m.App = "com.example.other"
	o.sign(t, m)
	_, err := o.checker("0.1.0").Check(context.Background())
	if err == nil || !strings.Contains(err.Error(), "another app") {
		t.Fatalf("got %v", err)
	}
	oneSentence(t, err)
}

func TestPlainHTTPOnlyOnLoopback(t *testing.T) {
	for u, want := range map[string]bool{
		"https://example.com/m.json": true,
		"http://127.0.0.1:8080/m":    true,
		"http://[::1]/m":             true,
		"http://localhost/m":         true,
		"http://example.com/m.json":  false,
		"http://127.0.0.1.nip.io/m":  false,
		"file:///etc/passwd":         false,
		"ftp://example.com/m":        false,
	} {
		if got := allowedURL(u); got != want {
			t.Errorf("allowedURL(%q) = %v", u, got)
		}
	}
}

func TestRollbackWithNothingKept(t *testing.T) {
	dir := installFolder(t, map[string][]byte{"mcptray": []byte("x")})
	if err := Rollback(dir); !errors.Is(err, ErrNoRollback) {
		t.Fatalf("got %v", err)
	}
}

func TestDue(t *testing.T) {
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		s    Settings
		want bool
	}{
		{Settings{}, false},
		{Settings{Asked: true}, false},
		{Settings{Asked: true, Enabled: true}, true},
		{Settings{Enabled: true, LastCheck: now.Add(-23 * time.Hour)}, false},
		{Settings{Enabled: true, LastCheck: now.Add(-24 * time.Hour)}, true},
		{Settings{Enabled: false, LastCheck: now.Add(-48 * time.Hour)}, false},
	}
	for _, tc := range cases {
		if got := Due(tc.s, now); got != tc.want {
			t.Errorf("Due(%+v) = %v, want %v", tc.s, got, tc.want)
		}
	}
}

func TestSettingsDefaultOffAndSaved(t *testing.T) {
	path := SettingsFile(filepath.Join(t.TempDir(), "state"))
	s, err := LoadSettings(path)
	if err != nil || s.Enabled || s.Asked {
		t.Fatalf("default settings %+v, %v", s, err)
	}
	want := Settings{Asked: true, Enabled: true, LastCheck: time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)}
	if err := SaveSettings(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := LoadSettings(path)
	if err != nil || !got.LastCheck.Equal(want.LastCheck) || got.Enabled != want.Enabled || got.Asked != want.Asked {
		t.Fatalf("read back %+v, %v", got, err)
	}
}

func TestNewer(t *testing.T) {
	cases := []struct {
		a, b      string
		newer, ok bool
	}{
		{"0.2.0", "0.1.0", true, true},
		{"v1.0.0", "0.9.9", true, true},
		{"0.1.0", "0.1.0", false, true},
		{"0.1.0", "0.2.0", false, true},
		{"0.10.0", "0.9.0", true, true},
		{"1.0.0", "1.0.0-rc.1", true, true},
		{"1.0.0-rc.1", "1.0.0", false, true},
		{"0.2.0", "dev", false, false},
		{"0.2", "0.1.0", false, false},
		{"01.0.0", "0.1.0", false, false},
	}
	for _, tc := range cases {
		if newer, ok := Newer(tc.a, tc.b); newer != tc.newer || ok != tc.ok {
			t.Errorf("Newer(%q, %q) = %v, %v", tc.a, tc.b, newer, ok)
		}
	}
}

func TestMarkerSaysWhoUpdates(t *testing.T) {
	dir := installFolder(t, map[string][]byte{"mcptray": []byte("x")})
	if _, ok := Managed(filepath.Join(dir, "mcptray")); ok {
		t.Fatal("a plain folder counted as a package manager's")
	}
	os.WriteFile(filepath.Join(dir, MarkerFile), []byte("winget upgrade --id MCPTray.MCPTray\x1b[2J\n"), 0o644)
	m, ok := Managed(filepath.Join(dir, "mcptray"))
	if !ok || !strings.HasPrefix(m.Command, "winget upgrade --id MCPTray.MCPTray") || strings.ContainsRune(m.Command, 0x1b) {
		t.Fatalf("got %+v, %v", m, ok)
	}
}

func buildHello(t *testing.T, version string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "hello"+exeSuffix())
	cmd := exec.Command("go", "build", "-o", out, "-ldflags", "-X main.version="+version, "./testdata/hello")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the test program: %v\n%s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func runHello(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command(path).Output()
	if err != nil {
		t.Fatalf("running %s: %v", path, err)
	}
	return strings.TrimSpace(string(out))
}

func base64Std(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func TestOfficialNeedsACompiledInKey(t *testing.T) {
	if _, err := Official("0.1.0"); !errors.Is(err, ErrNoKey) {
		t.Fatalf("got %v, want ErrNoKey", err)
	}
}
