package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/mcptray/mcptray/api"
)

// quitTray stops the MCP Tray this window process belongs to, as the tray menu's Quit does:
// the tray process (its parent, which runs the daemon) stops every server, then ends. It is
// for a desktop without a tray, where no menu offers Quit. The daemon's own pid must be this
// process's parent: a window whose tray is gone, or that talks to another MCP Tray, signals
// nothing. Blocking; never on the UI goroutine.
func quitTray(u *UI) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := api.Call(ctx, u.opts.Client, api.Ping, api.None{})
	if err != nil {
		return fmt.Errorf("MCP Tray could not quit: %w", err)
	}
	if res.Pid <= 1 || res.Pid != os.Getppid() {
		return errors.New("this window does not belong to the MCP Tray that is running, so it cannot quit it; quit MCP Tray from its own window")
	}
	return signalQuit(res.Pid)
}
