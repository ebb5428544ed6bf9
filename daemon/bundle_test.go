package daemon

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/bundle"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/installer"
)

// testBundle is a binary bundle whose server is the fake MCP server, with one question that
// is not a secret (the daemon under test has no keychain).
const testBundle = `{"manifest_version": "0.3", "name": "hello", "version": "1.0.0", "description": "Says hello.",
 "author": {"name": "A. Maker"},
 "server": {"type": "binary", "entry_point": "server/hello",
   "mcp_config": {"command": "${__dirname}/server/hello", "args": ["-hello", "${user_config.greeting}"]}},
 "user_config": {"greeting": {"type": "string", "title": "Greeting", "description": "What to say.", "required": true}}}`

// writeTestBundle packs manifest with the fake server as its program into dir/name.
func writeTestBundle(t *testing.T, dir, name, manifest string) string {
	t.Helper()
	prog, err := os.ReadFile(fake)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range []struct {
		name string
		body []byte
		mode os.FileMode
	}{{"manifest.json", []byte(manifest), 0o644}, {"server/hello", prog, 0o755}} {
		h := &zip.FileHeader{Name: f.name, Method: zip.Deflate}
		h.SetMode(f.mode)
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(f.body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, name)
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// installLines runs the install stream and returns its lines.
func installLines(t *testing.T, ctx context.Context, h *harness, req installer.Request) []installer.Progress {
	t.Helper()
	var lines []installer.Progress
	if err := api.OpenStream(ctx, h.client, api.Install, req, func(p installer.Progress) error {
		lines = append(lines, p)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(lines) == 0 {
		t.Fatal("the install stream sent no line")
	}
	return lines
}

// TestBundleOpenPlanInstall: the window's path for a bundle file: bundle.open describes it
// with an id that pins its sha256, catalog.plan plans it by that id, and install installs
// exactly that plan; the server then runs.
func TestBundleOpenPlanInstall(t *testing.T) {
	h := start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	file := writeTestBundle(t, t.TempDir(), "hello.mcpb", testBundle)

	v, err := api.Call(ctx, h.client, api.BundleOpen, installer.BundleParams{File: file})
	if err != nil {
		t.Fatal(err)
	}
	sha, f, ok := bundle.ParseID(v.Entry.ID)
	if !ok || f != file || sha != v.SHA256 || len(sha) != 64 {
		t.Errorf("bundle.open id %q, sha256 %q", v.Entry.ID, v.SHA256)
	}
	if v.Server != "hello" || v.Entry.Origin != installer.OriginBundle || v.Entry.Title != "hello" || v.Entry.Version != "1.0.0" || v.Entry.Description != "Says hello." || v.Author != "A. Maker" {
		t.Errorf("bundle.open described %+v", v)
	}
	if v.Signature.Status != bundle.Unsigned || !strings.Contains(v.SignatureSentence, "not signed") || v.Problem != "" {
		t.Errorf("signature %+v, sentence %q, problem %q", v.Signature, v.SignatureSentence, v.Problem)
	}
	if len(v.Entry.Questions) != 1 || v.Entry.Questions[0].Key != "greeting" || !v.Entry.Questions[0].Required || v.Entry.Questions[0].Secret {
		t.Errorf("questions %+v", v.Entry.Questions)
	}

	values := map[string]string{"greeting": "hi"}
	p, err := api.Call(ctx, h.client, api.CatalogPlan, installer.PlanParams{ID: v.Entry.ID, Values: values})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(string(h.home), "servers", "hello", "1.0.0")
	if p.Server != "hello" || p.Origin != installer.OriginBundle || p.Command != filepath.Join(dir, "server", "hello") || strings.Join(p.Args, " ") != "-hello hi" || p.Digest == "" || !p.Frozen {
		t.Errorf("catalog.plan of the bundle: %+v", p)
	}
	if _, err := api.Call(ctx, h.client, api.CatalogPlan, installer.PlanParams{ID: v.Entry.ID}); err == nil || !strings.Contains(err.Error(), "Greeting") {
		t.Errorf("a plan without the required answer: %v", err)
	}

	lines := installLines(t, ctx, h, installer.Request{ID: v.Entry.ID, Values: values, Plan: p.Digest})
	if last := lines[len(lines)-1]; last.Step != installer.StepDone {
		t.Fatalf("install lines: %+v", lines)
	}
	h.waitFor(t, "hello runs", func(st api.StatusResult) bool {
		s, ok := find(st, "hello")
		return ok && s.State.String() == "running"
	})
}

// TestBundleChangedAfterOpenIsRefused: a file replaced between bundle.open and install is
// refused with one sentence, and nothing is installed.
func TestBundleChangedAfterOpenIsRefused(t *testing.T) {
	h := start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dir := t.TempDir()
	file := writeTestBundle(t, dir, "hello.mcpb", testBundle)
	v, err := api.Call(ctx, h.client, api.BundleOpen, installer.BundleParams{File: file})
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]string{"greeting": "hi"}
	p, err := api.Call(ctx, h.client, api.CatalogPlan, installer.PlanParams{ID: v.Entry.ID, Values: values})
	if err != nil {
		t.Fatal(err)
	}
	// Same name and manifest, other bytes: the program says something else.
	writeTestBundle(t, dir, "hello.mcpb", strings.Replace(testBundle, "Says hello.", "Says hello!", 1))

	lines := installLines(t, ctx, h, installer.Request{ID: v.Entry.ID, Values: values, Plan: p.Digest})
	last := lines[len(lines)-1]
	if last.Step != installer.StepFailed || !strings.Contains(last.Message, "changed since you looked at it") || strings.Count(last.Message, ". ") > 0 {
		t.Errorf("install of a changed bundle: %+v", lines)
	}
	if _, err := api.Call(ctx, h.client, api.CatalogPlan, installer.PlanParams{ID: v.Entry.ID, Values: values}); err == nil || !strings.Contains(err.Error(), "changed since you looked at it") {
		t.Errorf("plan of a changed bundle: %v", err)
	}
	cfg, err := h.home.Load()
	if err != nil || len(cfg.Servers) != 0 {
		t.Errorf("servers after a refused install: %v (err %v)", cfg.Servers, err)
	}
}

// TestBundleOpenRefusesWhatIsNotABundle: bundle.open answers one sentence, and quickly, for a
// file that is not a bundle, a huge file, a named pipe, a missing file and a relative path.
func TestBundleOpenRefusesWhatIsNotABundle(t *testing.T) {
	h := start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.mcpb")
	os.WriteFile(text, []byte("just some notes\n"), 0o644)
	huge := filepath.Join(dir, "huge.mcpb")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	f.Truncate(bundle.MaxFile + 1) // sparse: big on paper, nothing read
	f.Close()
	fifo := filepath.Join(dir, "pipe.mcpb")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ file, want string }{
		{text, "not a zip archive"},
		{huge, "larger than 512 MB"},
		{fifo, "is not a file"},
		{filepath.Join(dir, "missing.mcpb"), "There is no file"},
		{"hello.mcpb", "full path"},
	} {
		began := time.Now()
		_, err := api.Call(ctx, h.client, api.BundleOpen, installer.BundleParams{File: c.file})
		var ae *api.Error
		if !errors.As(err, &ae) || !strings.Contains(ae.Message, c.want) || strings.Contains(ae.Message, "\n") {
			t.Errorf("bundle.open %s: %v; want a sentence with %q", filepath.Base(c.file), err, c.want)
		}
		if d := time.Since(began); d > 5*time.Second {
			t.Errorf("bundle.open %s took %v", filepath.Base(c.file), d)
		}
		// The install path refuses the same way.
		lines := installLines(t, ctx, h, installer.Request{ID: bundle.IDPrefix + "sha256:" + strings.Repeat("0", 64) + ":" + c.file})
		if last := lines[len(lines)-1]; last.Step != installer.StepFailed {
			t.Errorf("install of %s: %+v", filepath.Base(c.file), lines)
		}
	}
	if _, err := api.Call(ctx, h.client, api.BundleOpen, installer.BundleParams{}); !errors.Is(err, api.ErrBadRequest) {
		t.Errorf("bundle.open without a file: %v", err)
	}
}

// TestCatalogPlanOfARegistryBundle: a registry entry whose package is a bundle is planned
// from the downloaded file (no longer refused), and installs as planned; a registry that
// serves another file than it lists is refused with one sentence.
func TestCatalogPlanOfARegistryBundle(t *testing.T) {
	h := start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	good, err := os.ReadFile(writeTestBundle(t, t.TempDir(), "hello.mcpb", testBundle))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(good)
	sha := hex.EncodeToString(sum[:])
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.EscapedPath() {
		case "/files/hello.mcpb":
			w.Write(good)
		case "/files/swapped.mcpb":
			w.Write(append(append([]byte(nil), good...), 0))
		default:
			name, ok := strings.CutPrefix(r.URL.EscapedPath(), "/v0.1/servers/")
			name, ok2 := strings.CutSuffix(name, "/versions/latest")
			name, _ = url.PathUnescape(name)
			if !ok || !ok2 || !strings.HasPrefix(name, "io.github.mcptray-test/") {
				http.NotFound(w, r)
				return
			}
			file := strings.TrimPrefix(name, "io.github.mcptray-test/") + ".mcpb"
			fmt.Fprintf(w, `{"server": {"name": %q, "description": "A bundle in the registry", "version": "1.0.0",
			  "packages": [{"registryType": "mcpb", "identifier": %q, "version": "1.0.0", "fileSha256": %q, "transport": {"type": "stdio"}}]},
			  "_meta": {"io.modelcontextprotocol.registry/official": {"status": "active", "isLatest": true}}}`, name, srv.URL+"/files/"+file, sha)
		}
	}))
	defer srv.Close()
	if err := h.home.Update(func(c *config.Config) error { c.Settings.RegistryURL = srv.URL; return nil }); err != nil {
		t.Fatal(err)
	}
	values := map[string]string{"greeting": "hi"}

	_, err = api.Call(ctx, h.client, api.CatalogPlan, installer.PlanParams{ID: "io.github.mcptray-test/swapped", Values: values})
	if err == nil || !strings.Contains(err.Error(), "is not the file the registry lists") || strings.Contains(err.Error(), "cannot install yet") {
		t.Fatalf("plan of a swapped registry bundle: %v", err)
	}
	id := "io.github.mcptray-test/hello"
	p, err := api.Call(ctx, h.client, api.CatalogPlan, installer.PlanParams{ID: id, Values: values})
	if err != nil {
		t.Fatal(err)
	}
	if p.Server != "hello" || p.Origin != "registry" || strings.Join(p.Args, " ") != "-hello hi" || p.Digest == "" {
		t.Errorf("plan of a registry bundle: %+v", p)
	}
	lines := installLines(t, ctx, h, installer.Request{ID: id, Values: values, Plan: p.Digest})
	if last := lines[len(lines)-1]; last.Step != installer.StepDone {
		t.Fatalf("install lines: %+v", lines)
	}
	cfg, _ := h.home.Load()
	if s := cfg.Servers["hello"]; s == nil || s.Frozen == nil || s.Frozen.Lock != "sha256:"+sha {
		t.Errorf("installed %+v", cfg.Servers["hello"])
	}
}
