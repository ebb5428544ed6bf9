package app

import "github.com/mcptray/mcptray/assets"

func trayHostAvailable() bool { return true }

// trayIconData is the tray icon for a state as the macOS menu bar takes it: a monochrome SVG
// template image, which the menu bar tints for light and dark bars.
func trayIconData(s trayState) (data []byte, template bool) {
	b, _ := assets.Icons.ReadFile("icons/" + trayIconName(s, true))
	return b, true
}
