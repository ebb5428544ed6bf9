//go:build linux || freebsd || openbsd || netbsd

package app

import (
	"github.com/godbus/dbus/v5"

	"github.com/mcptray/mcptray/assets"
)

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

// trayIconData is the tray icon for a state as the StatusNotifierItem takes it: a PNG.
func trayIconData(s trayState) (data []byte, template bool) {
	b, _ := assets.Icons.ReadFile("icons/" + trayIconName(s, false))
	return b, false
}
