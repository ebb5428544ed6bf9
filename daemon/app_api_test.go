package daemon

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/keychain"
	"github.com/mcptray/mcptray/supervisor"
)

// appHarness is a daemon in this process with the real keychain, AI client files in a
// temporary HOME, and its log kept for checks.
type appHarness struct {
	*harness
	d   *Daemon
	dir string
	env clients.Env
	log *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func startApp(t *testing.T) *appHarness {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("HOME", dir) // start at login writes below HOME
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, ".config"))
	home := config.Home(filepath.Join(dir, "mcptray"))
	env := clients.Env{GOOS: "linux", Home: dir}
	buf := &syncBuffer{}
	d, err := New(Options{Home: home, Version: "test", Keys: keychain.System(keychain.Options{}),
		ClientEnv: env, Binary: testBinary, Log: slog.New(slog.NewTextHandler(buf, nil)),
		Ladder:  supervisor.Ladder{StdinGrace: 200 * time.Millisecond, TermGrace: 200 * time.Millisecond, KillGrace: 2 * time.Second},
		Backoff: supervisor.BackoffPolicy{Initial: 20 * time.Millisecond, Max: 100 * time.Millisecond, Window: time.Minute, MaxFailures: 5}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &harness{home: home, client: &control.Client{Path: home.SocketPath()}, done: make(chan error, 1), cancel: cancel}
	go func() { h.done <- d.Run(ctx) }()
	t.Cleanup(func() { h.stopQuiet(t) })
	// The daemon serves only once it watches config.json: after a ping, a change is seen.
	deadline := time.Now().Add(10 * time.Second)
	for callInto(context.Background(), h.client, api.Ping, api.None{}, nil) != nil {
		if time.Now().After(deadline) {
			t.Fatal("the daemon does not answer")
		}
		time.Sleep(10 * time.Millisecond)
	}
	return &appHarness{harness: h, d: d, dir: dir, env: env, log: buf}
}

// callOK calls method m, which must succeed, and stores its result in res (nil: not needed).
func callOK[P, R any](t *testing.T, h *appHarness, m api.Method[P, R], p P, res *R) {
	t.Helper()
	if err := callInto(context.Background(), h.client, m, p, res); err != nil {
		t.Fatalf("%s: %v", m.Name, err)
	}
}

// callFails calls method m, which must fail, and returns its sentence.
func callFails[P, R any](t *testing.T, h *appHarness, m api.Method[P, R], p P) string {
	t.Helper()
	_, err := api.Call(context.Background(), h.client, m, p)
	if err == nil {
		t.Fatalf("%s %+v succeeded; want an error", m.Name, p)
	}
	return err.Error()
}

func (h *appHarness) running(t *testing.T, name string) supervisor.Status {
	t.Helper()
	st := h.waitFor(t, name+" running", func(st api.StatusResult) bool { s, _ := find(st, name); return s.State == supervisor.Running })
	s, _ := find(st, name)
	return s
}

func (h *appHarness) config(t *testing.T) *config.Config {
	t.Helper()
	c, err := h.home.Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestPauseStopsServersAndHoldsConnections(t *testing.T) {
	h := startApp(t)
	h.add(t, "a", &config.Server{Command: fake})
	h.add(t, "off", &config.Server{Command: fake})
	h.running(t, "off")
	callOK(t, h, api.Stop, api.NameParams{Name: "off"}, nil) // stopped by the person: stays stopped after resume
	a := h.running(t, "a")

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	notes := make(chan api.Note, 16)
	go h.client.Stream(ctx, api.Events.Name, nil, func(raw json.RawMessage) error {
		var ev api.Event
		if json.Unmarshal(raw, &ev) == nil && ev.Note != nil {
			notes <- *ev.Note
		}
		return nil
	})

	var got api.PauseParams
	callOK(t, h, api.Pause, api.PauseParams{Paused: true}, &got)
	if !got.Paused {
		t.Fatalf("pause answered %+v", got)
	}
	var st api.StatusResult
	callOK(t, h, api.Status, api.None{}, &st)
	if s, _ := find(st, "a"); !st.Paused || s.State != supervisor.Stopped {
		t.Fatalf("after pause: paused=%v, a is %v", st.Paused, s.State)
	}
	waitNote(t, notes, "paused")

	connected := make(chan error, 1)
	go func() {
		conn, _, err := h.client.Connect(ctx, "a", "test")
		if err == nil {
			conn.Close()
		}
		connected <- err
	}()
	logs := h.d.sup.Logs("a")
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(lines(logs.Tail(50)), "A client is waiting to connect") {
		if time.Now().After(deadline) {
			t.Fatalf("a held connection left no note in the server's log:\n%s", lines(logs.Tail(50)))
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case err := <-connected:
		t.Fatalf("a connection went through while paused (err %v)", err)
	default:
	}

	callOK(t, h, api.Pause, api.PauseParams{Paused: false}, nil)
	if err := <-connected; err != nil {
		t.Fatalf("the held connection failed after resume: %v", err)
	}
	waitNote(t, notes, "resumed")
	a2 := h.running(t, "a")
	if a2.Pid == a.Pid {
		t.Fatal("a was not restarted on resume")
	}
	st = api.StatusResult{}
	callOK(t, h, api.Status, api.None{}, &st)
	if s, _ := find(st, "off"); st.Paused || s.State != supervisor.Stopped {
		t.Fatalf("after resume: paused=%v, the server the person stopped is %v", st.Paused, s.State)
	}
}

func waitNote(t *testing.T, notes <-chan api.Note, kind api.NoteKind) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case n := <-notes:
			if n.Kind == kind {
				return
			}
		case <-timeout:
			t.Fatalf("no %q note on the events stream", kind)
		}
	}
}

func lines(ls []supervisor.Line) string {
	var b strings.Builder
	for _, l := range ls {
		b.WriteString(l.Text + "\n")
	}
	return b.String()
}

func TestServerSwitchesModeAndRules(t *testing.T) {
	h := startApp(t)
	h.add(t, "a", &config.Server{Command: fake})
	h.running(t, "a")

	callOK(t, h, api.ServersEnable, api.ServerSwitchParams{Name: "a", Enabled: false}, nil)
	if !h.config(t).Servers["a"].Disabled {
		t.Fatal("servers.enable false did not turn the server off in config.json")
	}
	h.waitFor(t, "a off", func(st api.StatusResult) bool { s, _ := find(st, "a"); return s.State == supervisor.Disabled })
	callOK(t, h, api.ServersEnable, api.ServerSwitchParams{Name: "a", Enabled: true}, nil)
	h.running(t, "a")

	var det api.ServerDetailsResult
	deadline := time.Now().Add(10 * time.Second)
	for {
		callOK(t, h, api.ServersDetails, api.None{}, &det)
		if len(det.Servers) == 1 && det.Servers[0].MemoryBytes > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("servers.details = %+v; want a with its warm spare's memory", det)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if mb := det.Servers[0].MemoryBytes >> 20; mb > 500 || det.Servers[0].Mode != config.ModeSession {
		t.Errorf("a: %+v (the fake server uses %d MB?)", det.Servers[0], mb)
	}

	callOK(t, h, api.ServersMode, api.ServerModeParams{Name: "a", Mode: config.ModeShared}, nil)
	callOK(t, h, api.PolicySet, api.RuleParams{Name: "a", Tool: "echo", Rule: config.RuleDeny}, nil)
	s := h.config(t).Servers["a"]
	if s.Mode != config.ModeShared || s.Policy.Tools["echo"] != config.RuleDeny {
		t.Fatalf("config.json after mode and rule: mode %q, rules %v", s.Mode, s.Policy.Tools)
	}
	deadline = time.Now().Add(10 * time.Second)
	for {
		callOK(t, h, api.ServersDetails, api.None{}, &det)
		if len(det.Servers) == 1 && det.Servers[0].Mode == config.ModeShared {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("servers.details = %+v; want a in shared mode", det)
		}
		time.Sleep(20 * time.Millisecond)
	}

	for _, tc := range []struct {
		what string
		err  string
		want string
	}{
		{"servers.enable nope", callFails(t, h, api.ServersEnable, api.ServerSwitchParams{Name: "nope", Enabled: true}), `There is no server named "nope"`},
		{"servers.mode both", callFails(t, h, api.ServersMode, api.ServerModeParams{Name: "a", Mode: "both"}), `"both" is not a way to run a server`},
		{"policy.set maybe", callFails(t, h, api.PolicySet, api.RuleParams{Name: "a", Tool: "echo", Rule: "maybe"}), `"maybe" is not a rule`},
		{"policy.set nope", callFails(t, h, api.PolicySet, api.RuleParams{Name: "nope", Tool: "echo", Rule: "allow"}), `There is no server named "nope"`},
	} {
		if !strings.Contains(tc.err, tc.want) {
			t.Errorf("%s: %q, want it to say %q", tc.what, tc.err, tc.want)
		}
	}
}

func TestSecretsThroughTheDaemon(t *testing.T) {
	h := startApp(t)
	server := "apptest-" + filepath.Base(h.dir)
	value := "s3cr3t-" + strings.Repeat("x", 20)
	store := keychain.System(keychain.Options{})
	t.Cleanup(func() { store.Delete(context.Background(), server, "API_TOKEN") })
	h.add(t, server, &config.Server{Command: fake, Secrets: []string{"API_TOKEN"}, Env: map[string]string{"MODE": "1"}})

	var list api.SecretsResult
	callOK(t, h, api.SecretsList, api.SecretParams{Server: server}, &list)
	if diff := cmp.Diff([]api.SecretItem{{Key: "API_TOKEN", Set: false}}, list.Secrets); diff != "" {
		t.Fatalf("before set (-want +got):\n%s", diff)
	}
	callOK(t, h, api.SecretsSet, api.SecretParams{Server: server, Name: "API_TOKEN", Value: value}, nil)
	callOK(t, h, api.SecretsSet, api.SecretParams{Server: server, Name: "OTHER_KEY", Value: value + "2"}, nil)
	t.Cleanup(func() { store.Delete(context.Background(), server, "OTHER_KEY") })
	if got, err := store.Get(context.Background(), server, "API_TOKEN"); err != nil || got != value {
		t.Fatalf("the keychain holds %q, %v", got, err)
	}
	callOK(t, h, api.SecretsList, api.SecretParams{Server: server}, &list)
	if diff := cmp.Diff([]api.SecretItem{{Key: "API_TOKEN", Set: true}, {Key: "OTHER_KEY", Set: true}}, list.Secrets); diff != "" {
		t.Fatalf("after set (-want +got):\n%s", diff)
	}
	h.running(t, server) // it starts now that its secret is there

	callOK(t, h, api.SecretsDelete, api.SecretParams{Server: server, Name: "OTHER_KEY"}, nil)
	callOK(t, h, api.SecretsList, api.SecretParams{Server: server}, &list)
	if diff := cmp.Diff([]api.SecretItem{{Key: "API_TOKEN", Set: true}, {Key: "OTHER_KEY", Set: false}}, list.Secrets); diff != "" {
		t.Fatalf("after delete (-want +got):\n%s", diff)
	}
	for _, f := range []string{h.home.ConfigFile()} {
		b, _ := os.ReadFile(f)
		if bytes.Contains(b, []byte(value)) {
			t.Errorf("%s holds the secret value", f)
		}
	}
	if strings.Contains(h.log.String(), value) {
		t.Error("the daemon's log holds the secret value")
	}
	for _, tc := range []struct {
		p    api.SecretParams
		want string
	}{
		{api.SecretParams{Server: server, Name: "bad name", Value: "v"}, `"bad name" cannot be a secret name`},
		{api.SecretParams{Server: server, Name: "API_TOKEN"}, "Type a value for API_TOKEN first."},
		{api.SecretParams{Server: "nope", Name: "API_TOKEN", Value: "v"}, `There is no server named "nope"`},
	} {
		if got := callFails(t, h, api.SecretsSet, tc.p); !strings.Contains(got, tc.want) {
			t.Errorf("secrets.set %s/%s: %q, want it to say %q", tc.p.Server, tc.p.Name, got, tc.want)
		}
	}
}

// Pausing ends the sessions already connected: the supervisor does not stop processes handed
// to clients, so without this a connected client's calls would still reach its server.
func TestPauseEndsConnectedSessions(t *testing.T) {
	h := startApp(t)
	h.add(t, "a", &config.Server{Command: fake})
	h.running(t, "a")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, r, err := h.client.Connect(ctx, "a", "test")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// The session is live once the server answers.
	conn.Write([]byte(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}` + "\n"))
	if _, err := r.ReadString('\n'); err != nil {
		t.Fatalf("no answer to initialize: %v", err)
	}
	callOK(t, h, api.Pause, api.PauseParams{Paused: true}, nil)
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		if _, err := r.ReadString('\n'); err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatal("the connected session was still open 10 s after pausing")
			}
			break // the daemon ended the session
		}
	}
}

// Every AI app's connection, to a server of its own or to a shared one, is told on the events
// stream as app_connected (the tray starts its window process ahead of a prompt).
func TestConnectionsAreToldAsAppConnected(t *testing.T) {
	h := startApp(t)
	h.add(t, "own", &config.Server{Command: fake})
	h.add(t, "shared", &config.Server{Command: fake, Mode: config.ModeShared})
	h.running(t, "own")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	notes := make(chan api.Note, 64)
	subscribed := make(chan struct{})
	var once sync.Once
	go h.client.Stream(ctx, api.Events.Name, nil, func(raw json.RawMessage) error {
		once.Do(func() { close(subscribed) }) // the snapshot's first event
		var ev api.Event
		if json.Unmarshal(raw, &ev) == nil && ev.Note != nil && ev.Note.Kind == api.NoteAppConnected {
			notes <- *ev.Note
		}
		return nil
	})
	<-subscribed
	for _, server := range []string{"own", "shared"} {
		conn, r, err := h.client.Connect(ctx, server, "test")
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.Write([]byte(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}` + "\n"))
		if _, err := r.ReadString('\n'); err != nil {
			t.Fatalf("%s: no answer to initialize: %v", server, err)
		}
		select {
		case n := <-notes:
			if n.Message != server {
				t.Errorf("app_connected for %q, want %q", n.Message, server)
			}
		case <-ctx.Done():
			t.Fatalf("no app_connected note for the connection to %s", server)
		}
	}
}
