//go:build !windows

package daemon

import (
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/control"
)

func TestSandboxLooseningTable(t *testing.T) {
	home := config.Home(filepath.Join(t.TempDir(), "home"))
	d, err := New(Options{Home: home})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.listener.Close(); d.closePolicy(); d.unlock() })
	d.cfg = &config.Config{Servers: map[string]*config.Server{
		"boxed": {Sandbox: &config.Sandbox{Read: []string{"/r"}, Write: []string{"/w"}}},
		"free":  {},
	}}
	for _, tt := range []struct {
		params  string
		loosens bool
	}{
		{`{"name":"boxed","sandbox":{"read":["/r"],"write":["/w"]}}`, false},
		{`{"name":"boxed","sandbox":{"read":[],"write":[]}}`, false},
		{`{"name":"boxed","sandbox":{"read":["/r","/w"]}}`, false}, // write down to read
		{`{"name":"boxed","sandbox":{"read":["/r","/x"],"write":["/w"]}}`, true},
		{`{"name":"boxed","sandbox":{"write":["/w","/r"]}}`, true}, // read up to write
		{`{"name":"boxed","sandbox":{"read":["/r"],"write":["/w"],"network":true}}`, true},
		{`{"name":"boxed","sandbox":false}`, true},
		{`{"name":"boxed","sandbox":{"read":["relative"]}}`, true},
		{`{"name":"boxed","sandbox":{"read":["/r"],"Read":["/x"]}}`, true},
		{`{"name":"boxed"}`, true},
		{`{"name":"free","sandbox":{"read":["/anything"],"network":true}}`, false}, // confining
		{`{"name":"unknown","sandbox":{"read":[]}}`, true},
		{`not json`, true},
	} {
		if got := d.loosens(api.ServersSandbox.Name, json.RawMessage(tt.params)); got != tt.loosens {
			t.Errorf("servers.sandbox %s loosens = %v, want %v", tt.params, got, tt.loosens)
		}
	}
}

// TestServersSandboxWritesConfigAndRefusesLooseningFromAServer changes a sandbox as the window
// does, then has a program the daemon's process ran (as a server would) try to loosen it.
func TestServersSandboxWritesConfigAndRefusesLooseningFromAServer(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Fatal("python3 plays a program a server ran; it is not installed")
	}
	h := start(t)
	h.add(t, "files", &config.Server{Command: fake, Sandbox: &config.Sandbox{Read: []string{"/data"}}})
	h.waitFor(t, "files runs", func(st api.StatusResult) bool { _, ok := find(st, "files"); return ok })
	ctx := context.Background()
	want := &config.Sandbox{Read: []string{"/data"}, Write: []string{"~/notes"}, Network: true}
	if err := callInto(ctx, h.client, api.ServersSandbox, api.SandboxParams{Name: "files", Sandbox: want}, nil); err != nil {
		t.Fatal(err)
	}
	cfg, err := h.home.Load()
	if err != nil {
		t.Fatal(err)
	}
	got := cfg.Servers["files"].Sandbox
	if !got.Confined() || !slices.Equal(got.Write, []string{"~/notes"}) || !got.Network || !slices.Equal(got.Read, []string{"/data"}) {
		t.Fatalf("config.json has sandbox %+v, want %+v", got, want)
	}
	// The configuration in effect follows config.json; show answers from it.
	h.waitFor(t, "the change applies", func(api.StatusResult) bool {
		var shown api.SandboxParams
		err := callInto(ctx, h.client, api.ServersSandboxShow, api.SandboxParams{Name: "files"}, &shown)
		return err == nil && shown.Sandbox != nil && slices.Equal(shown.Sandbox.Write, []string{"~/notes"}) && shown.Sandbox.Network
	})

	// A child of the daemon's process is what a server or its programs are.
	call := func(params string) string {
		t.Helper()
		script := `import socket,sys
s=socket.socket(socket.AF_UNIX);s.connect(sys.argv[1])
s.sendall(('{"op":"call","method":"servers.sandbox","params":'+sys.argv[2]+'}\n').encode())
print(s.makefile().readline())`
		out, err := exec.Command(python, "-c", script, h.home.SocketPath(), params).CombinedOutput()
		if err != nil {
			t.Fatalf("the client program failed: %v: %s", err, out)
		}
		return string(out)
	}
	for _, loose := range []string{`{"name":"files","sandbox":false}`, `{"name":"files","sandbox":{"read":["/data","/"],"write":["~/notes"],"network":true}}`} {
		if out := call(loose); !strings.Contains(out, control.CodeNotFromPerson) {
			t.Errorf("a server's program sent %s and got %s", loose, out)
		}
	}
	if cfg, _ := h.home.Load(); !cfg.Servers["files"].Sandbox.Confined() || slices.Contains(cfg.Servers["files"].Sandbox.Read, "/") {
		t.Fatalf("config.json changed after refused requests: %+v", cfg.Servers["files"].Sandbox)
	}
	// Tightening is taken from anywhere.
	if out := call(`{"name":"files","sandbox":{"read":["/data"]}}`); strings.Contains(out, "error") {
		t.Errorf("a tightening request from a server's program got %s", out)
	}
	if cfg, _ := h.home.Load(); cfg.Servers["files"].Sandbox.Network || len(cfg.Servers["files"].Sandbox.Write) > 0 {
		t.Errorf("config.json not tightened: %+v", cfg.Servers["files"].Sandbox)
	}
}
