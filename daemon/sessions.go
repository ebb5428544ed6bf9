package daemon

import (
	"context"
	"sync"
)

// liveSessions tracks the session-mode relays running now, so that "Pause all" can end them:
// stopping a server leaves the processes already handed to clients running, and a pause must
// stop every call from reaching any server. The zero value is ready; safe for concurrent use.
type liveSessions struct {
	mu  sync.Mutex
	end map[string]context.CancelFunc // session id → ends its relay
}

// begin registers a relay and returns its context, which endAll cancels, and the func to call
// when the relay is over.
func (l *liveSessions) begin(ctx context.Context, id string) (context.Context, func()) {
	ctx, cancel := context.WithCancel(ctx)
	l.mu.Lock()
	if l.end == nil {
		l.end = map[string]context.CancelFunc{}
	}
	l.end[id] = cancel
	l.mu.Unlock()
	return ctx, func() {
		l.mu.Lock()
		delete(l.end, id)
		l.mu.Unlock()
		cancel()
	}
}

// endAll ends every running relay and returns how many there were.
func (l *liveSessions) endAll() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, cancel := range l.end {
		cancel()
	}
	return len(l.end)
}
