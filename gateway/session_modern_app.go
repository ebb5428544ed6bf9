package gateway

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/mcptray/mcptray/internal/jsonwire"
)

// A modern client (it sent server/discover) on a legacy server, in session mode (see
// docs/eras.md and shared_modern.go, which does the same for shared mode). A modern client
// takes no requests from a server: when the server asks for sampling or elicitation while
// exactly one of the client's requests runs, the relay holds the server's request and answers
// the client's with an input_required result carrying it, under a request state of its own.
// The client's retry with that state answers the held request and takes over the original
// request, still running at the server: it is never forwarded and never decided again, so
// the person approves the client's one tools/call. subscriptions/listen becomes
// resources/subscribe for each resource it names.

// sessionHeld is a client request answered input_required while it runs at the server.
type sessionHeld struct {
	p        pending         // the client's original request
	key      string          // its jsonwire.IDKey, under which the server answers it
	serverID json.RawMessage // the server's request waiting for the client's answer
	resumed  bool            // the client retried: p.id is the retry's id
	parked   []byte          // the server's final answer, when it came before the retry
}

// modernServerRequest handles a legacy server's request to a modern client; it reports
// whether it did (every request but those the client's era has is answered here).
func (e *eraBridge) modernServerRequest(env envelope, line []byte) bool {
	r := e.r
	switch env.Method {
	case "ping":
		r.writeServer(resultResponse(env.ID, json.RawMessage("{}")))
		return true
	case "roots/list": // a modern client has no roots to give a legacy server
		r.writeServer(resultResponse(env.ID, json.RawMessage(`{"roots":[]}`)))
		return true
	case "sampling/createMessage", "elicitation/create":
	default:
		r.writeServer(errorResponse(env.ID, codeMethodNotFound, "The AI app speaks the newer MCP protocol, which has no such request."))
		return true
	}
	// The one request of the client's running at the server is the one this belongs to.
	r.mu.Lock()
	var key string
	var p pending
	n := 0
	for k, x := range r.inflight {
		if isListing(x.method) || x.method == "server/discover" {
			continue
		}
		key, p = k, x
		n++
	}
	if n == 1 {
		delete(r.inflight, key)
	}
	r.mu.Unlock()
	if n != 1 {
		r.writeServer(errorResponse(env.ID, codeUnavailable, "MCP Tray could not pass this request on: the AI app speaks the newer MCP protocol, which can be asked only while exactly one of its requests runs."))
		return true
	}
	e.mu.Lock()
	e.seq++
	state := statePrefix + strconv.FormatInt(e.seq, 10)
	h := &sessionHeld{p: p, key: key, serverID: append(json.RawMessage(nil), env.ID...)}
	e.states[state] = h
	e.detached[key] = h
	e.mu.Unlock()
	req := map[string]any{"method": env.Method}
	if params := jsonwire.ValueAt(line, "params"); params != nil {
		req["params"] = params
	}
	result, _ := json.Marshal(map[string]any{"resultType": "input_required",
		"inputRequests": map[string]any{inputKey: req}, "requestState": state})
	r.writeClient(resultResponse(p.id, result))
	return true
}

// modernDetachedAnswer takes the server's answer to a request that was answered
// input_required: it waits for the client's retry, or goes to it. It reports whether the
// answer was to such a request.
func (e *eraBridge) modernDetachedAnswer(key string, line []byte) bool {
	e.mu.Lock()
	h := e.detached[key]
	if h == nil {
		e.mu.Unlock()
		return false
	}
	if !h.resumed {
		h.parked = append([]byte(nil), line...)
		e.mu.Unlock()
		return true
	}
	delete(e.detached, key)
	e.mu.Unlock()
	e.r.answerAs(h.p, key, line)
	return true
}

// answerAs passes the server's answer (line) to a request on as the answer to p.
func (r *relay) answerAs(p pending, key string, line []byte) {
	r.mu.Lock()
	r.inflight[key] = p
	r.mu.Unlock()
	r.fromServer(line, append(line[:len(line):len(line)], '\n'))
}

// modernRequest handles a modern client's request for a legacy server: a retry carrying a
// request state of MCP Tray's, and subscriptions/listen. It reports whether it did; every
// other request goes to the server as it is.
func (e *eraBridge) modernRequest(env envelope, line []byte) bool {
	r := e.r
	if state := jsonwire.StringAt(line, "params", "requestState"); strings.HasPrefix(state, statePrefix) {
		e.mu.Lock()
		h := e.states[state]
		if h == nil {
			e.mu.Unlock()
			r.writeClient(errorResponse(env.ID, codeInvalidRequest, "MCP Tray does not know this request state; start the request again."))
			return true
		}
		delete(e.states, state)
		h.p.id = append(json.RawMessage(nil), env.ID...)
		h.resumed = true
		parked := h.parked
		if parked != nil {
			delete(e.detached, h.key)
		}
		e.mu.Unlock()
		if answer := jsonwire.ValueAt(line, "params", "inputResponses", inputKey); answer != nil {
			r.writeServer(resultResponse(h.serverID, answer))
		} else {
			r.writeServer(errorResponse(h.serverID, codeUnavailable, "The AI app did not answer this request."))
		}
		if parked != nil {
			r.answerAs(h.p, h.key, parked)
		}
		return true
	}
	if level := jsonwire.StringAt(line, "params", "_meta", metaLogLevel); level != "" {
		e.mu.Lock()
		var msg []byte
		if level != e.sentLevel {
			e.sentLevel = level
			msg = e.ownRequest("logging/setLevel", map[string]string{"level": level})
		}
		e.mu.Unlock()
		if msg != nil { // before the request, so that its log messages are already at that level
			r.writeServer(msg)
		}
	}
	if env.Method != "subscriptions/listen" {
		return false
	}
	var uris []string
	json.Unmarshal(jsonwire.ValueAt(line, "params", "notifications", "resourceSubscriptions"), &uris)
	e.mu.Lock()
	e.listen = append(json.RawMessage(nil), env.ID...)
	var msgs [][]byte
	for _, uri := range uris {
		msgs = append(msgs, e.ownRequest("resources/subscribe", map[string]string{"uri": uri}))
	}
	e.listened = uris
	e.mu.Unlock()
	for _, m := range msgs {
		r.writeServer(m)
	}
	return true // the stream stays open until the client cancels it
}

// modernNotification handles a modern client's cancellation of its listen stream; it reports
// whether the notification was that.
func (e *eraBridge) modernNotification(env envelope, line []byte) bool {
	if env.Method != "notifications/cancelled" {
		return false
	}
	id := jsonwire.ValueAt(line, "params", "requestId")
	e.mu.Lock()
	if e.listen == nil || string(id) != string(e.listen) {
		e.mu.Unlock()
		return false
	}
	e.listen = nil
	var msgs [][]byte
	for _, uri := range e.listened {
		msgs = append(msgs, e.ownRequest("resources/unsubscribe", map[string]string{"uri": uri}))
	}
	e.listened = nil
	e.mu.Unlock()
	for _, m := range msgs {
		e.r.writeServer(m)
	}
	return true
}

// modernServerNotification gives a legacy server's list changes and resource updates the
// listen stream's id, as a modern client expects them; it reports whether it sent line.
func (e *eraBridge) modernServerNotification(env envelope, line []byte) bool {
	if env.Method != "notifications/resources/updated" && !strings.HasSuffix(env.Method, "/list_changed") {
		return false
	}
	e.mu.Lock()
	listen := e.listen
	e.mu.Unlock()
	if listen == nil {
		return false
	}
	out := setParams(line, nil, map[string]json.RawMessage{"io.modelcontextprotocol/subscriptionId": listen})
	e.r.writeClient(append(out, '\n'))
	return true
}
