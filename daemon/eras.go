package daemon

import (
	"fmt"
	"sync"

	"github.com/mcptray/mcptray/gateway"
)

// What each server's processes speak (docs/eras.md). A session relay finds a server's era
// out when the server refuses the client's handshake and the relay bridges; the daemon
// remembers it, so that the next session (on the warm spare or a fresh process) and the
// install probe bridge from the first message instead of being refused first. Only what a
// server refused is remembered: a server that answered the client's own handshake needs no
// bridge for that era.

// eraBook remembers each server's era by name. Its zero value is empty and ready; it is
// safe for concurrent use.
type eraBook struct {
	mu   sync.Mutex
	eras map[string]gateway.Era
}

// of returns what server is known to speak, or gateway.EraUnknown.
func (b *eraBook) of(server string) gateway.Era {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.eras[server]
}

// learned is the relay's Hooks.Era: it records what the session's server turned out to speak
// (gateway.EraUnknown: what was remembered was wrong, say after an update).
func (b *eraBook) learned(s *gateway.Session, era gateway.Era) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if era == gateway.EraUnknown {
		delete(b.eras, s.Server)
		return
	}
	if b.eras == nil {
		b.eras = map[string]gateway.Era{}
	}
	b.eras[s.Server] = era
}

// eraOptions sets a session relay's options for server: the era known for it, and the hook
// that remembers what the relay finds out.
func (d *Daemon) eraOptions(server string, opts *gateway.Options) {
	b := &d.eras
	opts.ServerEra = b.of(server)
	opts.Hooks.Era = b.learned
}

// relayPanicked is every relay's Hooks.Panic: the session already ended, alone; the stack goes
// to the daemon's log.
func (d *Daemon) relayPanicked(s *gateway.Session, v any, stack []byte) {
	d.log.Error("MCP Tray recovered from an internal error in a relayed session and ended that session",
		"server", s.Server, "session", s.ID, "panic", fmt.Sprint(v), "stack", string(stack))
}
