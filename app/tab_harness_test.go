package app

import (
	"bufio"
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/daemon"
	"github.com/mcptray/mcptray/internal/testbin"
	"github.com/mcptray/mcptray/keychain"
	"github.com/mcptray/mcptray/supervisor"
)

// testBinary is the mcptray path the daemon writes into AI client files in these tests.
const testBinary = "/opt/mcptray/bin/mcptray"

// windowHarness is the GUI against the real daemon, in this process, with a temporary HOME
// (AI client files, start at login) and the in-memory keychain. The UI's goroutine hops
// queue onto the test goroutine, which runs them in until.
type windowHarness struct {
	t      *testing.T
	u      *UI
	fa     fyne.App
	home   config.Home
	dir    string
	env    clients.Env
	keys   keychain.Store
	client *control.Client
	fake   string // the fake MCP server program
	queue  chan func()
}

func newWindowHarness(t *testing.T) *windowHarness { return newWindowHarnessWith(t, true) }

func newWindowHarnessWith(t *testing.T, wait bool) *windowHarness {
	t.Helper()
	return newWindowHarnessKeys(t, wait, keychain.NewMemory(), nil)
}

// newWindowHarnessKeys is newWindowHarnessWith with the daemon's keychain given; before, when
// not nil, runs in the new HOME before the daemon starts (a config.json a person left).
func newWindowHarnessKeys(t *testing.T, wait bool, keys keychain.Store, before func(h *windowHarness)) *windowHarness {
	t.Helper()
	fake, err := testbin.FakeServer()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, ".config"))
	h := &windowHarness{t: t, dir: dir, home: config.Home(filepath.Join(dir, "mcptray")),
		env: clients.Env{GOOS: "linux", Home: dir}, keys: keys, fake: fake, queue: make(chan func(), 4096)}
	if before != nil {
		before(h)
	}
	d, err := daemon.New(daemon.Options{Home: h.home, Version: "test", Keys: h.keys, ClientEnv: h.env, Binary: testBinary,
		Log:    slog.New(slog.NewTextHandler(testLog{t}, nil)),
		Ladder: supervisor.Ladder{StdinGrace: 200 * time.Millisecond, TermGrace: 200 * time.Millisecond, KillGrace: 2 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	// The GUI runs in this process, as the window process does beside the tray: the daemon
	// takes approvals and permission changes from it as from the window the tray started.
	d.WindowStarted(os.Getpid())
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan struct{})
	go func() {
		if err := d.Run(ctx); err != nil && ctx.Err() == nil {
			t.Logf("the daemon stopped: %v", err)
		}
		close(ran)
	}()
	h.client = &control.Client{Path: h.home.SocketPath()}
	h.fa = test.NewTempApp(t)
	h.u = New(h.fa, Options{Client: h.client, Version: "test"})
	h.u.window() // the tests below use the main window
	h.u.do = func(f func()) { h.queue <- f }
	h.u.notify = func(*fyne.Notification) {}
	uctx, ucancel := context.WithCancel(context.Background())
	go followEvents(uctx, h.client, h.u.do, h.u)
	t.Cleanup(func() {
		ucancel()
		h.u.main.logs.cancel()
		if h.u.main.install != nil {
			h.u.main.install.cancel()
		}
		cancel()
		<-ran
		h.u.approvals.stopTicking()
		h.u.files.Wait() // the GUI's own file work (update settings, package queries) is in the test's HOME
	})
	if wait {
		h.until("the GUI is connected", func() bool { return h.u.m.connected })
	}
	return h
}

// until runs the UI's queued work on the test goroutine until ok holds, failing after 30 s.
func (h *windowHarness) until(what string, ok func() bool) {
	h.t.Helper()
	h.untilFor(30*time.Second, what, ok)
}

// untilFor is until with another deadline.
func (h *windowHarness) untilFor(d time.Duration, what string, ok func() bool) {
	h.t.Helper()
	deadline := time.After(d)
	for !ok() {
		select {
		case f := <-h.queue:
			f()
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			h.t.Fatalf("timed out waiting until %s", what)
		}
	}
}

// add puts a server in config.json, as a person or the CLI would.
func (h *windowHarness) add(name string, s *config.Server) {
	h.t.Helper()
	if err := h.home.Update(func(c *config.Config) error { c.Servers[name] = s; return nil }); err != nil {
		h.t.Fatal(err)
	}
}

func (h *windowHarness) config() *config.Config {
	h.t.Helper()
	c, err := h.home.Load()
	if err != nil {
		h.t.Fatal(err)
	}
	return c
}

// running waits until the GUI's model shows the server running.
func (h *windowHarness) running(name string) {
	h.t.Helper()
	h.until(name+" runs", func() bool { return h.u.m.servers[name].State == supervisor.Running })
}

// showsText reports whether a visible label or button under o has text containing s.
func showsText(o fyne.CanvasObject, s string) bool {
	for _, t := range texts(o) {
		if strings.Contains(t, s) {
			return true
		}
	}
	return false
}

// overlayButton finds a button by its text on the top overlay of the window (a dialog).
func overlayButton(w fyne.Window, text string) *widget.Button {
	top := w.Canvas().Overlays().Top()
	if top == nil {
		return nil
	}
	return findButton(top, text)
}

// mcpSession is an AI client talking to a server through MCP Tray's bridge protocol.
type mcpSession struct {
	t    *testing.T
	conn net.Conn
	r    *bufio.Reader
}

func (h *windowHarness) connect(server, client string) *mcpSession {
	h.t.Helper()
	conn, r, err := h.client.Connect(context.Background(), server, client)
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { conn.Close() })
	s := &mcpSession{t: h.t, conn: conn, r: r}
	s.roundTrip(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"` + client + `","version":"1"}}}`)
	s.send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	return s
}

func (s *mcpSession) send(line string) {
	s.t.Helper()
	if _, err := s.conn.Write([]byte(line + "\n")); err != nil {
		s.t.Fatal(err)
	}
}

// roundTrip sends a request and returns the response with the same id.
func (s *mcpSession) roundTrip(line string) json.RawMessage {
	s.t.Helper()
	var req struct {
		ID json.RawMessage `json:"id"`
	}
	json.Unmarshal([]byte(line), &req)
	s.send(line)
	s.conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	for {
		b, err := s.r.ReadBytes('\n')
		if err != nil {
			s.t.Fatalf("reading the answer to %s: %v", line, err)
		}
		var resp struct {
			ID json.RawMessage `json:"id"`
		}
		if json.Unmarshal(b, &resp) == nil && string(resp.ID) == string(req.ID) {
			return b
		}
	}
}

// findButton finds a visible button by its text under o.
func findButton(o fyne.CanvasObject, text string) *widget.Button {
	var found *widget.Button
	walkVisible(o, func(o fyne.CanvasObject) bool {
		if found != nil {
			return false
		}
		b, ok := o.(*widget.Button)
		if ok && b.Text == text {
			found = b
		}
		return !ok
	})
	return found
}

// toolRuleSelect is the rule select of a tool's row in the server details.
func toolRuleSelect(d *serverDetail, tool string) *widget.Select {
	for _, row := range d.tools.Objects {
		if !showsText(row, tool) {
			continue
		}
		var sel *widget.Select
		var walk func(o fyne.CanvasObject)
		walk = func(o fyne.CanvasObject) {
			switch x := o.(type) {
			case *widget.Select:
				sel = x
			case *fyne.Container:
				for _, c := range x.Objects {
					walk(c)
				}
			}
		}
		walk(row)
		return sel
	}
	return nil
}

// testLog sends the daemon's log to the test's log.
type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
