//go:build unix

package app

import (
	"fmt"
	"syscall"
)

// signalQuit asks the tray process to stop, as a logout does: it stops on SIGTERM.
func signalQuit(pid int) error {
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		return fmt.Errorf("MCP Tray could not quit: %w", err)
	}
	return nil
}
