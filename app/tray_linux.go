//go:build linux

package app

import (
	"fyne.io/fyne/v2"
	"github.com/godbus/dbus/v5"
)

const useTemplateIcons = false

// trayHostAvailable reports whether a StatusNotifierItem host (the tray) is on the session
// bus. GNOME without the AppIndicator extension, and plain X servers, have none: the app then
// opens its window instead of waiting invisibly in a tray nobody can see.
func trayHostAvailable() bool {
	conn, err := dbus.SessionBus()
	if err != nil {
		return false
	}
	var has bool
	err = conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, "org.kde.StatusNotifierWatcher").Store(&has)
	return err == nil && has
}

// templateIcon is only needed on macOS.
func templateIcon(r fyne.Resource) fyne.Resource { return r }
