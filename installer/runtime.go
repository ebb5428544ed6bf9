package installer

import (
	"context"
	"time"
)

// Runtime is what the installer needs from the running MCP Tray; the daemon implements it.
// Its methods must be safe for concurrent use.
type Runtime interface {
	// Apply makes the running servers match config.json as it is now, and returns once the
	// supervisor has the change. Idempotent.
	Apply()
	// Probe connects to the server through the relay, so policy, pinning and tool recording
	// apply, initializes it and lists its tools (every page). It blocks until the list
	// arrives, the server stops, or ctx ends, and stops the process it used.
	Probe(ctx context.Context, server string) ([]string, error)
	// Follow returns what the server printed on stderr (redacted) since the given time,
	// then its new lines as they come, until cancel is called. The channel may close early when the reader falls behind; a nil channel means
	// the server has no log.
	Follow(server string, since time.Time) (lines <-chan string, cancel func())
	// SyncClients writes the files of the given AI clients from config.json now, and returns
	// an error naming the first client whose file could not be written.
	SyncClients(ids []string) error
	// Forget drops what the running MCP Tray remembers of the server's secrets, so the next
	// start reads them from the keychain again.
	Forget(server string)
	// Blocked lists the server's tools whose definition changed since they were pinned and
	// that wait for the person's review.
	Blocked(server string) []string
}
