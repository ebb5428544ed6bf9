package gateway

import "encoding/json"

// A modern app on a server that answers input_required by itself (a modern server) retries
// an approved tools/call by itself. As in session mode (session_retry.go), the person decided
// the call once: the hub remembers, per app, each request state the server returned for an
// approved call of that app, and that app's retry of the same tool with the same arguments
// and that state is let through once without asking again; the call's audit record ends when
// the retry does, with its outcome. One app's state never lets another app's retry through,
// and a state used once, or never seen, is a new call decided as one.

// identifyRetry sets what a modern app's retry of the approved tools/call c (line) must name.
func (m *member) identifyRetry(c *call, line []byte) {
	if c.finished == nil || c.method != "tools/call" {
		return
	}
	m.h.mu.Lock()
	modern := m.modernAppLocked()
	m.h.mu.Unlock()
	if !modern {
		return // a legacy app never retries: the hub retries for it (shared_eras.go)
	}
	if name, args, ok := toolCall(line); ok {
		c.retry = &callIdentity{}
		*c.retry = identify(name, args)
	}
}

// grantRetry looks at the server's answer (line) to c: when c is a modern app's approved
// tools/call and the server asks for input, the request state is remembered for the app's
// retry, which takes over the call's audit record, and grantRetry returns true.
func (h *Hub) grantRetry(c *call, line []byte) bool {
	if c.retry == nil || c.finished == nil {
		return false
	}
	state := retryState(line)
	if state == nil {
		return false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if c.m.gone.Load() {
		return false // the app left: nobody retries, the call ends here
	}
	putGrant(&c.m.grants, state, retryGrant{call: *c.retry, finished: c.finished})
	return true
}

// retryOf returns the verdict for m's tools/call (line, naming name with args) when it
// retries an approved call of m's with a request state the server gave that call.
func (m *member) retryOf(line []byte, name string, args json.RawMessage) (CallVerdict, bool) {
	h := m.h
	h.mu.Lock()
	defer h.mu.Unlock()
	if !m.modernAppLocked() || len(m.grants) == 0 {
		return CallVerdict{}, false
	}
	return takeGrant(m.grants, line, identify(name, args))
}

// dropGrantsLocked takes m's grants for endGrants when m leaves. h.mu must be held.
func (m *member) dropGrantsLocked() map[string]retryGrant {
	g := m.grants
	m.grants = nil
	return g
}
