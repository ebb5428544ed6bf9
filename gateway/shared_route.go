package gateway

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/mcptray/mcptray/internal/jsonwire"
)

// Where the hub sends what the server sends of its own accord.

// serverRequest passes a server-to-client request (sampling, elicitation, roots) to the
// client whose call caused it, or answers it with an error when no client can be named
// with certainty, or the one named did not say it can answer such requests.
func (h *Hub) serverRequest(conn *upstreamConn, line []byte, env envelope) {
	id := append(json.RawMessage(nil), env.ID...)
	if env.Method == "ping" {
		conn.write(resultResponse(id, json.RawMessage("{}")))
		return
	}
	h.mu.Lock()
	if env.Method == "roots/list" {
		h.rootsAskedLocked(id)
	}
	m, why := h.callerLocked(env.Method, line)
	tell := h.learnNeedLocked(h.onlyCallerLocked(), env.Method, line)
	if m != nil && env.Method == "roots/list" && m.modernAppLocked() {
		m, why = nil, "the AI app whose request was running speaks the newer protocol, whose roots MCP Tray does not pass to an older server yet"
	}
	if m == nil && env.Method == "roots/list" {
		h.mu.Unlock()
		h.note("the server asked for roots while %s; MCP Tray answered with none", why)
		h.noRoots(conn, id)
		return
	}
	if m != nil {
		h.outbound[string(id)] = &call{m: m, id: id, method: env.Method, start: time.Now()}
	}
	h.mu.Unlock()
	for _, o := range tell {
		o.send([]byte(`{"jsonrpc":"2.0","method":"notifications/tools/list_changed"}` + "\n"))
	}
	if m == nil {
		h.note("the server sent a %s request while %s; MCP Tray refused it", describe([]byte(env.Method)), why)
		conn.write(errorResponse(id, codeUnavailable, fmt.Sprintf("MCP Tray shares this server between AI apps and passes %s only to the app whose request caused it, when that app can answer it; %s.", env.Method, why)))
		return
	}
	h.mu.Lock()
	modern := m.modernAppLocked()
	if modern {
		delete(h.outbound, string(id)) // askModern registers it as held instead
	}
	h.mu.Unlock()
	if modern {
		if !h.askModern(m, id, env.Method, line) {
			conn.write(errorResponse(id, codeUnavailable, fmt.Sprintf("MCP Tray could not pass %s to the AI app: its request is already waiting for input, or it has several running.", env.Method)))
		}
		return
	}
	m.traffic("server→client", kindRequest, env, len(line), 0)
	m.send(append(append([]byte(nil), line...), '\n'))
}

// callerLocked names the client a server-to-client request belongs to, or returns nil and
// why none. A stdio server does not say which of its running requests it asks for, so the
// hub never guesses: the request belongs to a client only when that client alone has
// requests running (listings excluded), and it reaches the client only when the client
// declared the capability the method needs. A request while two apps have calls running,
// or none, is refused: one app's prompt must never reach another app's model.
func (h *Hub) callerLocked(method string, line []byte) (*member, string) {
	if task := jsonwire.StringAt(line, "params", "_meta", relatedTaskKey, "taskId"); task != "" {
		// The server says which task asks: its app, and no other.
		owner := h.tasks[task]
		switch {
		case owner == nil || owner.gone.Load():
			return nil, "it belongs to a task of no connected AI app"
		case !owner.caps.can(method, line):
			return nil, fmt.Sprintf("the AI app whose task it belongs to did not say it can answer %s", what(method, line))
		}
		return owner, ""
	}
	var only *member
	for _, c := range h.calls {
		if c.m == nil || c.m.gone.Load() || isListing(c.method) {
			continue
		}
		if only != nil && only != c.m {
			return nil, "more than one AI app had a request running and the server did not say which one it asks for"
		}
		only = c.m
	}
	switch {
	case only == nil:
		return nil, "no AI app had a request running"
	case !only.caps.can(method, line):
		return nil, fmt.Sprintf("the AI app whose request was running did not say it can answer %s", what(method, line))
	}
	return only, ""
}

// onlyCallerLocked is the one client with requests running (listings excluded), or nil.
func (h *Hub) onlyCallerLocked() *member {
	var only *member
	for _, c := range h.calls {
		if c.m == nil || c.m.gone.Load() || isListing(c.method) {
			continue
		}
		if only != nil && only != c.m {
			return nil
		}
		only = c.m
	}
	return only
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
		c, out := h.progressFor(line)
		if c == nil {
			return // the call ended or was cancelled
		}
		c.m.traffic("server→client", kindNotification, env, len(out), 0)
		c.m.send(append(out, '\n'))
	case "notifications/cancelled":
		rid := jsonwire.ValueAt(line, "params", "requestId")
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
		rank := logRank(jsonwire.StringAt(line, "params", "level"))
		h.mu.Lock()
		modern := h.state != nil && h.state.modernOnly()
		only := h.onlyCallerLocked()
		h.mu.Unlock()
		if modern {
			// A modern-only server logs for a request, at the level that request asked for:
			// the message is the app's whose request runs alone, or nobody's.
			if only != nil && only.wantsLog(rank) {
				only.send(copyLine(line))
			}
			return
		}
		for _, m := range h.snapshot() {
			if m.wantsLog(rank) {
				m.send(copyLine(line))
			}
		}
	case "notifications/subscriptions/acknowledged":
		// The server acknowledges the hub's own listen stream.
	case "notifications/tasks/status":
		if owner := h.taskOwner(jsonwire.StringAt(line, "params", "taskId")); owner != nil {
			owner.traffic("server→client", kindNotification, env, len(line), 0)
			owner.send(copyLine(line))
		}
	case "notifications/resources/updated":
		uri := jsonwire.StringAt(line, "params", "uri")
		h.mu.Lock()
		var to []*member
		for m := range h.subs[uri] {
			to = append(to, m)
		}
		h.mu.Unlock()
		for _, m := range to {
			m.send(m.streamed(line, env.Method))
		}
	default:
		if !ready {
			// During the handshake: list changes are kept for each client's own initialized.
			if strings.HasSuffix(env.Method, "/list_changed") {
				h.mu.Lock()
				if len(h.early) < 8 {
					h.early = append(h.early, copyLine(line))
				}
				h.mu.Unlock()
			}
			return
		}
		for _, m := range h.snapshot() {
			m.traffic("server→client", kindNotification, env, len(line), 0)
			m.send(m.streamed(line, env.Method))
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
