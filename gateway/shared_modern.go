package gateway

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/mcptray/mcptray/internal/jsonwire"
)

// A modern app (it sent server/discover) on a legacy server (see docs/eras.md). The hub
// answers the app's server/discover from the server's initialize, and a modern app takes no
// requests from a server: when the legacy server asks for sampling, elicitation or roots
// during the app's call, the hub holds the server's request and answers the app's call with
// an input_required result carrying it, under a request state the hub made up. The app's
// retry with that state answers the held request and takes over the original call, which is
// still running at the server: it is never forwarded and never decided again, so the person
// approves the app's one tools/call, not its retries.

// statePrefix starts every request state the hub gives out.
const statePrefix = "mcptray-state-"

// inputKey is the key of the one input request in the hub's input_required results.
const inputKey = "mcptray"

// heldAsk is a server's request held for a modern app.
type heldAsk struct {
	m        *member
	c        *call           // the app's request it came during
	hubID    int64           // c's id at the server
	serverID json.RawMessage // the server's request's id
}

// discoverFromInitialize answers a modern app's server/discover for a legacy server from the
// server's initialize result (see discoverFromInit).
func (h *Hub) discoverFromInitialize(st *hubState) json.RawMessage {
	return discoverFromInit(st.init, st.supported)
}

// discoverFromInit is the server/discover result a modern app gets from a legacy server that
// answered initialize with init and speaks the legacy versions supported: 2026-07-28
// (bridged) and those, its capabilities, instructions, and serverInfo in _meta.
func discoverFromInit(init json.RawMessage, supported []string) json.RawMessage {
	versions := append([]string{statelessVersion}, supported...)
	out := map[string]any{"supportedVersions": versions, "resultType": "complete"}
	if caps := jsonwire.ValueAt(init, "capabilities"); caps != nil {
		out["capabilities"] = caps
	} else {
		out["capabilities"] = json.RawMessage("{}")
	}
	if s := jsonwire.StringAt(init, "instructions"); s != "" {
		out["instructions"] = s
	}
	if info := jsonwire.ValueAt(init, "serverInfo"); info != nil {
		out["_meta"] = map[string]json.RawMessage{"io.modelcontextprotocol/serverInfo": info}
	}
	b, _ := json.Marshal(out)
	return b
}

// modernApp reports whether m spoke server/discover and not initialize. h.mu must be held.
func (m *member) modernAppLocked() bool { return m.modern && !m.legacy }

// askModern holds the server's request (id, line) for the modern app m, and answers m's one
// running request with an input_required result carrying it. It returns false (and holds
// nothing) when m has no single running request to answer, or one already waits for input.
func (h *Hub) askModern(m *member, id json.RawMessage, method string, line []byte) bool {
	h.mu.Lock()
	var c *call
	var hubID int64
	for n, x := range h.calls {
		if x.m != m || isListing(x.method) {
			continue
		}
		if c != nil {
			h.mu.Unlock()
			return false
		}
		c, hubID = x, n
	}
	if c == nil || c.detached {
		h.mu.Unlock()
		return false
	}
	state := statePrefix + strconv.FormatInt(h.seq.Add(1), 10)
	h.states[state] = &heldAsk{m: m, c: c, hubID: hubID, serverID: id}
	h.outbound[string(id)] = &call{m: m, id: id, method: method, start: c.start}
	c.detached = true
	clientID := c.id
	h.mu.Unlock()
	req := map[string]any{"method": method}
	if p := jsonwire.ValueAt(line, "params"); p != nil {
		req["params"] = p
	}
	result, _ := json.Marshal(map[string]any{"resultType": "input_required",
		"inputRequests": map[string]any{inputKey: req}, "requestState": state})
	m.send(resultResponse(clientID, result))
	return true
}

// parked keeps the server's final answer to a request whose app is still being asked for
// input; the app's retry takes it. It reports whether it kept line.
func (h *Hub) parked(c *call, line []byte) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !c.detached {
		return false
	}
	c.parked = append([]byte(nil), line...)
	return true
}

// resumeModern handles a modern app's retry carrying a request state the hub gave it: the
// app's answer goes to the server's held request, and the retry takes over the original
// request, whose answer it gets. A state the hub did not give this app is refused.
func (m *member) resumeModern(line []byte, env envelope, state string) {
	h := m.h
	h.mu.Lock()
	ha := h.states[state]
	if ha == nil || ha.m != m {
		h.mu.Unlock()
		m.send(errorResponse(env.ID, codeInvalidRequest, "MCP Tray does not know this request state; start the request again."))
		return
	}
	delete(h.states, state)
	_, waits := h.outbound[string(ha.serverID)]
	delete(h.outbound, string(ha.serverID))
	c := ha.c
	running := h.calls[ha.hubID] == c
	c.id = append(json.RawMessage(nil), env.ID...)
	c.detached = false
	parked := c.parked
	c.parked = nil
	st := h.state
	h.mu.Unlock()
	if waits {
		answer := jsonwire.ValueAt(line, "params", "inputResponses", inputKey)
		var msg []byte
		if answer != nil {
			msg = resultResponse(ha.serverID, answer)
		} else {
			msg = errorResponse(ha.serverID, codeUnavailable, "The AI app did not answer this request.")
		}
		h.writeUp(st, msg)
	}
	switch {
	case parked != nil:
		h.deliver(c, parked)
	case !running:
		m.send(errorResponse(c.id, codeServerGone, h.goneMessage()))
	}
}

// requestState returns the hub's request state a retry carries, or "".
func requestState(line []byte) string {
	if s := jsonwire.StringAt(line, "params", "requestState"); strings.HasPrefix(s, statePrefix) {
		return s
	}
	return ""
}

// forgetStatesLocked drops the request states of a client that left. h.mu must be held.
func (h *Hub) forgetStatesLocked(m *member) {
	for s, ha := range h.states {
		if ha.m == m {
			delete(h.states, s)
		}
	}
}
