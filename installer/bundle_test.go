package installer

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/bundle"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/keychain"
)

const testBundleManifest = `{"manifest_version": "0.3", "name": "hello", "version": "1.0.0", "description": "d",
 "author": {"name": "a"},
 "server": {"type": "binary", "entry_point": "server/hello",
   "mcp_config": {"command": "${__dirname}/server/hello", "env": {"TOKEN": "${user_config.token}"}}},
 "user_config": {"token": {"type": "string", "title": "Token", "description": "t", "sensitive": true, "required": true}}}`

// writeBundle writes a bundle (a zip with manifest.json and its program) and opens it.
func writeBundle(t *testing.T, manifest string) (string, *bundle.Bundle) {
	file, _, b := writeBundleData(t, manifest)
	return file, b
}

func writeBundleData(t *testing.T, manifest string) (string, []byte, *bundle.Bundle) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range map[string]string{"manifest.json": manifest, "server/hello": "#!/bin/sh\n"} {
		w, _ := zw.Create(name)
		w.Write([]byte(body))
	}
	zw.Close()
	file := filepath.Join(t.TempDir(), "hello.mcpb")
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := bundle.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	return file, buf.Bytes(), b
}

// TestBundleChangedSinceShown: the install id pins the bundle's sha256, so a file replaced
// after the person looked at it is refused, and so is a plan that differs from the one shown.
func TestBundleChangedSinceShown(t *testing.T) {
	in, _, _ := setup(t, "")
	in.Store = HomeStore(in.Source.Home)
	file, b := writeBundle(t, testBundleManifest)
	id := b.ID(file)
	_, other, _ := writeBundleData(t, strings.Replace(testBundleManifest, `"d"`, `"other"`, 1))
	if err := os.WriteFile(file, other, 0o644); err != nil {
		t.Fatal(err)
	}
	lines, err := collect(t, context.Background(), in, Request{ID: id, Values: map[string]string{"token": "k"}})
	if err == nil || !strings.Contains(err.Error(), "changed since you looked at it") {
		t.Fatalf("a replaced bundle: %v", err)
	}
	if last := lines[len(lines)-1]; last.Step != StepFailed {
		t.Errorf("last line %+v", last)
	}

	file, b = writeBundle(t, testBundleManifest)
	_, err = collect(t, context.Background(), in, Request{ID: b.ID(file), Values: map[string]string{"token": "k"}, Plan: "0123"})
	if err == nil || !strings.Contains(err.Error(), "would run changed since you looked at it") {
		t.Fatalf("a plan that differs from the one shown: %v", err)
	}
}

// TestFailedBundleInstallLeavesNothing: when the server does not list its tools, the
// unpacked files, the secret and the server entry are all taken back.
func TestFailedBundleInstallLeavesNothing(t *testing.T) {
	in, rt, keys := setup(t, "")
	in.Store = HomeStore(in.Source.Home)
	rt.probe = func(ctx context.Context, server string) ([]string, error) { return nil, errors.New("it crashed") }
	in.ListTimeout = 1
	file, b := writeBundle(t, testBundleManifest)
	_, err := collect(t, context.Background(), in, Request{ID: b.ID(file), Values: map[string]string{"token": "k-1"}})
	if err == nil {
		t.Fatal("the install succeeded")
	}
	if _, err := os.Stat(filepath.Join(string(in.Source.Home), "servers", "hello")); err == nil {
		if left, _ := os.ReadDir(filepath.Join(string(in.Source.Home), "servers", "hello")); len(left) > 0 {
			t.Errorf("unpacked files left behind: %v", left)
		}
	}
	if len(load(t, in).Servers) != 0 {
		t.Error("a server entry was left behind")
	}
	if _, err := keys.Get(context.Background(), "hello", "TOKEN"); !errors.Is(err, keychain.ErrNotFound) {
		t.Errorf("the secret was left in the keychain: %v", err)
	}
}

// TestBundleHazards: a code-path variable into the bundle's own (read-only, checked) folder
// is how bundles find their code and is not asked about; one that points elsewhere, and a
// variable that loads other code, are hazards the person must allow.
func TestBundleHazards(t *testing.T) {
	home := config.Home(t.TempDir())
	manifest := func(env string) string {
		return strings.Replace(testBundleManifest, `"env": {"TOKEN": "${user_config.token}"}`, `"env": {`+env+`}`, 1)
	}
	for _, c := range []struct {
		env  string
		want []string
	}{
		{`"PYTHONPATH": "${__dirname}/server/lib"`, nil},
		{`"PYTHONPATH": "${__dirname}/server/lib:/tmp/elsewhere"`, []string{"env:PYTHONPATH"}},
		{`"PYTHONPATH": "${__dirname}/../../other"`, []string{"env:PYTHONPATH"}},
		{`"NODE_OPTIONS": "--require ${__dirname}/x.js"`, []string{"env:NODE_OPTIONS"}},
	} {
		_, b := writeBundle(t, manifest(c.env))
		p, err := PlanBundle(home, "hello", b, map[string]string{"token": "k"})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range BundleHazards(home, "hello", b, p) {
			got = append(got, h.Key)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("env {%s}: hazards %v, want %v", c.env, got, c.want)
		}
	}
}

// The window's plan of a registry entry whose package is a bundle downloads the bundle and
// plans from its manifest (what the install then checks), instead of showing a plan that
// would run "mcpb"; a file other than the one the registry lists is refused.
func TestPlanOfARegistryBundleDownloadsIt(t *testing.T) {
	in, _, h := setupHostile(t, "")
	in.Store = HomeStore(in.Source.Home)
	_, data, b := writeBundleData(t, testBundleManifest)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/b.mcpb" {
			w.Write(data)
			return
		}
		w.Write(append(append([]byte(nil), data...), 0))
	}))
	defer srv.Close()
	in.Source.HTTPClient = srv.Client()
	entry := func(name, file, sha string) string {
		return `{"name":"io.github.example/` + name + `","description":"A bundle.","version":"1.0.0",` +
			`"packages":[{"registryType":"mcpb","identifier":"` + srv.URL + `/` + file + `","version":"1.0.0","fileSha256":"` + sha + `","transport":{"type":"stdio"}}]}`
	}
	h.Serve("io.github.example/desktop-bundle", entry("desktop-bundle", "b.mcpb", b.SHA256))
	h.Serve("io.github.example/swapped-bundle", entry("swapped-bundle", "other.mcpb", strings.Repeat("b", 64)))

	v, err := in.Plan(context.Background(), PlanParams{ID: "io.github.example/desktop-bundle", Values: map[string]string{"token": "k"}})
	if err != nil {
		t.Fatalf("plan of a registry bundle: %v", err)
	}
	dir := filepath.Join(string(in.Source.Home), "servers", "hello", "1.0.0")
	if v.Server != "hello" || v.Command != filepath.Join(dir, "server", "hello") || v.Origin != "registry" || !slices.Equal(v.Secrets, []string{"TOKEN"}) || v.Digest == "" {
		t.Errorf("plan of a registry bundle: %+v", v)
	}
	_, err = in.Plan(context.Background(), PlanParams{ID: "io.github.example/swapped-bundle", Values: map[string]string{"token": "k"}})
	if err == nil || !strings.Contains(err.Error(), "is not the file the registry lists") {
		t.Fatalf("plan of a registry bundle whose file was swapped: %v", err)
	}
}
