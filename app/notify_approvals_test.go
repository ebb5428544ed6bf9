//go:build linux

package app

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/notify"
	"github.com/mcptray/mcptray/policy"
)

// A held call is posted as a desktop notification with Allow once and Deny; "Deny" clicked in
// the notification's first second does nothing, "Allow once" at 1.2 s answers the call as the
// prompt's button would and the notification is withdrawn; and a call answered from the prompt has its notification
// withdrawn. Against the real notification service dunst on a private display and bus; the
// click is dunst's own (docs/notifications.md, "How a click is made").
func TestApprovalFromTheNotification(t *testing.T) {
	s := startDunst(t)
	h := newHarness(t, nil)
	clock := &noticeClock{t: time.Date(2026, 12, 5, 1, 0, 0, 0, time.UTC)}
	h.u.notices.open = func() (notify.Notifier, error) {
		return notify.OpenDesktop(notify.Options{BusAddress: s.bus, Now: clock.now})
	}

	first := h.ask(writeCall("write_file", "/home/me/a.txt"), writeVerdict)
	h.shown(1)
	posted := s.nextNotify(t, h)
	if !slices.Equal(posted.actions, []string{"allow", "Allow once", "deny", "Deny"}) ||
		!strings.Contains(posted.body, "Claude Desktop wants to use the tool “write_file”") {
		t.Fatalf("the held call was posted as %+v; want its headline with Allow once and Deny", posted)
	}
	s.waitShown(t, h, 1)

	clock.advance(300 * time.Millisecond) // a click meant for something else
	s.click(t, h, "deny")
	reposted := s.nextNotify(t, h) // notify shows it again, its guard starting over
	clock.advance(1200 * time.Millisecond)
	s.click(t, h, "allow")
	if d := h.decided(first); d.Answer != policy.AllowOnce {
		t.Fatalf("the call was decided %+v after Allow once in its notification", d)
	}
	if got := h.called(); len(got) != 1 || !strings.HasPrefix(got[0], api.Approve.Name+" ") {
		t.Fatalf("the GUI called %q; want one approval (the Deny at 0.3 s must do nothing)", got)
	}
	s.withdrawn(t, h, reposted.id)

	// Answered from the prompt: its notification goes.
	second := h.ask(writeCall("write_file", "/home/me/b.txt"), writeVerdict)
	h.shown(1)
	again := s.nextNotify(t, h)
	s.waitShown(t, h, 1)
	h.ready()
	h.u.approvals.tapped("deny")
	if d := h.decided(second); d.Answer != policy.Deny {
		t.Fatalf("the call was decided %+v after Deny in the prompt", d)
	}
	s.withdrawn(t, h, again.id)
}

// An informational notice (a tray note, "still running") expires by itself, is transient,
// and a second one about the same subject replaces the first instead of stacking.
func TestInfoNoticesExpireAndReplace(t *testing.T) {
	s := startDunst(t)
	h := newHarness(t, nil)
	h.u.notices.open = func() (notify.Notifier, error) { return notify.OpenDesktop(notify.Options{BusAddress: s.bus}) }
	h.u.command(1, command{Notify: &notice{Title: "Kubernetes context switched", Body: "files now uses kind-dev."}})
	first := s.nextNotify(t, h)
	h.u.command(2, command{Notify: &notice{Title: "Kubernetes context switched", Body: "files now uses kind-prod."}})
	second := s.nextNotify(t, h)
	if first.expire <= 0 || first.hints["transient"].Value() != true || len(first.actions) != 0 {
		t.Errorf("an informational notice was posted as %+v; want one that expires, transient, without buttons", first)
	}
	if second.replaces != first.id || second.id != first.id {
		t.Errorf("the second notice replaced %d and got %d; want both %d", second.replaces, second.id, first.id)
	}
	s.waitShown(t, h, 1)
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.notes) != 0 {
		t.Errorf("Fyne's notifications were used too: %d", len(h.notes))
	}
}

// noticeClock is the notifier's clock (its one-second guard), moved by the test.
type noticeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *noticeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *noticeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// dunstService is the notification service dunst on a private X display and session bus,
// with a bus monitor. (notify's own tests start it the same way; their helpers are not
// exported from a test file.)
type dunstService struct {
	bus  string
	dir  string
	ctl  *dbus.Conn
	msgs chan *dbus.Message
}

const (
	fdoName  = "org.freedesktop.Notifications"
	fdoPath  = dbus.ObjectPath("/org/freedesktop/Notifications")
	fdoIface = "org.freedesktop.Notifications"
)

// startDunst starts Xvfb, a dbus-daemon and dunst, each ending with the test.
func startDunst(t *testing.T) *dunstService {
	t.Helper()
	for _, tool := range []string{"Xvfb", "dbus-daemon", "dunst"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("this test needs %s: run scripts/deps.sh test", tool)
		}
	}
	s := &dunstService{dir: t.TempDir()}
	start := func(c *exec.Cmd) {
		c.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		if err := c.Start(); err != nil {
			t.Fatalf("starting %s: %v", c.Path, err)
		}
		t.Cleanup(func() { c.Process.Kill(); c.Wait() })
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1024x768x24", "-nolisten", "tcp", "-noreset")
	x.ExtraFiles = []*os.File{w}
	start(x)
	w.Close()
	display := firstLine(t, r, "Xvfb's display")
	b := exec.Command("dbus-daemon", "--session", "--nofork", "--print-address=1")
	out, err := b.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	start(b)
	s.bus = firstLine(t, out, "the bus address")
	if s.ctl, err = dbus.Connect(s.bus); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.ctl.Close() })
	mon, err := dbus.Connect(s.bus)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mon.Eavesdrop(nil); mon.Close() })
	rules := []string{"type='method_call',interface='" + fdoIface + "'", "type='method_return'",
		"type='signal',interface='" + fdoIface + "'", "type='signal',member='NameOwnerChanged'"}
	if err := mon.BusObject().Call("org.freedesktop.DBus.Monitoring.BecomeMonitor", 0, rules, uint32(0)).Err; err != nil {
		t.Fatalf("becoming a bus monitor: %v", err)
	}
	s.msgs = make(chan *dbus.Message, 4096)
	mon.Eavesdrop(s.msgs)

	// dunst's menu program picks the button the test names in dir/pick.
	menu := filepath.Join(s.dir, "menu")
	script := fmt.Sprintf("#!/bin/sh\ngrep -m1 \",$(cat %[1]s/pick)]\"\n", s.dir)
	rc := filepath.Join(s.dir, "dunstrc")
	if err := os.WriteFile(menu, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(rc, []byte("[global]\n    dmenu = "+menu+"\n    markup = full\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dn := exec.Command("dunst", "-config", rc)
	dn.Env = append(os.Environ(), "DISPLAY=:"+display, "DBUS_SESSION_BUS_ADDRESS="+s.bus, "HOME="+s.dir,
		"XDG_CONFIG_HOME="+s.dir, "WAYLAND_DISPLAY=")
	start(dn)
	s.next(t, nil, "dunst to take "+fdoName, func(m *dbus.Message) bool {
		return dbusMember(m) == "NameOwnerChanged" && len(m.Body) == 3 && m.Body[0] == fdoName && m.Body[2] != ""
	})
	return s
}

// next returns the first bus message from now on that matches, running the GUI's work (h,
// when not nil) meanwhile.
func (s *dunstService) next(t *testing.T, h *harness, what string, match func(*dbus.Message) bool) *dbus.Message {
	t.Helper()
	var got *dbus.Message
	found := func() bool {
		for {
			select {
			case m := <-s.msgs:
				if match(m) {
					got = m
					return true
				}
			default:
				return false
			}
		}
	}
	if h != nil {
		h.until(what, found)
		return got
	}
	deadline := time.After(15 * time.Second)
	for {
		select {
		case m := <-s.msgs:
			if match(m) {
				return m
			}
		case <-deadline:
			t.Fatalf("waited 15 s for %s", what)
		}
	}
}

// postedNotice is a Notify call as dunst received it, with the id it answered.
type postedNotice struct {
	title, body string
	actions     []string
	id          uint32
	replaces    uint32
	hints       map[string]dbus.Variant
	expire      int32
}

// nextNotify waits for the GUI's next Notify call and dunst's answer.
func (s *dunstService) nextNotify(t *testing.T, h *harness) postedNotice {
	t.Helper()
	m := s.next(t, h, "a Notify call", func(m *dbus.Message) bool {
		return m.Type == dbus.TypeMethodCall && dbusMember(m) == "Notify"
	})
	var p postedNotice
	var app, icon string
	if err := dbus.Store(m.Body, &app, &p.replaces, &icon, &p.title, &p.body, &p.actions, &p.hints, &p.expire); err != nil {
		t.Fatalf("reading a Notify call: %v", err)
	}
	r := s.next(t, h, "dunst's answer to Notify", func(r *dbus.Message) bool {
		serial, _ := r.Headers[dbus.FieldReplySerial].Value().(uint32)
		return r.Type == dbus.TypeMethodReply && serial == m.Serial()
	})
	if err := dbus.Store(r.Body, &p.id); err != nil {
		t.Fatalf("reading Notify's answer: %v", err)
	}
	return p
}

// withdrawn waits until dunst says notification id closed because MCP Tray closed it
// (reason 3) and shows nothing.
func (s *dunstService) withdrawn(t *testing.T, h *harness, id uint32) {
	t.Helper()
	s.next(t, h, fmt.Sprintf("NotificationClosed(%d, 3)", id), func(m *dbus.Message) bool {
		var got, reason uint32
		return m.Type == dbus.TypeSignal && dbusMember(m) == "NotificationClosed" &&
			dbus.Store(m.Body, &got, &reason) == nil && got == id && notify.CloseReason(reason) == notify.Withdrawn
	})
	s.waitShown(t, h, 0)
}

// waitShown waits until dunst shows exactly n notifications and holds none back.
func (s *dunstService) waitShown(t *testing.T, h *harness, n uint32) {
	t.Helper()
	h.until(fmt.Sprintf("dunst shows %d notifications", n), func() bool {
		shown, waiting := s.property(t, "displayedLength"), s.property(t, "waitingLength")
		return shown == n && waiting == 0
	})
}

func (s *dunstService) property(t *testing.T, name string) uint32 {
	t.Helper()
	v, err := s.ctl.Object(fdoName, fdoPath).GetProperty("org.dunstproject.cmd0." + name)
	if err != nil {
		t.Fatalf("reading dunst's %s: %v", name, err)
	}
	return v.Value().(uint32)
}

// click clicks the button key on the notification dunst shows, as a person would: dunst's
// NotificationAction runs its click code, which asks the menu program which button.
func (s *dunstService) click(t *testing.T, h *harness, key string) {
	t.Helper()
	s.waitShown(t, h, 1)
	if err := os.WriteFile(filepath.Join(s.dir, "pick"), []byte(key), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.ctl.Object(fdoName, fdoPath).Call("org.dunstproject.cmd0.NotificationAction", 0, uint32(0)).Err; err != nil {
		t.Fatalf("asking dunst to click %s: %v", key, err)
	}
	s.next(t, h, "dunst's ActionInvoked", func(m *dbus.Message) bool {
		return m.Type == dbus.TypeSignal && dbusMember(m) == "ActionInvoked"
	})
}

func dbusMember(m *dbus.Message) string {
	v, _ := m.Headers[dbus.FieldMember].Value().(string)
	return v
}

// firstLine reads a helper's first line of output, failing after 15 s.
func firstLine(t *testing.T, r interface{ Read([]byte) (int, error) }, what string) string {
	t.Helper()
	ch := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		ch <- strings.TrimSpace(line)
	}()
	select {
	case line := <-ch:
		if line == "" {
			t.Fatalf("no %s", what)
		}
		return line
	case <-time.After(15 * time.Second):
		t.Fatalf("waited 15 s for %s", what)
	}
	return ""
}
