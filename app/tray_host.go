package app

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/systray"
	"github.com/godbus/dbus/v5"
)

// trayHost is the desktop's tray, as the Tray draws on it.
type trayHost interface {
	// run shows the tray icon and blocks until done closes; ready is called once the icon
	// is there. It runs on the main goroutine.
	run(ready func(), done <-chan struct{})
	setMenu(m *fyne.Menu)
	setIcon(s trayState)
}

// systrayHost draws the tray with fyne.io/systray: a StatusNotifierItem over D-Bus on Linux,
// an NSStatusItem on macOS, a notification-area icon on Windows. It needs no window and no
// OpenGL. A menu item's action is posted to the Tray's owner goroutine.
type systrayHost struct {
	post func(func())
}

func (h systrayHost) run(ready func(), done <-chan struct{}) {
	go func() {
		<-done
		systray.Quit()
	}()
	systray.Run(func() {
		systray.SetTitle("MCP Tray") // some Linux tray hosts fail on an item without a title
		systray.SetTooltip("MCP Tray")
		ready()
	}, nil)
}

func (h systrayHost) setMenu(m *fyne.Menu) {
	defer hostGone()
	systray.ResetMenu()
	h.addItems(m, nil)
}

// hostGone swallows the panic systray raises when its D-Bus connection has closed (MCP Tray is
// quitting, or the desktop session is ending) and the tray redraws once more: there is no
// tray left to draw on, which is no reason to crash while the servers are being stopped.
func hostGone() {
	if r := recover(); r != nil && !isClosedBus(r) {
		panic(r)
	}
}

// isClosedBus reports a panic about a closed D-Bus connection: systray sets its properties
// with godbus's SetMust, which panics with the error of the signal it could not send, and on a
// closed connection that is dbus.ErrClosed.
func isClosedBus(r any) bool {
	err, ok := r.(error)
	return ok && errors.Is(err, dbus.ErrClosed)
}

// addItems adds m's items under parent (nil: the top level).
func (h systrayHost) addItems(m *fyne.Menu, parent *systray.MenuItem) {
	for _, it := range m.Items {
		if it.IsSeparator {
			if parent != nil {
				parent.AddSeparator()
			} else {
				systray.AddSeparator()
			}
			continue
		}
		var item *systray.MenuItem
		switch {
		case parent != nil && it.Checked:
			item = parent.AddSubMenuItemCheckbox(it.Label, "", true)
		case parent != nil:
			item = parent.AddSubMenuItem(it.Label, "")
		case it.Checked:
			item = systray.AddMenuItemCheckbox(it.Label, "", true)
		default:
			item = systray.AddMenuItem(it.Label, "")
		}
		if it.Disabled {
			item.Disable()
		}
		if it.ChildMenu != nil {
			h.addItems(it.ChildMenu, item)
		}
		action := it.Action
		go func() {
			for range item.ClickedCh { // closed when the menu is reset
				if action != nil {
					h.post(action)
				}
			}
		}()
	}
}

func (h systrayHost) setIcon(s trayState) {
	defer hostGone()
	data, template := trayIconData(s)
	if template {
		systray.SetTemplateIcon(data, data)
		return
	}
	systray.SetIcon(data)
}
