//go:build windows

package app

import "errors"

// signalQuit is not needed on Windows: its taskbar always has a notification area, so the
// tray menu's Quit is there.
func signalQuit(int) error {
	return errors.New("quit MCP Tray from its icon in the notification area")
}
