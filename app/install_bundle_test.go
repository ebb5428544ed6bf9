package app

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// bundleManifest is a binary bundle whose server is the fake MCP server, with a secret
// question (the keychain) and a plain one (its command line).
const bundleManifest = `{"manifest_version": "0.3", "name": "hello", "version": "1.0.0", "description": "Says hello.",
 "author": {"name": "A. Maker"},
 "server": {"type": "binary", "entry_point": "server/hello",
   "mcp_config": {"command": "${__dirname}/server/hello", "args": ["-hello", "${user_config.greeting}"], "env": {"HELLO_TOKEN": "${user_config.token}"}}},
 "user_config": {
   "token": {"type": "string", "title": "Token", "description": "Your token.", "sensitive": true, "required": true},
   "greeting": {"type": "string", "title": "Greeting", "description": "What to say.", "required": true}}}`

// writeBundle packs manifest with program as its server into dir/hello.mcpb.
func writeBundle(t *testing.T, dir, manifest string, program []byte) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range []struct {
		name string
		body []byte
		mode os.FileMode
	}{{"manifest.json", []byte(manifest), 0o644}, {"server/hello", program, 0o755}} {
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
	file := filepath.Join(dir, "hello.mcpb")
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// answer fills the bundle's two questions.
func answerBundle(t *testing.T, d *installDialog, token, greeting string) {
	t.Helper()
	for _, f := range d.fields {
		switch f.q.Key {
		case "token":
			if !f.entry.Password {
				t.Error("the secret question is not masked")
			}
			f.entry.SetText(token)
		case "greeting":
			f.entry.SetText(greeting)
		}
	}
}

// TestOpenBundleInstallsIt: opening a bundle file shows who signed it (unsigned: a warning),
// asks its questions (the secret one masked, kept in the keychain), shows the plan, installs
// it and leaves it running.
func TestOpenBundleInstallsIt(t *testing.T) {
	h := newWindowHarness(t)
	program, err := os.ReadFile(h.fake)
	if err != nil {
		t.Fatal(err)
	}
	file := writeBundle(t, t.TempDir(), bundleManifest, program)
	closed := false
	d := h.u.openBundle(file, func() { closed = true })
	if d.win.Title() != BundleWindowTitle {
		t.Errorf("title %q", d.win.Title())
	}
	h.until("the bundle's questions are shown", func() bool { return d.bundle != nil && d.toPlan != nil })
	if !showsText(d.win.Content(), "The bundle is not signed") || !showsText(d.win.Content(), "Made by A. Maker") {
		t.Errorf("the answers page of an unsigned bundle: %q", texts(d.win.Content()))
	}
	warned := false
	walkVisible(d.win.Content(), func(o fyne.CanvasObject) bool {
		if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, "not signed") && l.Importance == widget.WarningImportance {
			warned = true
		}
		return true
	})
	if !warned {
		t.Error("the unsigned bundle's sentence is not in the warning style")
	}
	if showsText(d.win.Content(), "Checking its tools") {
		t.Error("the answers page says it checks the tools of a bundle, which it does not")
	}
	if len(d.fields) != 2 || d.name.PlaceHolder != "hello" {
		t.Fatalf("fields %d, name placeholder %q", len(d.fields), d.name.PlaceHolder)
	}
	answerBundle(t, d, "tok-bundle-1", "hi")
	test.Tap(d.toPlan)
	h.until("the plan is shown", func() bool { return d.win.Content() != d.answers && d.install != nil })
	if !showsText(d.win.Content(), "What will run") || showsText(d.win.Content(), "MCP Registry") || d.install.Disabled() {
		t.Fatalf("the review page of a bundle: %q (Install disabled %v)", texts(d.win.Content()), d.install.Disabled())
	}
	test.Tap(d.install)
	h.untilFor(time.Minute, "the install ends", func() bool { return !d.running })
	if !strings.Contains(d.result.Text, "installed and working") {
		t.Fatalf("the install ended with %q; progress: %v", d.result.Text, texts(d.lines))
	}
	s := h.config().Servers["hello"]
	if s == nil || s.Frozen == nil || strings.Join(s.Args, " ") != "-hello hi" {
		t.Fatalf("config.json has %+v", s)
	}
	if v, err := h.keys.Get(context.Background(), "hello", "HELLO_TOKEN"); err != nil || v != "tok-bundle-1" {
		t.Errorf("the keychain holds %q (err %v)", v, err)
	}
	if raw, _ := os.ReadFile(filepath.Join(string(h.home), "config.json")); strings.Contains(string(raw), "tok-bundle-1") {
		t.Error("the secret is in config.json")
	}
	test.Tap(d.close)
	if !closed {
		t.Error("closing the dialog did not call closed")
	}
}

// TestOpenBundleRefusals: a file that is not a bundle is one plain sentence; a bundle that
// changed after the person looked at it is refused at install with one sentence, and
// nothing is installed.
func TestOpenBundleRefusals(t *testing.T) {
	h := newWindowHarness(t)
	dir := t.TempDir()
	notes := filepath.Join(dir, "notes.mcpb")
	os.WriteFile(notes, []byte("just notes\n"), 0o644)
	d := h.u.openBundle(notes, nil)
	h.until("the refusal is shown", func() bool { return showsText(d.win.Content(), "cannot be added") })
	if !showsText(d.win.Content(), "not a zip archive") || d.bundle != nil {
		t.Errorf("a file that is not a bundle: %q", texts(d.win.Content()))
	}
	d.win.Close()

	program, err := os.ReadFile(h.fake)
	if err != nil {
		t.Fatal(err)
	}
	// A bundle made for another computer: its sentence in red, and Next stays disabled.
	windows := writeBundle(t, t.TempDir(), strings.Replace(bundleManifest, `"user_config"`, `"compatibility": {"platforms": ["win32"]}, "user_config"`, 1), program)
	d = h.u.openBundle(windows, nil)
	h.until("the bundle's questions are shown", func() bool { return d.bundle != nil && d.toPlan != nil })
	if d.bundle.Problem == "" || d.problem.Text != d.bundle.Problem || !d.toPlan.Disabled() {
		t.Errorf("a bundle for Windows only: problem %q, shown %q, Next disabled %v", d.bundle.Problem, d.problem.Text, d.toPlan.Disabled())
	}
	t.Logf("a bundle for Windows only: %s", d.bundle.Problem)
	d.win.Close()

	if err != nil {
		t.Fatal(err)
	}
	file := writeBundle(t, dir, bundleManifest, program)
	d = h.u.openBundle(file, nil)
	h.until("the bundle's questions are shown", func() bool { return d.bundle != nil && d.toPlan != nil })
	answerBundle(t, d, "tok-bundle-2", "hi")
	test.Tap(d.toPlan)
	h.until("the plan is shown", func() bool { return d.win.Content() != d.answers && d.install != nil })
	writeBundle(t, dir, strings.Replace(bundleManifest, "Says hello.", "Says hello!", 1), program)
	test.Tap(d.install)
	h.untilFor(time.Minute, "the install ends", func() bool { return !d.running })
	if !strings.Contains(d.result.Text, "changed since you looked at it") || d.result.Importance != widget.DangerImportance {
		t.Errorf("install of a changed bundle ended with %q", d.result.Text)
	}
	if len(h.config().Servers) != 0 {
		t.Error("a changed bundle was installed")
	}
	d.win.Close()
}
