//go:build linux

package gui

import (
	"fmt"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// trayHost is a StatusNotifierWatcher and a notification service on the test's session bus:
// the parts of a desktop that tray apps register their icon with and send notifications to.
// It records when the app registers and what it notifies, and reads the app's menu back over
// D-Bus, as a real tray host does.
type trayHost struct {
	conn       *dbus.Conn
	registered chan registration
	notified   chan notification // desktop notifications (org.freedesktop.Notifications)
}

// notification is one desktop notification the app sent.
type notification struct{ title, body string }

// notifier is the desktop's notification service, exported by the tray host.
type notifier struct{ h *trayHost }

// Notify receives a notification; its arguments follow the freedesktop specification.
func (n notifier) Notify(app string, replaces uint32, icon, summary, body string, actions []string,
	hints map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	select {
	case n.h.notified <- notification{title: summary, body: body}:
	default:
	}
	return 1, nil
}

type registration struct {
	at     time.Time
	sender string // the app's unique bus name
	path   string // its StatusNotifierItem object path
}

// watcher is the exported D-Bus object.
type watcher struct{ h *trayHost }

// RegisterStatusNotifierItem is called by the app when its tray icon is ready.
func (w watcher) RegisterStatusNotifierItem(path string, sender dbus.Sender) *dbus.Error {
	select {
	case w.h.registered <- registration{at: time.Now(), sender: string(sender), path: path}:
	default:
	}
	return nil
}

// RegisterStatusNotifierHost is part of the interface; the test is the host.
func (w watcher) RegisterStatusNotifierHost(string) *dbus.Error { return nil }

// startTrayHost takes the watcher's name and the notification service's on the display's bus.
func startTrayHost(t testing.TB, d *display) *trayHost { return newTrayHost(t, d, true) }

// startWatcher is a tray host without a notification service: the StatusNotifierWatcher
// only, so that a real notification service (dunst) can take its name on the same bus.
func startWatcher(t testing.TB, d *display) *trayHost { return newTrayHost(t, d, false) }

func newTrayHost(t testing.TB, d *display, notifications bool) *trayHost {
	t.Helper()
	conn, err := dbus.Connect(d.Bus)
	if err != nil {
		t.Fatalf("connecting to the test's D-Bus: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	h := &trayHost{conn: conn, registered: make(chan registration, 16), notified: make(chan notification, 16)}
	if err := conn.Export(watcher{h}, "/StatusNotifierWatcher", "org.kde.StatusNotifierWatcher"); err != nil {
		t.Fatal(err)
	}
	names := []string{"org.kde.StatusNotifierWatcher"}
	if notifications {
		if err := conn.Export(notifier{h}, "/org/freedesktop/Notifications", "org.freedesktop.Notifications"); err != nil {
			t.Fatal(err)
		}
		names = append(names, "org.freedesktop.Notifications")
	}
	for _, name := range names {
		reply, err := conn.RequestName(name, dbus.NameFlagDoNotQueue)
		if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
			t.Fatalf("taking the name %s on the test's bus: %v (%v)", name, err, reply)
		}
	}
	return h
}

// menuItem is one entry of the app's tray menu as read over D-Bus (com.canonical.dbusmenu).
type menuItem struct {
	ID       int32
	Label    string
	Enabled  bool
	Children []menuItem
}

// menu reads the registered app's tray menu.
func (h *trayHost) menu(r registration) ([]menuItem, error) {
	var revision uint32
	var layout struct {
		ID       int32
		Props    map[string]dbus.Variant
		Children []dbus.Variant
	}
	obj, err := h.menuObject(r)
	if err != nil {
		return nil, err
	}
	err = obj.Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{}).Store(&revision, &layout)
	if err != nil {
		return nil, fmt.Errorf("reading the tray menu: %w", err)
	}
	return children(layout.Children), nil
}

// menuObject finds the item's menu as a tray host does: from its Menu property.
func (h *trayHost) menuObject(r registration) (dbus.BusObject, error) {
	v, err := h.conn.Object(r.sender, dbus.ObjectPath(r.path)).GetProperty("org.kde.StatusNotifierItem.Menu")
	if err != nil {
		return nil, fmt.Errorf("reading the tray item's menu path: %w", err)
	}
	p, ok := v.Value().(dbus.ObjectPath)
	if !ok {
		return nil, fmt.Errorf("the tray item's Menu property is %v, not an object path", v)
	}
	return h.conn.Object(r.sender, p), nil
}

func children(vs []dbus.Variant) []menuItem {
	var out []menuItem
	for _, v := range vs {
		raw, ok := v.Value().([]any)
		if !ok || len(raw) != 3 {
			continue
		}
		it := menuItem{Enabled: true}
		it.ID, _ = raw[0].(int32)
		props, _ := raw[1].(map[string]dbus.Variant)
		if l, ok := props["label"]; ok {
			it.Label, _ = l.Value().(string)
		}
		if e, ok := props["enabled"]; ok {
			it.Enabled, _ = e.Value().(bool)
		}
		if kids, ok := raw[2].([]dbus.Variant); ok {
			it.Children = children(kids)
		}
		out = append(out, it)
	}
	return out
}

// click sends a "clicked" event for a menu item, as the tray host does when the person
// chooses it.
func (h *trayHost) click(r registration, id int32) error {
	obj, err := h.menuObject(r)
	if err != nil {
		return err
	}
	return obj.Call("com.canonical.dbusmenu.Event", 0, id, "clicked", dbus.MakeVariant(""), uint32(time.Now().Unix())).Err
}
