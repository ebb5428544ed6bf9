package daemon

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
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/control"
)

const testBinary = "/opt/mcptray/bin/mcptray"

// clientWorld is a temporary home folder with some AI clients installed in it.
type clientWorld struct {
	env   clients.Env
	home  config.Home
	notes chan Note
}

func newClientWorld(t testing.TB, installed ...string) *clientWorld {
	t.Helper()
	dir := t.TempDir()
	w := &clientWorld{env: clients.Env{GOOS: "linux", Home: dir}, home: config.Home(filepath.Join(dir, "mcptray")), notes: make(chan Note, 256)}
	for _, id := range installed {
		c, _ := clients.ByID(id)
		mkdir(t, filepath.Dir(c.Paths(w.env)[0]))
	}
	return w
}

func (w *clientWorld) reconciler(opts ClientOptions) *ClientReconciler {
	opts.Env, opts.Backups = w.env, clients.BackupDir(w.home.BackupDir())
	if opts.Binary == "" {
		opts.Binary = testBinary
	}
	opts.Notify = func(n Note) {
		select {
		case w.notes <- n:
		default:
		}
	}
	return NewClientReconciler(opts)
}

func (w *clientWorld) path(id string) string {
	c, _ := clients.ByID(id)
	return c.Paths(w.env)[0]
}

func mkdir(t testing.TB, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
}

func write(t testing.TB, path, content string) {
	t.Helper()
	mkdir(t, filepath.Dir(path))
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func read(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// ours returns server → key of MCP Tray's entries in a client file, checking each connects
// to the server it is for.
func ours(t testing.TB, id, path string) map[string]string {
	t.Helper()
	c, _ := clients.ByID(id)
	cur, err := clients.Read(c, path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, s := range cur.Servers {
		if s.Ours {
			if !cmp.Equal(s.Args, []string{"connect", s.ServerName}) {
				t.Errorf("%s: entry %q is %q %q", id, s.Key, s.Command, s.Args)
			}
			out[s.ServerName] = s.Key
		}
	}
	return out
}

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
	profile := filepath.Join(w.env.Home, ".config", "Code", "User", "profiles", "work")
	mkdir(t, profile)
	write(t, w.path("claude-desktop"), `{"mcpServers": {"c": {"command": "mine"}}, "preferences": {"x": 1}}`)
	windsurf := `{"mcpServers": {"a": {"command": "/elsewhere/mcptray", "args": ["connect", "a"]}, "keep": {"command": "k"}}}`
	write(t, w.path("windsurf"), windsurf)
	zed := `{"context_servers": {"a": {"command": "/x/mcptray", "args": ["connect", "a"]}}}`
	write(t, w.path("zed"), zed)

	r := w.reconciler(ClientOptions{})
	r.Reconcile(testConfig())
	want := map[string]map[string]string{
		w.path("cursor"):                   {"a": "a", "c": "c"},
		w.path("claude-desktop"):           {"c": "c-mcptray"}, // b is switched off; the person has a "c"
		w.path("vscode"):                   {"a": "a", "c": "c"},
		filepath.Join(profile, "mcp.json"): {"a": "a", "c": "c"},
		w.path("windsurf"):                 {}, // disabled: MCP Tray's entry goes, the person's stays
	}
	ids := map[string]string{w.path("cursor"): "cursor", w.path("claude-desktop"): "claude-desktop",
		w.path("vscode"): "vscode", filepath.Join(profile, "mcp.json"): "vscode", w.path("windsurf"): "windsurf"}
	snapshot := map[string]string{}
	for path, servers := range want {
		if diff := cmp.Diff(servers, ours(t, ids[path], path)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", path, diff)
		}
		snapshot[path] = read(t, path)
	}
	if !strings.Contains(snapshot[w.path("cursor")], `"command": "`+testBinary+`"`) {
		t.Errorf("Cursor's entries do not start %s:\n%s", testBinary, snapshot[w.path("cursor")])
	}
	if !strings.Contains(snapshot[w.path("windsurf")], `"keep"`) || !strings.Contains(snapshot[w.path("claude-desktop")], `"preferences"`) {
		t.Error("the person's own content did not survive")
	}
	if got := read(t, w.path("zed")); got != zed {
		t.Errorf("Zed is not named in config.json, yet its file changed:\n%s", got)
	}
	backups := countFiles(t, w.home.BackupDir())

	r.Reconcile(testConfig())
	r2 := w.reconciler(ClientOptions{}) // a fresh process (the CLI) agrees too
	r2.Reconcile(testConfig())
	for path, before := range snapshot {
		if got := read(t, path); got != before {
			t.Errorf("a second pass changed %s:\n%s\nwas:\n%s", path, got, before)
		}
	}
	if n := countFiles(t, w.home.BackupDir()); n != backups {
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
	write(t, w.path("cursor"), broken)
	cfg := &config.Config{Servers: map[string]*config.Server{"a": {Command: "a"}},
		Clients: map[string]*config.ClientBinding{"cursor": {Enabled: true}}}
	r := w.reconciler(ClientOptions{})
	r.Reconcile(cfg)
	r.Reconcile(cfg)
	if got := read(t, w.path("cursor")); got != broken {
		t.Fatalf("a broken file was written:\n%s", got)
	}
	st := findStatus(t, r.Status(cfg), "cursor")
	if f := st.Files[0]; f.ErrorLine != 3 || !strings.Contains(f.Error, w.path("cursor")) {
		t.Errorf("status of the broken file: %+v", f)
	}
	n := <-w.notes
	if n.Kind != "client_error" || !strings.Contains(n.Message, "line 3") {
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
	path := w.path("claude-desktop")
	cfg := &config.Config{Servers: map[string]*config.Server{"a": {Command: "a"}},
		Clients: map[string]*config.ClientBinding{"claude-desktop": {Enabled: true}}}
	events := make(chan bool, 16)
	r := w.reconciler(ClientOptions{Debounce: 20 * time.Millisecond, LoadConfig: func() *config.Config { return cfg }})
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
	if n.Kind != "client_healed" || !strings.Contains(n.Message, "Claude Desktop dropped MCP Tray's server a from its settings; MCP Tray put it back.") {
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

func drainNotes(ch chan Note) {
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
	path := w.path("cursor")
	cfg := &config.Config{Servers: map[string]*config.Server{"a": {Command: "a"}},
		Clients: map[string]*config.ClientBinding{"cursor": {Enabled: true}}}
	events := make(chan bool, 64)
	r := w.reconciler(ClientOptions{Debounce: 10 * time.Millisecond})
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
		if n.Kind != "client_gave_up" || !strings.Contains(n.Message, "Cursor keeps removing MCP Tray's servers") {
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

func TestEnableAndDisableClientBindings(t *testing.T) {
	servers := map[string]*config.Server{"a": {Command: "a"}, "b": {Command: "b"}, "c": {Command: "c"}}
	tests := []struct {
		name    string
		before  *config.ClientBinding
		enable  bool
		servers []string
		want    *config.ClientBinding
	}{
		{"enable all", nil, true, nil, &config.ClientBinding{Enabled: true}},
		{"enable some", nil, true, []string{"a"}, &config.ClientBinding{Enabled: true, Servers: []string{"a"}}},
		{"enable more", &config.ClientBinding{Enabled: true, Servers: []string{"a"}}, true, []string{"b", "a"}, &config.ClientBinding{Enabled: true, Servers: []string{"a", "b"}}},
		{"all stays all", &config.ClientBinding{Enabled: true}, true, []string{"a"}, &config.ClientBinding{Enabled: true}},
		{"re-enable some", &config.ClientBinding{Servers: []string{"c"}}, true, []string{"a"}, &config.ClientBinding{Enabled: true, Servers: []string{"a"}}},
		{"disable", &config.ClientBinding{Enabled: true, Servers: []string{"a"}}, false, nil, &config.ClientBinding{Servers: []string{"a"}}},
		{"disable one of all", &config.ClientBinding{Enabled: true}, false, []string{"b"}, &config.ClientBinding{Enabled: true, Servers: []string{"a", "c"}}},
		{"disable the last", &config.ClientBinding{Enabled: true, Servers: []string{"a"}}, false, []string{"a"}, &config.ClientBinding{}},
		{"disable absent", nil, false, nil, &config.ClientBinding{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &config.Config{Servers: servers}
			if tt.before != nil {
				c.Clients = map[string]*config.ClientBinding{"cursor": tt.before}
			}
			if tt.enable {
				EnableClient(c, "cursor", tt.servers)
			} else {
				DisableClient(c, "cursor", tt.servers)
			}
			got := c.Clients["cursor"]
			if got.Enabled != tt.want.Enabled || !cmp.Equal(got.Servers, tt.want.Servers) {
				t.Errorf("got %+v, want %+v", *got, *tt.want)
			}
		})
	}
}

// BenchmarkReconcileAllClients: one full pass over all 14 clients, installed in a temporary
// home, with 3 servers. "rewrite" moves the mcptray binary on each pass, so every file is
// re-read, backed up and written; "unchanged" is the pass that runs on every config.json
// save when nothing concerns the clients.
func BenchmarkReconcileAllClients(b *testing.B) {
	var ids []string
	for _, c := range clients.All() {
		ids = append(ids, c.ID())
	}
	w := newClientWorld(b, ids...)
	mkdir(b, filepath.Join(w.env.Home, ".claude"))
	if n := len(clients.Detect(w.env)); n != len(ids) {
		b.Fatalf("%d clients detected, want %d", n, len(ids))
	}
	cfg := &config.Config{Servers: map[string]*config.Server{}, Clients: map[string]*config.ClientBinding{}}
	for _, s := range []string{"github", "memory", "filesystem"} {
		cfg.Servers[s] = &config.Server{Command: s}
	}
	for _, id := range ids {
		cfg.Clients[id] = &config.ClientBinding{Enabled: true}
	}
	rs := []*ClientReconciler{w.reconciler(ClientOptions{Binary: "/opt/a/mcptray"}), w.reconciler(ClientOptions{Binary: "/opt/b/mcptray"})}
	b.Run("rewrite", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			rs[i%2].Reconcile(cfg)
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/pass")
	})
	b.Run("unchanged", func(b *testing.B) {
		rs[0].Reconcile(cfg)
		for b.Loop() {
			rs[0].Reconcile(cfg)
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/pass")
	})
	for _, id := range ids {
		if got := ours(b, id, w.path(id)); len(got) != 3 {
			b.Errorf("%s holds %v", id, got)
		}
	}
}

// TestDaemonReconcilesClientFiles runs the daemon with a temporary home folder: a binding in
// config.json reaches the client's file, and clients.list and clients.reconcile answer.
func TestDaemonReconcilesClientFiles(t *testing.T) {
	w := newClientWorld(t, "cursor")
	d, err := New(Options{Home: w.home, Version: "test", ClientEnv: w.env, Binary: testBinary})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	defer func() { cancel(); <-done }()
	err = w.home.Update(func(c *config.Config) error {
		c.Servers["a"] = &config.Server{Command: fake, NoSpare: true}
		EnableClient(c, "cursor", nil)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	cl := &control.Client{Path: w.home.SocketPath()}
	deadline := time.Now().Add(20 * time.Second)
	for {
		var res ClientsResult
		err := cl.Call(ctx, "clients.list", nil, &res)
		if err == nil && len(res.Clients) == 1 && cmp.Equal(res.Clients[0].Sees, []string{"a"}) {
			st := res.Clients[0]
			if !st.Enabled || !st.NeedsRestart || st.LastChange == nil || st.LastChange.Kind != "changed" {
				t.Errorf("cursor's status %+v", st)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("clients.list never showed cursor seeing a: %+v, %v", res, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if diff := cmp.Diff(map[string]string{"a": "a"}, ours(t, "cursor", w.path("cursor"))); diff != "" {
		t.Errorf("cursor's file (-want +got):\n%s", diff)
	}
	var res ClientsResult
	if err := cl.Call(ctx, "clients.reconcile", ClientParams{Client: "nope"}, &res); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("reconcile of an unknown client: %v", err)
	}
	if err := cl.Call(ctx, "clients.reconcile", ClientParams{Client: "cursor"}, &res); err != nil || len(res.Clients) != 1 {
		t.Errorf("reconcile: %+v, %v", res, err)
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
