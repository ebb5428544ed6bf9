package gateway

import (
	"encoding/json"
	"fmt"
	"time"
)

// Where the hub sends what the server sends of its own accord.

// serverRequest passes a server-to-client request (sampling, elicitation, roots) to the
// client whose call is in flight, or answers it with an error when none can take it.
func (h *Hub) serverRequest(conn *upstreamConn, line []byte, env envelope) {
	id := append(json.RawMessage(nil), env.ID...)
	if env.Method == "ping" {
		conn.write(resultResponse(id, json.RawMessage("{}")))
		return
	}
	h.mu.Lock()
	m := h.callerLocked(env.Method)
	if m != nil {
		h.outbound[string(id)] = &call{m: m, id: id, method: env.Method, start: time.Now()}
	}
	h.mu.Unlock()
	if m == nil {
		h.note("the server sent a %s request while no connected client that can answer it had a call running; MCP Tray refused it", env.Method)
		conn.write(errorResponse(id, codeUnavailable, fmt.Sprintf("MCP Tray shares this server between AI apps and passes %s only to the app whose request is running; no such app can take it now.", env.Method)))
		return
	}
	m.traffic("server→client", kindRequest, env, len(line), 0)
	m.send(append(append([]byte(nil), line...), '\n'))
}

// callerLocked picks the client a server-to-client request belongs to. A stdio server does
// not say which of its running requests it asks for, so the hub takes the client whose
// request reached the server last among those with one running (listings excluded) and able
// to answer the method. A request that arrives while one client alone has calls running
// therefore always reaches that client.
func (h *Hub) callerLocked(method string) *member {
	var best *member
	var bestID int64
	for id, c := range h.calls {
		if c.m == nil || c.m.gone.Load() || id < bestID || isListing(c.method) || !c.m.caps.can(method) {
			continue
		}
		best, bestID = c.m, id
	}
	return best
}

func isListing(method string) bool {
	switch method {
	case "tools/list", "prompts/list", "resources/list", "resources/templates/list", "ping",
		"logging/setLevel", "resources/subscribe", "resources/unsubscribe":
		return true
	}
	return false
}

// serverNotification routes a notification: progress to the caller, cancellations of the
// server's own requests to the client asked, log messages to clients at that level, resource
// updates to subscribers, everything else (list changes) to every client.
func (h *Hub) serverNotification(line []byte, env envelope) {
	copyLine := func(b []byte) []byte { return append(append([]byte(nil), b...), '\n') }
	h.mu.Lock()
	ready := h.state != nil
	h.mu.Unlock()
	switch env.Method {
	case "notifications/progress":
		n, ok := hubID(valueAt(line, "params", "progressToken"))
		if !ok {
			return
		}
		h.mu.Lock()
		c := h.calls[n]
		h.mu.Unlock()
		if c == nil || c.m == nil || c.token == nil {
			return // the call ended or was cancelled
		}
		out := replaceAt(line, c.token, "params", "progressToken")
		c.m.traffic("server→client", kindNotification, env, len(out), 0)
		c.m.send(append(out, '\n'))
	case "notifications/cancelled":
		rid := valueAt(line, "params", "requestId")
		h.mu.Lock()
		c := h.outbound[string(rid)]
		delete(h.outbound, string(rid))
		h.mu.Unlock()
		if c != nil {
			c.m.send(copyLine(line))
		}
	case "notifications/message":
		if !ready {
			return
		}
		rank := logRank(stringAt(line, "params", "level"))
		for _, m := range h.snapshot() {
			if m.wantsLog(rank) {
				m.send(copyLine(line))
			}
		}
	case "notifications/resources/updated":
		uri := stringAt(line, "params", "uri")
		h.mu.Lock()
		var to []*member
		for m := range h.subs[uri] {
			to = append(to, m)
		}
		h.mu.Unlock()
		for _, m := range to {
			m.send(copyLine(line))
		}
	default:
		if !ready {
			return // during the handshake the hub compares tool lists itself
		}
		for _, m := range h.snapshot() {
			m.traffic("server→client", kindNotification, env, len(line), 0)
			m.send(copyLine(line))
		}
	}
}

func (h *Hub) snapshot() []*member {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]*member, 0, len(h.members))
	for m := range h.members {
		out = append(out, m)
	}
	return out
}
