package gateway

import (
	"encoding/json"
	"time"
)

// Roots are per app. A server asks roots/list of its one client, MCP Tray, and may keep the
// answer (server-everything does, until it hears notifications/roots/list_changed). So the
// hub remembers whose roots the server was last given, and before a request of another app
// runs, tells the server its roots changed and waits (up to rootsWait) until the server has
// asked again and been answered by that app. A roots/list the hub cannot attribute to
// exactly one app that declared roots (see callerLocked) is answered with no roots at all,
// never with another app's: with two apps' requests running at once, a server sees no roots.

// rootsWait bounds how long a request waits for the server to fetch its app's roots. A
// server that does not ask within it is taken not to keep roots, and is not waited for again.
const rootsWait = 2 * time.Second

// staleRoots stands for roots the server holds that no longer match any app's.
var staleRoots = &member{}

// rootsState is what the server of one process was told about roots. Guarded by h.mu.
type rootsState struct {
	asked   bool    // the server asked roots/list at least once
	ignored bool    // the server did not ask again after being told roots changed
	holder  *member // whose roots it was given last; nil for none
	// While a syncRoots waits: the id of the first roots/list the server sent since it was
	// told roots changed ("" until one came), and the channel closed once that is answered.
	awaiting bool
	awaitID  string
	seen     chan struct{}
}

// rootsOf is the holder a request of m needs the server to have. A modern app's roots are
// not asked for on a legacy server (not bridged yet): it has none there.
func rootsOf(m *member) *member {
	if m.caps.roots && !m.modernAppLocked() {
		return m
	}
	return nil
}

// giveRootsLocked records that the server's roots are now holder's, as the answer to its
// roots/list is about to be written. h.mu must be held.
func (h *Hub) giveRootsLocked(holder *member) {
	h.roots.asked = true
	h.roots.holder = holder
}

// rootsAskedLocked notes a roots/list of the server (id) that a syncRoots may wait for.
// h.mu must be held.
func (h *Hub) rootsAskedLocked(id []byte) {
	if h.roots.awaiting && h.roots.awaitID == "" {
		h.roots.awaitID = string(id)
	}
}

// rootsGiven wakes the syncRoots waiting for the server's roots/list id once its answer was
// written.
func (h *Hub) rootsGiven(id []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.roots.awaiting && h.roots.awaitID == string(id) {
		h.roots.awaiting = false
		close(h.roots.seen)
	}
}

// noRoots answers a roots/list of the server that no app can be named for: no roots.
func (h *Hub) noRoots(conn *upstreamConn, id json.RawMessage) {
	h.mu.Lock()
	h.giveRootsLocked(nil)
	h.mu.Unlock()
	conn.write(resultResponse(id, json.RawMessage(`{"roots":[]}`)))
	h.rootsGiven(id)
}

// needsRootsLocked reports whether the server must fetch m's roots before m's request of
// method runs. h.mu must be held.
func (h *Hub) needsRootsLocked(st *hubState, m *member, method string) bool {
	return !isListing(method) && h.roots.asked && !h.roots.ignored && h.roots.holder != rootsOf(m) && h.state == st
}

// syncRoots makes sure the server holds m's roots before m's next request is written to it:
// it tells the server roots changed and waits until the server asked again, or gives up
// after rootsWait. m's request must already be registered as running, so that the server's
// roots/list is attributed to m, and the client's pump must run meanwhile, to carry m's
// answer.
func (h *Hub) syncRoots(st *hubState, m *member) {
	h.rootsMu.Lock()
	defer h.rootsMu.Unlock()
	h.mu.Lock()
	if !h.roots.asked || h.roots.ignored || h.roots.holder == rootsOf(m) || h.state != st {
		h.mu.Unlock()
		return
	}
	h.roots.awaiting, h.roots.awaitID = true, ""
	seen := make(chan struct{})
	h.roots.seen = seen
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		if h.roots.seen == seen {
			h.roots.awaiting = false
		}
		h.mu.Unlock()
	}()
	if h.writeUp(st, []byte(`{"jsonrpc":"2.0","method":"notifications/roots/list_changed"}`+"\n")) != nil {
		return
	}
	t := time.NewTimer(rootsWait)
	defer t.Stop()
	select {
	case <-seen:
		// The server has the roots, but may not have taken them in yet: a request read with
		// them could still see the old ones. Once it answered a ping sent after them, it read
		// them before anything written now.
		h.pingUp(st, t.C)
	case <-t.C:
		h.mu.Lock()
		if h.state == st {
			h.roots.ignored = true
		}
		h.mu.Unlock()
	case <-m.ctx.Done():
	case <-h.quit:
	}
}

// pingUp pings the server of generation st and waits for its answer, or until expired.
func (h *Hub) pingUp(st *hubState, expired <-chan time.Time) {
	c := &call{method: "ping", answer: make(chan []byte, 1)}
	id := h.seq.Add(1)
	h.register(id, c)
	if h.writeUp(st, request(id, "ping", nil)) != nil {
		h.settle(id)
		return
	}
	select {
	case <-c.answer:
	case <-expired:
		h.settle(id)
	case <-h.quit:
	}
}

// clientRootsChanged handles an app's notifications/roots/list_changed: when the server holds
// that app's roots it is told they changed (it asks again, and the app whose request is
// running answers); otherwise the server does not hold them and is not bothered.
func (m *member) clientRootsChanged(raw []byte) {
	h := m.h
	h.mu.Lock()
	mine := h.roots.holder == m && m != nil
	if mine {
		h.roots.holder = staleRoots
	}
	st := h.state
	h.mu.Unlock()
	if mine && st != nil {
		h.writeUp(st, raw)
	}
}
