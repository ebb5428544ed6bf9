package reconcile

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/clients/clienttest"
	"github.com/mcptray/mcptray/config"
)

const testBinary = "/opt/mcptray/bin/mcptray"

// clientWorld is a temporary home folder with some AI clients installed in it, and the events
// its reconcilers publish.
type clientWorld struct {
	*clienttest.World
	notes chan ClientEvent
}

func newClientWorld(t testing.TB, installed ...string) *clientWorld {
	return &clientWorld{World: clienttest.NewWorld(t, installed...), notes: make(chan ClientEvent, 256)}
}

func (w *clientWorld) reconciler(opts Options) *Reconciler {
	opts.Env, opts.Backups = w.Env, clients.BackupDir(w.Home.BackupDir())
	if opts.Binary == "" {
		opts.Binary = testBinary
	}
	opts.Notify = func(n ClientEvent) {
		select {
		case w.notes <- n:
		default:
		}
	}
	return New(opts)
}

var (
	mkdir = clienttest.Mkdir
	write = clienttest.Write
	read  = clienttest.Read
	ours  = clienttest.Ours
)

func testConfig() *config.Config {
	return &config.Config{
		Servers: map[string]*config.Server{
			"a": {Command: "a"}, "b": {Command: "b", Disabled: true}, "c": {Command: "c"},
		},
		Clients: map[string]*config.ClientBinding{
			"cursor":         {Enabled: true},
			"claude-desktop": {Enabled: true, Servers: []string{"c", "b"}},
			"vscode":         {Enabled: true},
			"windsurf":       {Enabled: false},
		},
	}
}

func TestReconcileWritesWhatConfigSaysAndIsIdempotent(t *testing.T) {
	w := newClientWorld(t, "cursor", "claude-desktop", "vscode", "windsurf", "zed")
	profile := filepath.Join(w.Env.Home, ".config", "Code", "User", "profiles", "work")
	mkdir(t, profile)
	write(t, w.Path("claude-desktop"), `{"mcpServers": {"c": {"command": "mine"}}, "preferences": {"x": 1}}`)
	windsurf := `{"mcpServers": {"a": {"command": "/elsewhere/mcptray", "args": ["connect", "a"]}, "keep": {"command": "k"}}}`
	write(t, w.Path("windsurf"), windsurf)
	zed := `{"context_servers": {"a": {"command": "/x/mcptray", "args": ["connect", "a"]}}}`
	write(t, w.Path("zed"), zed)

	r := w.reconciler(Options{})
	r.Reconcile(testConfig())
	want := map[string]map[string]string{
		w.Path("cursor"):                   {"a": "a", "c": "c"},
		w.Path("claude-desktop"):           {"c": "c-mcptray"}, // b is switched off; the person has a "c"
		w.Path("vscode"):                   {"a": "a", "c": "c"},
		filepath.Join(profile, "mcp.json"): {"a": "a", "c": "c"},
		w.Path("windsurf"):                 {}, // disabled: MCP Tray's entry goes, the person's stays
	}
	ids := map[string]string{w.Path("cursor"): "cursor", w.Path("claude-desktop"): "claude-desktop",
		w.Path("vscode"): "vscode", filepath.Join(profile, "mcp.json"): "vscode", w.Path("windsurf"): "windsurf"}
	snapshot := map[string]string{}
	for path, servers := range want {
		if diff := cmp.Diff(servers, ours(t, ids[path], path)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", path, diff)
		}
		snapshot[path] = read(t, path)
	}
	if !strings.Contains(snapshot[w.Path("cursor")], `"command": "`+testBinary+`"`) {
		t.Errorf("Cursor's entries do not start %s:\n%s", testBinary, snapshot[w.Path("cursor")])
	}
	if !strings.Contains(snapshot[w.Path("windsurf")], `"keep"`) || !strings.Contains(snapshot[w.Path("claude-desktop")], `"preferences"`) {
		t.Error("the person's own content did not survive")
	}
	if got := read(t, w.Path("zed")); got != zed {
		t.Errorf("Zed is not named in config.json, yet its file changed:\n%s", got)
	}
	backups := countFiles(t, w.Home.BackupDir())

	r.Reconcile(testConfig())
	r2 := w.reconciler(Options{}) // a fresh process (the CLI) agrees too
	r2.Reconcile(testConfig())
	for path, before := range snapshot {
		if got := read(t, path); got != before {
			t.Errorf("a second pass changed %s:\n%s\nwas:\n%s", path, got, before)
		}
	}
	if n := countFiles(t, w.Home.BackupDir()); n != backups {
		t.Errorf("a second pass made backups: %d files, was %d", n, backups)
	}
}

func countFiles(t testing.TB, dir string) int {
	n := 0
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	return n
}

func TestReconcileLeavesBrokenFileAloneAndSaysWhere(t *testing.T) {
	w := newClientWorld(t, "cursor")
	broken := "{\n  \"mcpServers\": {\n    \"x\": {\"command\": }\n  }\n}\n"
	write(t, w.Path("cursor"), broken)
	cfg := &config.Config{Servers: map[string]*config.Server{"a": {Command: "a"}},
		Clients: map[string]*config.ClientBinding{"cursor": {Enabled: true}}}
	r := w.reconciler(Options{})
	r.Reconcile(cfg)
	r.Reconcile(cfg)
	if got := read(t, w.Path("cursor")); got != broken {
		t.Fatalf("a broken file was written:\n%s", got)
	}
	st := findStatus(t, r.Status(cfg), "cursor")
	if f := st.Files[0]; f.ErrorLine != 3 || !strings.Contains(f.Error, w.Path("cursor")) {
		t.Errorf("status of the broken file: %+v", f)
	}
	n := <-w.notes
	if n.Kind != Error || !strings.Contains(n.Message, "line 3") {
		t.Errorf("note %+v", n)
	}
	select {
	case n := <-w.notes:
		t.Errorf("the same problem was reported twice: %+v", n)
	default:
	}
}

func findStatus(t testing.TB, res ClientsResult, id string) ClientStatus {
	t.Helper()
	for _, c := range res.Clients {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no client %s in %+v", id, res.Clients)
	return ClientStatus{}
}

// TestReconcileHealsDroppedEntries plays Claude Desktop rewriting its file without MCP Tray's
// entries: they come back, the person's content stays, and MCP Tray's own writes do not set
// off another pass.
func TestReconcileHealsDroppedEntries(t *testing.T) {
	w := newClientWorld(t, "claude-desktop")
	path := w.Path("claude-desktop")
	cfg := &config.Config{Servers: map[string]*config.Server{"a": {Command: "a"}},
		Clients: map[string]*config.ClientBinding{"claude-desktop": {Enabled: true}}}
	events := make(chan bool, 16)
	r := w.reconciler(Options{Debounce: 20 * time.Millisecond, LoadConfig: func() *config.Config { return cfg }})
	r.onFileEvent = func(p string, acted bool) {
		if p == path {
			events <- acted
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := r.Watch(ctx); err != nil {
		t.Fatal(err)
	}
	r.Reconcile(cfg)
	if acted := waitEvent(t, events); acted {
		t.Fatal("MCP Tray's own write set off a pass")
	}
	drainNotes(w.notes)

	dropped := `{"mcpServers": {"theirs": {"command": "t"}}, "globalShortcut": "Ctrl+Space"}`
	write(t, path, dropped)
	if acted := waitEvent(t, events); !acted {
		t.Fatal("a dropped entry was not acted on")
	}
	if diff := cmp.Diff(map[string]string{"a": "a"}, ours(t, "claude-desktop", path)); diff != "" {
		t.Errorf("after the client dropped it (-want +got):\n%s", diff)
	}
	var before, after map[string]any
	json.Unmarshal([]byte(dropped), &before)
	json.Unmarshal([]byte(read(t, path)), &after)
	delete(after["mcpServers"].(map[string]any), "a")
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("the person's content changed (-before +after):\n%s", diff)
	}
	n := <-w.notes
	if n.Kind != Healed || !strings.Contains(n.Message, "Claude Desktop dropped MCP Tray's server a from its settings; MCP Tray put it back.") {
		t.Errorf("note %+v", n)
	}
	if acted := waitEvent(t, events); acted {
		t.Error("the heal's own write set off another pass")
	}
}

func waitEvent(t testing.TB, events chan bool) bool {
	t.Helper()
	select {
	case acted := <-events:
		return acted
	case <-time.After(10 * time.Second):
		t.Fatal("no file event within 10 s")
		return false
	}
}

func drainNotes(ch chan ClientEvent) {
	for {
		select {
		case <-ch:
		default:
			return
		}
	}
}

func TestReconcileStopsFightingAClient(t *testing.T) {
	w := newClientWorld(t, "cursor")
	path := w.Path("cursor")
	cfg := &config.Config{Servers: map[string]*config.Server{"a": {Command: "a"}},
		Clients: map[string]*config.ClientBinding{"cursor": {Enabled: true}}}
	events := make(chan bool, 64)
	r := w.reconciler(Options{Debounce: 10 * time.Millisecond})
	r.onFileEvent = func(p string, acted bool) { events <- acted }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r.Watch(ctx)
	r.Reconcile(cfg)
	waitEvent(t, events)
	for i := 0; i < maxHeals; i++ {
		write(t, path, `{"mcpServers": {}}`)
		for !waitEvent(t, events) { // skip the events of MCP Tray's own writes
		}
	}
	drainNotes(w.notes)
	write(t, path, `{"mcpServers": {}}`)
	select {
	case n := <-w.notes:
		if n.Kind != GaveUp || !strings.Contains(n.Message, "Cursor keeps removing MCP Tray's servers") {
			t.Fatalf("note %+v", n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no note within 10 s")
	}
	if got := read(t, path); got != `{"mcpServers": {}}` {
		t.Errorf("file after giving up: %s", got)
	}
	r.Reconcile(cfg) // config.json saved for another reason: still given up
	if got := read(t, path); got != `{"mcpServers": {}}` {
		t.Errorf("file after a config pass: %s", got)
	}
	r.ReconcileClient(cfg, "cursor") // the person turns it on again: MCP Tray tries afresh
	if diff := cmp.Diff(map[string]string{"a": "a"}, ours(t, "cursor", path)); diff != "" {
		t.Errorf("after a new pass (-want +got):\n%s", diff)
	}
}

func TestBridgeBinaryIsTheSmallMcptray(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "mcptray-app"), "")
	if got, err := bridgeBinary(filepath.Join(dir, "mcptray-app")); err == nil {
		t.Errorf("without mcptray next to the app: %q, want an error", got)
	}
	write(t, filepath.Join(dir, "mcptray"), "")
	for self, want := range map[string]string{
		filepath.Join(dir, "mcptray-app"): filepath.Join(dir, "mcptray"),
		filepath.Join(dir, "mcptray"):     filepath.Join(dir, "mcptray"),
	} {
		if got, err := bridgeBinary(self); got != want || err != nil {
			t.Errorf("bridgeBinary(%s) = %q, %v; want %q", self, got, err, want)
		}
	}
}
