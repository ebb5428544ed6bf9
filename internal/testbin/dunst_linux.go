package testbin

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// The real notification service dunst on a test's X display and session bus, for the tests
// (notify/, app/, test/gui) that post to it and answer from its buttons as a person does.

const (
	fdoName  = "org.freedesktop.Notifications"
	fdoPath  = dbus.ObjectPath("/org/freedesktop/Notifications")
	fdoIface = "org.freedesktop.Notifications"
)

// Dunst is the notification service with a bus monitor that sees what is posted to it.
// Its methods are for the test goroutine only.
type Dunst struct {
	dir  string
	ctl  *dbus.Conn
	msgs chan *dbus.Message
}

// Posted is a Notify call as dunst received it, with the id it answered and when.
type Posted struct {
	App, Title, Body string
	Replaces         uint32
	Actions          []string
	Hints            map[string]dbus.Variant
	Expire           int32
	ID               uint32
	At               time.Time
}

// StartDunst starts dunst on the X display and the session bus at the address bus, and
// returns once it has taken the notification service's name; it ends with the test. The bus
// must have no other notification service.
func StartDunst(t testing.TB, display, bus string) *Dunst {
	t.Helper()
	if _, err := exec.LookPath("dunst"); err != nil {
		t.Fatal("this test needs dunst: run `sudo apt-get install -y dunst` (or scripts/deps.sh test)")
	}
	s := &Dunst{dir: t.TempDir()}
	var err error
	if s.ctl, err = dbus.Connect(bus); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.ctl.Close() })
	mon, err := dbus.Connect(bus)
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
	if err := os.WriteFile(menu, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	rc := filepath.Join(s.dir, "dunstrc")
	if err := os.WriteFile(rc, []byte("[global]\n    dmenu = "+menu+"\n    markup = full\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dn := exec.Command("dunst", "-config", rc)
	dn.Env = append(os.Environ(), "DISPLAY="+display, "DBUS_SESSION_BUS_ADDRESS="+bus, "HOME="+s.dir,
		"XDG_CONFIG_HOME="+s.dir, "WAYLAND_DISPLAY=")
	dn.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := dn.Start(); err != nil {
		t.Fatalf("starting dunst: %v", err)
	}
	t.Cleanup(func() { dn.Process.Kill(); dn.Wait() })
	s.next(t, "dunst to take "+fdoName, func(m *dbus.Message) bool {
		return member(m) == "NameOwnerChanged" && len(m.Body) == 3 && m.Body[0] == fdoName && m.Body[2] != ""
	})
	return s
}

// next returns the first bus message from now on that matches, failing after a minute.
func (s *Dunst) next(t testing.TB, what string, match func(*dbus.Message) bool) *dbus.Message {
	t.Helper()
	deadline := time.After(time.Minute)
	for {
		select {
		case m := <-s.msgs:
			if match(m) {
				return m
			}
		case <-deadline:
			t.Fatalf("waited a minute for %s", what)
		}
	}
}

// NextNotify waits up to a minute for the next Notify call and dunst's answer to it.
func (s *Dunst) NextNotify(t testing.TB) Posted {
	t.Helper()
	m := s.next(t, "a Notify call", func(m *dbus.Message) bool {
		return m.Type == dbus.TypeMethodCall && member(m) == "Notify"
	})
	p := Posted{At: time.Now()}
	var icon string
	if err := dbus.Store(m.Body, &p.App, &p.Replaces, &icon, &p.Title, &p.Body, &p.Actions, &p.Hints, &p.Expire); err != nil {
		t.Fatalf("reading a Notify call: %v", err)
	}
	r := s.next(t, "dunst's answer to Notify", func(r *dbus.Message) bool {
		serial, _ := r.Headers[dbus.FieldReplySerial].Value().(uint32)
		return r.Type == dbus.TypeMethodReply && serial == m.Serial()
	})
	if err := dbus.Store(r.Body, &p.ID); err != nil {
		t.Fatalf("reading Notify's answer: %v", err)
	}
	return p
}

// Shown is how many notifications dunst has on screen.
func (s *Dunst) Shown(t testing.TB) uint32 {
	t.Helper()
	v, err := s.ctl.Object(fdoName, fdoPath).GetProperty("org.dunstproject.cmd0.displayedLength")
	if err != nil {
		t.Fatalf("reading dunst's displayedLength: %v", err)
	}
	return v.Value().(uint32)
}

// Click clicks the button key on the notification dunst shows first, as a person would:
// dunst's NotificationAction runs its click code, which asks the menu program which button.
// It returns once dunst has said ActionInvoked.
func (s *Dunst) Click(t testing.TB, key string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(s.dir, "pick"), []byte(key), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.ctl.Object(fdoName, fdoPath).Call("org.dunstproject.cmd0.NotificationAction", 0, uint32(0)).Err; err != nil {
		t.Fatalf("asking dunst to click %s: %v", key, err)
	}
	s.next(t, "dunst's ActionInvoked", func(m *dbus.Message) bool {
		return m.Type == dbus.TypeSignal && member(m) == "ActionInvoked"
	})
}

// Withdrawn waits until dunst says notification id closed because the app closed it (reason 3).
func (s *Dunst) Withdrawn(t testing.TB, id uint32) {
	t.Helper()
	s.next(t, fmt.Sprintf("NotificationClosed(%d, 3)", id), func(m *dbus.Message) bool {
		var got, reason uint32
		return m.Type == dbus.TypeSignal && member(m) == "NotificationClosed" &&
			dbus.Store(m.Body, &got, &reason) == nil && got == id && reason == 3
	})
}

func member(m *dbus.Message) string {
	v, _ := m.Headers[dbus.FieldMember].Value().(string)
	return v
}
