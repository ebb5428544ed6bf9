package app

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/policy"
	"github.com/mcptray/mcptray/socket"
)

// harness is the GUI against a real control server on a real socket, whose approval methods
// are backed by a real policy.Broker, as in the daemon. It drives either the window process's
// UI (newHarness) or the tray (newTrayHarness). Their goroutine hops (do) queue onto the test
// goroutine, which runs them in until: Fyne's test driver has no main loop.
type harness struct {
	t      *testing.T
	u      *UI   // the window process's GUI; nil in a tray harness
	tr     *Tray // the tray; nil in a UI harness
	broker *policy.Broker
	queue  chan func()
	now    time.Time // the GUI's clock
	client *control.Client
	ctx    context.Context

	mu       sync.Mutex
	calls    []string           // methods called, with their params
	kube     json.RawMessage    // what kube.contexts answers; nil: unknown method
	needsYes bool               // kube.use refuses without "yes", as for a production context
	pending  *api.PendingResult // what config.pending answers; nil: unknown method (an older daemon)
	notes    []*fyne.Notification
	events   chan api.Event // more events the stream sends
	drop     chan struct{}  // ends the current events stream, as a daemon restart does
}

// newHarness starts the control server and the window process's GUI; kube is what
// kube.contexts answers (nil: the method is unknown, as in a daemon without Kubernetes support).
func newHarness(t *testing.T, kube json.RawMessage) *harness {
	t.Helper()
	return newHarnessWith(t, kube, policy.NewBroker(policy.BrokerOptions{Timeout: time.Minute}))
}

// newHarnessWith is newHarness with the daemon's broker given.
func newHarnessWith(t *testing.T, kube json.RawMessage, broker *policy.Broker) *harness {
	t.Helper()
	h := startHarness(t, kube, broker)
	fa := test.NewTempApp(t)
	h.u = New(fa, Options{Client: h.client, Version: "test"})
	h.u.do = func(f func()) { h.queue <- f }
	h.u.now = func() time.Time { return h.now }
	h.u.notify = func(n *fyne.Notification) { h.mu.Lock(); h.notes = append(h.notes, n); h.mu.Unlock() }
	h.u.notices.open = nil // Fyne's notifications, recorded above; notify_approvals_test.go uses a real service
	go followEvents(h.ctx, h.client, h.u.do, h.u)
	t.Cleanup(func() { h.u.approvals.stopTicking(); h.u.files.Wait() })
	h.until("the GUI is connected", func() bool { return h.u.m.connected })
	return h
}

// newTrayHarness starts the control server and the tray, drawing on a recording tray host and
// sending its window commands to a recorder.
func newTrayHarness(t *testing.T, kube json.RawMessage) *harness {
	t.Helper()
	h := startHarness(t, kube, policy.NewBroker(policy.BrokerOptions{Timeout: time.Minute}))
	h.tr = &Tray{opts: TrayOptions{Client: h.client, Log: slog.New(slog.NewTextHandler(testLog{t}, nil))}, m: newModel(), host: &recordingHost{},
		windows: &recordingWindows{}, done: make(chan struct{})}
	h.tr.do = func(f func()) { h.queue <- f }
	h.tr.now = func() time.Time { return h.now }
	go followEvents(h.ctx, h.client, h.tr.do, h.tr)
	h.until("the tray is connected", func() bool { return h.tr.m.connected })
	return h
}

// startHarness serves the daemon's routes on a socket until the test ends.
func startHarness(t *testing.T, kube json.RawMessage, broker *policy.Broker) *harness {
	t.Helper()
	h := &harness{t: t, queue: make(chan func(), 1024), events: make(chan api.Event, 64), drop: make(chan struct{}),
		broker: broker, kube: kube, now: time.Now()}
	path := filepath.Join(t.TempDir(), "s")
	l, err := socket.Listen(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	h.client = &control.Client{Path: path}
	srv := control.NewServer(nil)
	h.routes(srv)
	ctx, cancel := context.WithCancel(context.Background())
	h.ctx = ctx
	served := make(chan struct{})
	go func() { srv.Serve(ctx, plainListener{l}); close(served) }()
	t.Cleanup(func() {
		cancel()
		<-served
	})
	return h
}

// recordingHost is a tray host that keeps what the tray last drew.
type recordingHost struct {
	menu  *fyne.Menu
	icon  trayState
	draws int
}

func (r *recordingHost) run(ready func(), done <-chan struct{}) { ready(); <-done }
func (r *recordingHost) setMenu(m *fyne.Menu)                   { r.menu = m; r.draws++ }
func (r *recordingHost) setIcon(s trayState)                    { r.icon = s }

// recordingWindows stands for the window process (the real one, internal/childproc, is
// tested with real processes there and in test/gui): it keeps the commands the tray sent.
type recordingWindows struct {
	sent []command
	up   bool
}

func (r *recordingWindows) Send(c any) error {
	r.up = true
	r.sent = append(r.sent, c.(command))
	return nil
}
func (r *recordingWindows) Running() bool { return r.up }
func (r *recordingWindows) Idle(seq int) {
	if seq == len(r.sent) {
		r.up = false
	}
}
func (r *recordingWindows) Stop() { r.up = false }

// commands lists the tray's window commands so far.
func (h *harness) commands() []command { return h.tr.windows.(*recordingWindows).sent }

func (h *harness) record(method string, raw json.RawMessage) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.calls = append(h.calls, method+" "+string(raw))
}

// routes are the daemon's approval routes (daemon/policy.go) over h.broker, its events
// stream, and recorders for the tray's methods.
func (h *harness) routes(s *control.Server) {
	s.HandleStream(api.Events.Name, func(ctx context.Context, _ json.RawMessage, send func(any) error) error {
		snap, ch, cancel := h.broker.Subscribe()
		defer cancel()
		send(api.Event{Note: &api.Note{Kind: "config_ok"}})
		for _, a := range snap {
			send(api.Event{Approval: &policy.Event{Kind: policy.ApprovalAdded, Approval: a}})
		}
		for {
			var err error
			select {
			case <-ctx.Done():
				return nil
			case <-h.drop:
				return errors.New("the daemon went away")
			case ev := <-h.events:
				err = send(ev)
			case ev, ok := <-ch:
				if !ok {
					return errors.New("events fell behind")
				}
				err = send(api.Event{Approval: &ev})
			}
			if err != nil {
				return err
			}
		}
	})
	answers := map[string]policy.Answer{"": policy.AllowOnce, "once": policy.AllowOnce, "session": policy.AllowSession, "always": policy.AlwaysAllow}
	s.Handle(api.Approve.Name, func(ctx context.Context, raw json.RawMessage) (any, error) {
		h.record(api.Approve.Name, raw)
		var p api.ApproveParams
		json.Unmarshal(raw, &p)
		return nil, approvalErr(h.broker.Answer(p.ID, answers[p.Answer]))
	})
	s.Handle(api.Deny.Name, func(ctx context.Context, raw json.RawMessage) (any, error) {
		h.record(api.Deny.Name, raw)
		var p api.ApproveParams
		json.Unmarshal(raw, &p)
		return nil, approvalErr(h.broker.Answer(p.ID, policy.Deny))
	})
	s.Handle(api.Pause.Name, func(ctx context.Context, raw json.RawMessage) (any, error) {
		h.record(api.Pause.Name, raw)
		return nil, nil
	})
	s.Handle(api.KubeUse.Name, func(ctx context.Context, raw json.RawMessage) (any, error) {
		h.record(api.KubeUse.Name, raw)
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.needsYes && !strings.Contains(string(raw), `"yes":true`) {
			return nil, &control.Error{Code: api.Code(api.ErrNeedsConfirmation), Message: "This context is production: confirm the switch."}
		}
		return nil, nil
	})
	s.Handle(api.ConfigPending.Name, func(ctx context.Context, raw json.RawMessage) (any, error) {
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.pending == nil {
			return nil, &control.Error{Code: control.CodeBadRequest, Message: `MCP Tray does not know the request "config.pending"; the running app may be older than this command — restart MCP Tray.`}
		}
		return *h.pending, nil
	})
	for _, m := range []string{api.ConfigConfirm.Name, api.ConfigDiscard.Name} {
		s.Handle(m, func(ctx context.Context, raw json.RawMessage) (any, error) {
			h.record(m, raw)
			h.mu.Lock()
			defer h.mu.Unlock()
			if m == api.ConfigConfirm.Name && !strings.Contains(string(raw), `"fingerprint":"`+h.pending.Fingerprint+`"`) {
				return nil, &control.Error{Code: control.CodeBadRequest, Message: "The settings changed again; review them once more."}
			}
			h.pending = &api.PendingResult{}
			return nil, nil
		})
	}
	s.Handle(api.KubeContexts.Name, func(ctx context.Context, raw json.RawMessage) (any, error) {
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.kube == nil {
			return nil, &control.Error{Code: control.CodeBadRequest, Message: "unknown method"}
		}
		return h.kube, nil
	})
}

// plainListener hands the control server its connections as plain net.Conns, so it reads
// requests without the file-descriptor passing only `mcptray connect` needs. (The fd-passing
// reader panics when a connection closes before its first line; see the report on
// control/fds_unix.go. The GUI never passes descriptors.)
type plainListener struct{ net.Listener }

func (l plainListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return struct{ net.Conn }{c}, nil
}

// approvalErr gives "no such approval" the daemon's code, as daemon/policy.go does.
func approvalErr(err error) error {
	if errors.Is(err, policy.ErrUnknownApproval) {
		return &control.Error{Code: control.CodeNotFound, Message: err.Error()}
	}
	return err
}

// until runs the UI's queued work on the test goroutine until ok holds, failing after 10 s.
func (h *harness) until(what string, ok func() bool) {
	h.t.Helper()
	deadline := time.After(10 * time.Second)
	poll := time.NewTicker(5 * time.Millisecond) // ok may wait on something besides the queue
	defer poll.Stop()
	for !ok() {
		select {
		case f := <-h.queue:
			f()
		case <-poll.C:
		case <-deadline:
			h.t.Fatalf("timed out waiting until %s (the GUI called %q; %d calls held)", what, h.called(), len(h.broker.Pending()))
		}
	}
}

// ask holds a call in the broker, as the gateway does, and returns its decision's channel.
func (h *harness) ask(c policy.Call, v policy.Verdict) <-chan policy.Decision {
	ch := make(chan policy.Decision, 1)
	go func() {
		d, err := h.broker.Ask(context.Background(), policy.Request{Call: c, Verdict: v})
		if err != nil {
			h.t.Error(err)
		}
		ch <- d
	}()
	return ch
}

// decided waits for a held call's decision while running the UI's work.
func (h *harness) decided(ch <-chan policy.Decision) policy.Decision {
	h.t.Helper()
	var d policy.Decision
	got := false
	h.until("the call is decided", func() bool {
		select {
		case d = <-ch:
			got = true
		default:
		}
		return got
	})
	return d
}

// called returns the methods the GUI called so far.
func (h *harness) called() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.calls...)
}

// walkVisible calls visit with o and, depth first, every visible object inside it as the
// window shows it: a container's objects, a widget's rendered objects. Where visit returns
// false, what is inside that object is not visited.
func walkVisible(o fyne.CanvasObject, visit func(fyne.CanvasObject) bool) {
	if o == nil || !o.Visible() || !visit(o) {
		return
	}
	switch w := o.(type) {
	case *fyne.Container:
		for _, c := range w.Objects {
			walkVisible(c, visit)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(w).Objects() {
			walkVisible(c, visit)
		}
	}
}

// texts lists the text of every visible label, rich text and button under o, in order.
func texts(o fyne.CanvasObject) []string {
	var out []string
	walkVisible(o, func(o fyne.CanvasObject) bool {
		switch w := o.(type) {
		case *widget.Label:
			if w.Text != "" {
				out = append(out, w.Text)
			}
		case *widget.RichText:
			out = append(out, w.String())
		case *promptButton:
			out = append(out, "["+w.Text+"]")
		case *widget.Button:
			out = append(out, "["+w.Text+"]")
		default:
			return true
		}
		return false
	})
	return out
}
