package bundle

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/store"
)

// TestUnpackIsVerifiedLikeAnInstalledServer unpacks a real bundle where installed servers
// live, and checks that the store's check before every start accepts it and names a file
// changed afterwards.
func TestUnpackIsVerifiedLikeAnInstalledServer(t *testing.T) {
	b, err := Open(packed(t, helloManifest, helloFiles()))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "servers", "hello-bundle", "1.0.0")
	u, err := b.Unpack(dir)
	if err != nil {
		t.Fatal(err)
	}
	f := config.Frozen{Registry: RegistryType, Package: "hello-bundle", Version: "1.0.0", Dir: u.Dir, Tree: u.Tree, Lock: "sha256:" + b.SHA256}
	if err := store.Verify(f); err != nil {
		t.Fatalf("store.Verify refuses a fresh unpack: %v", err)
	}
	entry := filepath.Join(dir, "server", "hello")
	info, err := os.Stat(entry)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o555 {
		t.Errorf("entry point mode %v, want read-only and executable", info.Mode().Perm())
	}
	if info, _ := os.Stat(filepath.Join(dir, "manifest.json")); info.Mode().Perm() != 0o444 {
		t.Errorf("manifest.json mode %v, want read-only", info.Mode().Perm())
	}
	if _, err := b.Unpack(dir); err != ErrExists {
		t.Errorf("unpacking over an existing folder: %v, want ErrExists", err)
	}
	os.Chmod(entry, 0o755)
	os.WriteFile(entry, []byte("#!/bin/sh\necho changed\n"), 0o755)
	err = store.Verify(f)
	if err == nil || !strings.Contains(err.Error(), filepath.Join("server", "hello")) {
		t.Fatalf("a changed file: %v, want a sentence naming server/hello", err)
	}
}

func TestPlan(t *testing.T) {
	b, err := Open(packed(t, helloManifest, helloFiles()))
	if err != nil {
		t.Fatal(err)
	}
	places := PlacesOf("/home/ann")
	qs := b.Questions(places)
	if len(qs) != 2 || qs[0].Key != "api_key" || !qs[0].Secret || qs[0].Kind != catalog.KindSecret ||
		qs[1].Key != "root" || qs[1].Default != "/home/ann/Documents" || qs[1].Kind != catalog.KindPath {
		t.Fatalf("questions %+v", qs)
	}
	dir := "/home/ann/.mcptray/servers/hello-bundle/1.0.0"
	p, err := b.Plan(map[string]string{"api_key": "sk-123", "root": "~/work"}, dir, "linux", places)
	if err != nil {
		t.Fatal(err)
	}
	if p.Command != dir+"/server/hello" {
		t.Errorf("command %q", p.Command)
	}
	if diff := cmp.Diff([]string{"--root", "/home/ann/work"}, p.Args); diff != "" {
		t.Errorf("args (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"MODE": "fast"}, p.Env); diff != "" {
		t.Errorf("env (-want +got):\n%s", diff)
	}
	if len(p.Secrets) != 1 || p.Secrets[0].Env != "API_KEY" || p.Secrets[0].Value.Reveal() != "sk-123" {
		t.Errorf("secrets %+v", p.Secrets)
	}
	if p.Sandbox == nil || !cmp.Equal(p.Sandbox.Write, []string{"/home/ann/work"}) {
		t.Errorf("sandbox %+v, want the folder answered, to write", p.Sandbox)
	}
	if _, err := b.Plan(map[string]string{"root": "/x"}, dir, "linux", places); err == nil || !strings.Contains(err.Error(), "needs a value") {
		t.Errorf("missing required secret: %v", err)
	}
	if _, err := b.Plan(map[string]string{"api_key": "k", "root": "relative/dir"}, dir, "linux", places); err == nil || !strings.Contains(err.Error(), "full path") {
		t.Errorf("relative folder: %v", err)
	}
	if _, err := b.Plan(map[string]string{"api_key": "k", "nope": "1"}, dir, "linux", places); err == nil {
		t.Error("an answer to no question was accepted")
	}
}

func TestPlanRefusesSecretsOnTheCommandLineAndProgramsOutside(t *testing.T) {
	secretArg := strings.Replace(helloManifest, `"args": ["--root", "${user_config.root}"]`, `"args": ["--key=${user_config.api_key}"]`, 1)
	b, err := Open(packed(t, secretArg, helloFiles()))
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.Plan(map[string]string{"api_key": "k"}, "/h/servers/x/1", "linux", PlacesOf("/h"))
	mustRefuse(t, err, `would put the secret "api_key" into the command line`)

	outside := strings.Replace(helloManifest, `"command": "${__dirname}/server/hello"`, `"command": "${__dirname}/../../../bin/evil"`, 1)
	b, err = Open(packed(t, outside, helloFiles()))
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.Plan(map[string]string{"api_key": "k"}, "/h/servers/x/1", "linux", PlacesOf("/h"))
	mustRefuse(t, err, "a program outside the bundle")
}

func TestCompatibility(t *testing.T) {
	m := &Manifest{Name: "x", Server: Server{Type: TypeNode}, Compatibility: &Compatibility{
		Platforms: []string{"darwin", "win32"}, Runtimes: map[string]string{"node": ">=18.0.0"}}}
	mustRefuse(t, m.CheckCompatibility("linux", map[string]string{"node": "v20.1.0"}), "made for macOS and Windows only")
	if err := m.CheckCompatibility("windows", map[string]string{"node": "v20.1.0"}); err != nil {
		t.Errorf("windows with node 20: %v", err)
	}
	mustRefuse(t, m.CheckCompatibility("darwin", map[string]string{"node": "v16.20.0"}), "needs Node.js >=18.0.0, and this computer has 16.20.0")
	mustRefuse(t, m.CheckCompatibility("darwin", nil), "Node.js, which was not found")
	for _, c := range []struct {
		have, want string
		ok         bool
	}{
		{"v20.11.1", ">=16.0.0", true}, {"v20.11.1", "^20.0.0", true}, {"v21.0.0", "^20.0.0", false},
		{"Python 3.12.2", ">=3.8 <3.13", true}, {"Python 3.13.0", ">=3.8 <3.13", false},
		{"v18.0.0", "16.x || 18.x", true}, {"v19.0.0", "16.x || 18.x", false}, {"3.11.4", "~3.11.0", true},
		{"3.12.0", "~3.11.0", false}, {"v20.0.0", ">20", false}, {"v20.0.1", ">20.0.0", true},
	} {
		ok, err := satisfies(c.have, c.want)
		if err != nil || ok != c.ok {
			t.Errorf("satisfies(%q, %q) = %v, %v; want %v", c.have, c.want, ok, err, c.ok)
		}
	}
}
