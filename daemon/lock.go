package daemon

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/internal/filelock"
	"github.com/mcptray/mcptray/socket"
)

// lockHome takes the home's daemon lock (daemon.lock) for the life of this daemon: two daemons
// never run for one home, even when they start at the same instant (each would otherwise find
// no socket answering and bind its own). It returns ErrAlreadyRunning when another daemon
// holds it. The lock goes with the process, so a crashed daemon never leaves it taken.
func lockHome(h config.Home) (release func(), err error) {
	release, err = filelock.TryLock(filepath.Join(string(h), "daemon.lock"))
	if errors.Is(err, filelock.ErrLocked) {
		return nil, ErrAlreadyRunning
	}
	if err != nil {
		return nil, fmt.Errorf("taking MCP Tray's lock in %s: %w", h, err)
	}
	return release, nil
}

// awaitOther waits, for at most 5 s, until the daemon holding the lock answers on its socket:
// one that started an instant earlier may not listen yet, and whoever got ErrAlreadyRunning
// turns to it next (the tray asks it to show its window).
func awaitOther(path string) {
	deadline := time.Now().Add(5 * time.Second)
	for delay := 10 * time.Millisecond; time.Now().Before(deadline); delay = min(2*delay, 200*time.Millisecond) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		c, err := socket.Dial(ctx, path)
		cancel()
		if err == nil {
			c.Close()
			return
		}
		time.Sleep(delay)
	}
}
