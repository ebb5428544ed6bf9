package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/internal/testbin"
	"github.com/mcptray/mcptray/supervisor"
)

var fake string

func TestMain(m *testing.M) {
	var err error
	if fake, err = testbin.FakeServer(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	testbin.Cleanup()
	os.Exit(code)
}

type harness struct {
	home   config.Home
	client *control.Client
	done   chan error
	cancel context.CancelFunc
}

func start(t *testing.T) *harness {
	t.Helper()
	home := config.Home(filepath.Join(t.TempDir(), "home"))
	d, err := New(Options{Home: home, Version: "test",
		Ladder:  supervisor.Ladder{StdinGrace: 200 * time.Millisecond, TermGrace: 200 * time.Millisecond, KillGrace: 2 * time.Second},
		Backoff: supervisor.BackoffPolicy{Initial: 20 * time.Millisecond, Max: 100 * time.Millisecond, Window: time.Minute, MaxFailures: 5}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &harness{home: home, client: &control.Client{Path: home.SocketPath()}, done: make(chan error, 1), cancel: cancel}
	go func() { h.done <- d.Run(ctx) }()
	t.Cleanup(func() { h.stopQuiet(t) })
	return h
}

func (h *harness) stop() {
	h.cancel()
	<-h.done
	h.done <- nil // later stops return at once
}

// stopQuiet stops the daemon, then checks Run's promise that nothing of it still runs: no
// file in the home changes once Run has returned (a shared hub's last handshake wrote
// pins.json after it, and the test's temporary folder could not be removed).
func (h *harness) stopQuiet(t *testing.T) {
	h.stop()
	before := homeFiles(string(h.home))
	time.Sleep(200 * time.Millisecond)
	for path, was := range homeFiles(string(h.home)) {
		if before[path] != was {
			t.Errorf("%s changed after the daemon's Run returned", path)
		}
	}
}

// homeFiles maps every file under root to its size and modification time.
func homeFiles(root string) map[string]string {
	files := map[string]string{}
	filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if fi, ierr := e.Info(); err == nil && ierr == nil && !e.IsDir() {
			files[path] = fi.ModTime().String() + " " + strconv.FormatInt(fi.Size(), 10)
		}
		return nil
	})
	return files
}

func (h *harness) add(t *testing.T, name string, s *config.Server) {
	t.Helper()
	if err := h.home.Update(func(c *config.Config) error { c.Servers[name] = s; return nil }); err != nil {
		t.Fatal(err)
	}
}

// waitFor polls the status API until ok holds.
func (h *harness) waitFor(t *testing.T, what string, ok func(api.StatusResult) bool) api.StatusResult {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var st api.StatusResult
		err := callInto(context.Background(), h.client, api.Status, api.None{}, &st)
		if err == nil && ok(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; last status %+v (err %v)", what, st, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func find(st api.StatusResult, name string) (supervisor.Status, bool) {
	for _, s := range st.Servers {
		if s.Name == name {
			return s, true
		}
	}
	return supervisor.Status{}, false
}

func TestReconcilesConfigChanges(t *testing.T) {
	h := start(t)
	h.add(t, "a", &config.Server{Command: fake})
	h.add(t, "b", &config.Server{Command: fake})
	st := h.waitFor(t, "a and b running", func(st api.StatusResult) bool {
		a, _ := find(st, "a")
		b, _ := find(st, "b")
		return a.State == supervisor.Running && b.State == supervisor.Running
	})
	a, _ := find(st, "a")
	b, _ := find(st, "b")

	// Change b, remove nothing: only b restarts.
	h.add(t, "b", &config.Server{Command: fake, Args: []string{"-hello", "x"}})
	st = h.waitFor(t, "b restarted", func(st api.StatusResult) bool {
		b2, _ := find(st, "b")
		return b2.State == supervisor.Running && b2.Pid != b.Pid
	})
	if a2, _ := find(st, "a"); a2.Pid != a.Pid {
		t.Fatalf("a restarted although unchanged (%d → %d)", a.Pid, a2.Pid)
	}
	// Disable a: it stops and shows as disabled.
	h.home.Update(func(c *config.Config) error { c.Servers["a"].Disabled = true; return nil })
	h.waitFor(t, "a disabled", func(st api.StatusResult) bool { s, _ := find(st, "a"); return s.State == supervisor.Disabled })
	if testbin.Alive(a.Pid) {
		t.Fatal("disabled server still running")
	}
	// Remove b: it disappears and its process ends.
	h.home.Update(func(c *config.Config) error { delete(c.Servers, "b"); return nil })
	h.waitFor(t, "b removed", func(st api.StatusResult) bool { _, ok := find(st, "b"); return !ok })
}

func TestBrokenConfigKeepsLastGoodAndIsReported(t *testing.T) {
	h := start(t)
	h.add(t, "a", &config.Server{Command: fake})
	st := h.waitFor(t, "a running", func(st api.StatusResult) bool { s, _ := find(st, "a"); return s.State == supervisor.Running })
	a, _ := find(st, "a")
	broken := []byte("{\n  \"servers\": {\n    \"a\": {\"command\": \n  }\n}\n")
	os.WriteFile(h.home.ConfigFile(), broken, 0o600)
	st = h.waitFor(t, "config error reported", func(st api.StatusResult) bool { return st.ConfigError != "" })
	if !strings.Contains(st.ConfigError, "line 4") {
		t.Errorf("config error %q does not name the line", st.ConfigError)
	}
	if s, _ := find(st, "a"); s.Pid != a.Pid || s.State != supervisor.Running {
		t.Errorf("a broken config.json disturbed a running server: %+v", s)
	}
	if got, _ := os.ReadFile(h.home.ConfigFile()); string(got) != string(broken) {
		t.Error("the daemon rewrote a broken config.json")
	}
}

func TestControlErrorsAreSentences(t *testing.T) {
	h := start(t)
	_, err := api.Call(context.Background(), h.client, api.Restart, api.NameParams{Name: "nope"})
	if !errors.Is(err, api.ErrNotFound) || !strings.Contains(err.Error(), `There is no server named "nope"`) {
		t.Fatalf("restart of unknown server: %v; want api.ErrNotFound and the sentence", err)
	}
	newer := api.Method[api.None, api.None]{Name: "no-such-method"} // as a newer command line might send
	if _, err = api.Call(context.Background(), h.client, newer, api.None{}); !errors.Is(err, api.ErrUnknownMethod) {
		t.Fatalf("unknown method: %v", err)
	}
}

func TestEventsStreamSnapshotThenChanges(t *testing.T) {
	h := start(t)
	h.add(t, "a", &config.Server{Command: fake})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sawRunning := false
	err := h.client.Stream(ctx, api.Events.Name, nil, func(raw json.RawMessage) error {
		var ev api.Event
		json.Unmarshal(raw, &ev)
		if ev.Server != nil && ev.Server.Name == "a" && ev.Server.State == supervisor.Running {
			sawRunning = true
			return errStop
		}
		return nil
	})
	if err != errStop || !sawRunning {
		t.Fatalf("events stream: %v (saw running: %v)", err, sawRunning)
	}
}

var errStop = fmt.Errorf("stop")

func TestSecondDaemonRefused(t *testing.T) {
	h := start(t)
	if _, err := New(Options{Home: h.home}); err != ErrAlreadyRunning {
		t.Fatalf("second daemon: %v, want ErrAlreadyRunning", err)
	}
}

func TestShutdownStopsEverything(t *testing.T) {
	h := start(t)
	h.add(t, "a", &config.Server{Command: fake, Args: []string{"-ignore-term"}})
	h.add(t, "b", &config.Server{Command: fake})
	st := h.waitFor(t, "both running", func(st api.StatusResult) bool {
		a, _ := find(st, "a")
		b, _ := find(st, "b")
		return a.State == supervisor.Running && b.State == supervisor.Running
	})
	h.stop()
	for _, s := range st.Servers {
		if testbin.Alive(s.Pid) {
			t.Errorf("%s (pid %d) alive after shutdown", s.Name, s.Pid)
		}
	}
	if _, err := os.Stat(h.home.SocketPath()); !os.IsNotExist(err) {
		t.Errorf("socket left behind after shutdown: %v", err)
	}
}

// When serving fails on its own (the listener closed, no more descriptors), Run still stops
// everything and returns: it does not wait for a context nobody will end (review: it waited
// for the file watchers, which end with the context).
func TestRunReturnsWhenServingFails(t *testing.T) {
	home := config.Home(filepath.Join(t.TempDir(), "home"))
	d, err := New(Options{Home: home, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	d.listener.Close()
	done := make(chan error, 1)
	go func() { done <- d.Run(context.Background()) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return within 10 s after serving failed")
	}
}
