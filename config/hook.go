package config

import (
	"fmt"
	"sync"

	"github.com/mcptray/mcptray/internal/filelock"
)

// A WriteHook is told, under the config lock and before anything is written, about every
// change Update is about to save: before is config.json as Update read it, after is what it
// will write. Returning an error stops the write (Update returns that error and the file
// stays as it was). Hooks are how MCP Tray records that a change is its own, so that the
// daemon does not hold it as a change some other program made (see Review).
//
// A hook must not call Update or Locked on the same home: the lock is not re-entrant.
type WriteHook func(h Home, before, after *Config) error

var writeHooks struct {
	sync.Mutex
	fallback WriteHook
	byHome   map[Home]WriteHook
}

// SetWriteHook sets the hook used for every home that has none of its own (HookHome). The
// command line sets it once at start; nil removes it.
func SetWriteHook(fn WriteHook) {
	writeHooks.Lock()
	defer writeHooks.Unlock()
	writeHooks.fallback = fn
}

// HookHome sets the hook for one home, in place of the one SetWriteHook set; a running
// daemon sets it for its own home. The returned function removes it again.
func HookHome(h Home, fn WriteHook) (remove func()) {
	writeHooks.Lock()
	defer writeHooks.Unlock()
	if writeHooks.byHome == nil {
		writeHooks.byHome = map[Home]WriteHook{}
	}
	writeHooks.byHome[h] = fn
	return func() {
		writeHooks.Lock()
		defer writeHooks.Unlock()
		delete(writeHooks.byHome, h)
	}
}

func writeHook(h Home) WriteHook {
	writeHooks.Lock()
	defer writeHooks.Unlock()
	if fn, ok := writeHooks.byHome[h]; ok {
		return fn
	}
	return writeHooks.fallback
}

// Locked runs fn while holding the config lock that Update takes, so that what fn reads
// (config.json and the record of what the person accepted) is not changed meanwhile by
// another MCP Tray process. fn must not call Update.
func (h Home) Locked(fn func() error) error {
	if err := h.Ensure(); err != nil {
		return err
	}
	unlock, err := filelock.Lock(h.lockFile())
	if err != nil {
		return fmt.Errorf("locking config: %w", err)
	}
	defer unlock()
	return fn()
}
