package notify

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// The tests run a real notification service, dunst, on a private X display (Xvfb) and a
// private session bus, and check what reaches it through D-Bus: the calls MCP Tray makes and
// the signals the service sends, seen by a bus monitor, and dunst's own counts of what it
// shows. A click is made by dunst itself: its control interface's NotificationAction runs the
// same code as a click on the notification (do_action), which, for a notification with two
// buttons, asks its menu program which one; the menu program here is a script that picks
// the button the test names. So the ActionInvoked signal comes from the service, addressed
// to MCP Tray's connection, as after a person's click, without the test emitting it.
// (Driving the pointer with xdotool would reach the same code and add only the geometry of
// where dunst draws.)

// startTimeout bounds each wait for a helper process or a message; a wait that runs out is a
// failure, never a measurement.
const startTimeout = 15 * time.Second

// needTools fails the test with one sentence naming what to install.
func needTools(t *testing.T) {
	t.Helper()
	var missing []string
	for _, tl := range [][2]string{{"Xvfb", "xvfb"}, {"dbus-daemon", "dbus"}, {"dunst", "dunst"}} {
		if _, err := exec.LookPath(tl[0]); err != nil {
			missing = append(missing, tl[1])
		}
	}
	if len(missing) > 0 {
		t.Fatalf("the notification tests need %s: run `sudo apt-get install -y %s` (or `scripts/deps.sh test`)",
			strings.Join(missing, ", "), strings.Join(missing, " "))
	}
}

// service is dunst on a private display and bus, with a monitor on the bus.
type service struct {
	bus  string     // the bus address
	dir  string     // holds the menu script's pick
	ctl  *dbus.Conn // an ordinary connection, for dunst's control interface
	msgs chan *dbus.Message
}

func startService(t *testing.T) *service {
	t.Helper()
	needTools(t)
	s := &service{dir: t.TempDir()}

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1024x768x24", "-nolisten", "tcp", "-noreset")
	x.ExtraFiles = []*os.File{w}
	x.SysProcAttr = diesWithTest()
	if err := x.Start(); err != nil {
		t.Fatalf("starting Xvfb: %v", err)
	}
	w.Close()
	t.Cleanup(func() { x.Process.Kill(); x.Wait() })
	num, err := readLine(r)
	r.Close()
	if err != nil {
		t.Fatalf("Xvfb did not say which display it took: %v", err)
	}

	b := exec.Command("dbus-daemon", "--session", "--nofork", "--print-address=1")
	b.SysProcAttr = diesWithTest()
	out, err := b.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Start(); err != nil {
		t.Fatalf("starting dbus-daemon: %v", err)
	}
	t.Cleanup(func() { b.Process.Kill(); b.Wait() })
	if s.bus, err = readLine(out); err != nil {
		t.Fatalf("dbus-daemon did not print its address: %v", err)
	}

	if s.ctl, err = dbus.Connect(s.bus); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.ctl.Close() })
	s.startMonitor(t)

	menu := filepath.Join(s.dir, "menu")
	script := fmt.Sprintf("#!/bin/sh\n# dunst's menu program: pick the button named in %[1]s/pick.\ngrep -m1 \",$(cat %[1]s/pick)]\"\n", s.dir)
	if err := os.WriteFile(menu, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	rc := filepath.Join(s.dir, "dunstrc")
	conf := fmt.Sprintf("[global]\n    dmenu = %s\n    markup = full\n", menu)
	if err := os.WriteFile(rc, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	dn := exec.Command("dunst", "-config", rc)
	dn.Env = append(os.Environ(), "DISPLAY=:"+num, "DBUS_SESSION_BUS_ADDRESS="+s.bus, "HOME="+s.dir,
		"XDG_CONFIG_HOME="+s.dir, "WAYLAND_DISPLAY=")
	var logs strings.Builder
	dn.Stdout, dn.Stderr = &logs, &logs
	dn.SysProcAttr = diesWithTest()
	t.Cleanup(func() { // runs after dunst has ended (cleanups run last first)
		if t.Failed() {
			t.Logf("dunst said:\n%s", logs.String())
		}
	})
	if err := dn.Start(); err != nil {
		t.Fatalf("starting dunst: %v", err)
	}
	t.Cleanup(func() { dn.Process.Kill(); dn.Wait() })
	s.next(t, "dunst to take "+busName, func(m *dbus.Message) bool {
		return member(m) == "NameOwnerChanged" && len(m.Body) == 3 && m.Body[0] == busName && m.Body[2] != ""
	})
	return s
}

// startMonitor makes a connection that sees every message about notifications on the bus
// (calls, their answers, and signals, also those sent to one connection only).
func (s *service) startMonitor(t *testing.T) {
	t.Helper()
	mon, err := dbus.Connect(s.bus)
	if err != nil {
		t.Fatal(err)
	}
	// Detached before closing: godbus's Close closes the channel but its reader may still
	// send to it (v5.2.2).
	t.Cleanup(func() { mon.Eavesdrop(nil); mon.Close() })
	rules := []string{
		"type='method_call',interface='" + busIface + "'",
		"type='method_return'",
		"type='signal',interface='" + busIface + "'",
		"type='signal',member='NameOwnerChanged'",
	}
	if err := mon.BusObject().Call("org.freedesktop.DBus.Monitoring.BecomeMonitor", 0, rules, uint32(0)).Err; err != nil {
		t.Fatalf("becoming a bus monitor: %v", err)
	}
	s.msgs = make(chan *dbus.Message, 4096)
	mon.Eavesdrop(s.msgs)
}

// next returns the first message from now on for which match is true, or fails the test
// naming what it waited for.
func (s *service) next(t *testing.T, what string, match func(*dbus.Message) bool) *dbus.Message {
	t.Helper()
	deadline := time.After(startTimeout)
	for {
		select {
		case m := <-s.msgs:
			if match(m) {
				return m
			}
		case <-deadline:
			t.Fatalf("waited %v for %s", startTimeout, what)
		}
	}
}

// notifyCall is one Notify call as the service received it, with the id it answered.
type notifyCall struct {
	replaces uint32
	title    string
	body     string
	actions  []string
	hints    map[string]dbus.Variant
	expire   int32
	id       uint32
	sender   string
}

// nextNotify waits for the next Notify call and the service's answer to it.
func (s *service) nextNotify(t *testing.T) notifyCall {
	t.Helper()
	m := s.next(t, "a Notify call", func(m *dbus.Message) bool {
		return m.Type == dbus.TypeMethodCall && member(m) == "Notify"
	})
	var c notifyCall
	var app, icon string
	if err := dbus.Store(m.Body, &app, &c.replaces, &icon, &c.title, &c.body, &c.actions, &c.hints, &c.expire); err != nil {
		t.Fatalf("reading a Notify call: %v", err)
	}
	c.sender = header(m, dbus.FieldSender)
	r := s.next(t, "the answer to Notify", func(r *dbus.Message) bool {
		serial, _ := r.Headers[dbus.FieldReplySerial].Value().(uint32)
		return r.Type == dbus.TypeMethodReply && serial == m.Serial() && header(r, dbus.FieldDestination) == c.sender
	})
	if err := dbus.Store(r.Body, &c.id); err != nil {
		t.Fatalf("reading Notify's answer: %v", err)
	}
	return c
}

// nextSignal waits for the service's next signal named name.
func (s *service) nextSignal(t *testing.T, name string) *dbus.Message {
	t.Helper()
	return s.next(t, "the signal "+name, func(m *dbus.Message) bool {
		return m.Type == dbus.TypeSignal && member(m) == name && header(m, dbus.FieldInterface) == busIface
	})
}

// count reads how many notifications dunst shows and holds waiting to show.
func (s *service) count(t *testing.T) (shown, waiting uint32) {
	t.Helper()
	obj := s.ctl.Object(busName, busPath)
	for _, p := range []struct {
		name string
		into *uint32
	}{{"displayedLength", &shown}, {"waitingLength", &waiting}} {
		v, err := obj.GetProperty("org.dunstproject.cmd0." + p.name)
		if err != nil {
			t.Fatalf("reading dunst's %s: %v", p.name, err)
		}
		*p.into = v.Value().(uint32)
	}
	return shown, waiting
}

// waitShown waits until dunst shows exactly n notifications and holds none back: dunst
// moves a new notification from its queue to the screen on its own loop's next turn.
func (s *service) waitShown(t *testing.T, n uint32) {
	t.Helper()
	deadline := time.Now().Add(startTimeout)
	for {
		shown, waiting := s.count(t)
		if shown == n && waiting == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("dunst shows %d notifications and holds %d back; want %d shown", shown, waiting, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// click clicks the button key on the first notification dunst shows, as a person would.
func (s *service) click(t *testing.T, key string) {
	t.Helper()
	s.waitShown(t, 1)
	if err := os.WriteFile(filepath.Join(s.dir, "pick"), []byte(key), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.ctl.Object(busName, busPath).Call("org.dunstproject.cmd0.NotificationAction", 0, uint32(0)).Err; err != nil {
		t.Fatalf("asking dunst to invoke an action: %v", err)
	}
}

// diesWithTest makes a helper process end with the test binary, even one that panics
// before its cleanups run.
func diesWithTest() *syscall.SysProcAttr { return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} }

func member(m *dbus.Message) string { return header(m, dbus.FieldMember) }

func header(m *dbus.Message, f dbus.HeaderField) string {
	v, _ := m.Headers[f].Value().(string)
	return v
}

func readLine(r io.Reader) (string, error) {
	type result struct {
		line string
		err  error
	}
	ch := make(chan result, 1)
	go func() {
		line, err := bufio.NewReader(r).ReadString('\n')
		ch <- result{strings.TrimSpace(line), err}
	}()
	select {
	case res := <-ch:
		return res.line, res.err
	case <-time.After(startTimeout):
		return "", fmt.Errorf("nothing within %v", startTimeout)
	}
}

// fakeClock is the notifier's clock, moved by the test.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// open connects a notifier to the service with clock c.
func (s *service) open(t *testing.T, c *fakeClock) Notifier {
	t.Helper()
	n, err := OpenDesktop(Options{BusAddress: s.bus, Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}

// nextEvent returns the notifier's next event, or fails the test.
func nextEvent(t *testing.T, n Notifier) Event {
	t.Helper()
	select {
	case ev, ok := <-n.Events():
		if !ok {
			t.Fatal("the notifier's events ended")
		}
		return ev
	case <-time.After(startTimeout):
		t.Fatalf("no event from the notifier within %v", startTimeout)
	}
	return Event{}
}
