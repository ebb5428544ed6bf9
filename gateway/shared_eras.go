package gateway

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/mcptray/mcptray/internal/jsonwire"
)

// Both protocol eras, in shared mode (see docs/eras.md). A legacy app (it sent initialize)
// may reach a modern-only server (it refused initialize and answered server/discover). The
// hub then answers the app's initialize from server/discover, gives each of the app's
// requests the _meta a 2026-07-28 server requires (the version, and the app's own
// capabilities and identity), and turns the server's input_required results into the
// server-to-client requests a legacy app understands: it asks the app, then retries the
// original request with the answers. The retry is the hub's: the person approved (and the
// audit log recorded) the app's one tools/call, never an interim result or a retry.

// Meta keys of the 2026-07-28 protocol.
const (
	metaVersion  = "io.modelcontextprotocol/protocolVersion"
	metaCaps     = "io.modelcontextprotocol/clientCapabilities"
	metaInfo     = "io.modelcontextprotocol/clientInfo"
	metaLogLevel = "io.modelcontextprotocol/logLevel"
)

// maxInputRounds bounds how often one request may come back input_required.
const maxInputRounds = 10

// modernOnly reports whether the process speaks only the 2026-07-28 protocol: it refused
// initialize and answered server/discover.
func (st *hubState) modernOnly() bool { return st.init == nil && st.discover != nil }

// legacyInitialize answers a legacy app's initialize (asking for version) for a modern-only
// server, from its server/discover result (see initializeFromDiscover).
func (h *Hub) legacyInitialize(st *hubState, version string) json.RawMessage {
	return initializeFromDiscover(st.discover, version, h.opts.Server)
}

// initializeFromDiscover is the initialize result a legacy app gets from a modern-only server
// that answered server/discover with discover: the version the app asked for when it is a
// published legacy one, else the newest legacy one (the app decides whether it can go on).
// server names the server when its answer carries no serverInfo.
func initializeFromDiscover(discover json.RawMessage, version, server string) json.RawMessage {
	chosen := handshakeVersion
	if version < statelessVersion && slices.Contains(knownVersions, version) {
		chosen = version
	}
	info := jsonwire.ValueAt(discover, "_meta", "io.modelcontextprotocol/serverInfo")
	if info == nil {
		info, _ = json.Marshal(map[string]string{"name": server, "version": "unknown"})
	}
	caps := jsonwire.ValueAt(discover, "capabilities")
	if caps == nil {
		caps = json.RawMessage("{}")
	}
	out := map[string]any{"protocolVersion": chosen, "capabilities": caps, "serverInfo": info}
	if s := jsonwire.StringAt(discover, "instructions"); s != "" {
		out["instructions"] = s
	}
	b, _ := json.Marshal(out)
	return b
}

// modernRequest returns a legacy app's request as a modern-only server must receive it (see
// withModernMeta), with the app's own capabilities, identity and log level.
func (m *member) modernRequest(line []byte) []byte {
	m.h.mu.Lock()
	caps, info, level := m.capsRaw, m.infoRaw, m.level
	m.h.mu.Unlock()
	return withModernMeta(line, caps, info, level)
}

// withModernMeta returns a legacy app's request with what a modern-only server requires in
// params._meta: the protocol version, the app's capabilities (caps; nil means none) and
// identity (info, when known), and the log level it set (a logLevels index; -1 for none).
func withModernMeta(line []byte, caps, info json.RawMessage, level int) []byte {
	if caps == nil {
		caps = json.RawMessage("{}")
	}
	meta := map[string]json.RawMessage{metaVersion: json.RawMessage(strconv.Quote(statelessVersion)), metaCaps: caps}
	if info != nil {
		meta[metaInfo] = info
	}
	if level >= 0 {
		meta[metaLogLevel] = json.RawMessage(strconv.Quote(logLevels[level]))
	}
	return setParams(line, nil, meta)
}

// setParams returns msg with the members set (in params) and meta (in params._meta) set,
// every other member kept. Member order within params may change; values are kept byte for
// byte. It returns msg unchanged when params is not an object.
func setParams(msg []byte, set, meta map[string]json.RawMessage) []byte {
	params := map[string]json.RawMessage{}
	raw := jsonwire.ValueAt(msg, "params")
	if raw != nil && json.Unmarshal(raw, &params) != nil {
		return msg
	}
	if params == nil { // "params":null
		params = map[string]json.RawMessage{}
	}
	for k, v := range set {
		params[k] = v
	}
	if len(meta) > 0 {
		m := map[string]json.RawMessage{}
		if params["_meta"] != nil && json.Unmarshal(params["_meta"], &m) != nil {
			return msg
		}
		if m == nil {
			m = map[string]json.RawMessage{}
		}
		for k, v := range meta {
			m[k] = v
		}
		params["_meta"], _ = json.Marshal(m)
	}
	b, _ := json.Marshal(params)
	if raw != nil {
		return jsonwire.ReplaceAt(msg, b, "params")
	}
	// No params yet: add them after the opening brace.
	i := jsonwire.SkipSpace(msg, 0)
	out := append([]byte(nil), msg[:i+1]...)
	out = append(out, `"params":`...)
	out = append(out, b...)
	if j := jsonwire.SkipSpace(msg, i+1); j < len(msg) && msg[j] != '}' {
		out = append(out, ',')
	}
	return append(out, msg[i+1:]...)
}

// inputRound is one input_required result of the server, being answered by the app.
type inputRound struct {
	c       *call
	state   json.RawMessage // requestState, echoed back verbatim; nil when none
	want    int
	answers map[string]json.RawMessage
	done    bool // retried or failed: later answers are dropped
}

// needsInput handles a modern server's answer to a legacy app's request (c) that asks for
// input: it sends the app the server's requests and returns true; the app's answers lead to
// a retry (see answerInput). It returns false for any other answer.
func (h *Hub) needsInput(c *call, line []byte) bool {
	if c.m == nil || c.line == nil || jsonwire.StringAt(line, "result", "resultType") != "input_required" {
		return false
	}
	var reqs map[string]json.RawMessage
	if json.Unmarshal(jsonwire.ValueAt(line, "result", "inputRequests"), &reqs) != nil || len(reqs) == 0 {
		h.failInput(c, "MCP Tray could not read what the server asked for to complete this request.")
		return true
	}
	c.rounds++
	if c.rounds > maxInputRounds {
		h.failInput(c, fmt.Sprintf("The server asked for more input more than %d times for this request; MCP Tray stopped it.", maxInputRounds))
		return true
	}
	r := &inputRound{c: c, state: jsonwire.ValueAt(line, "result", "requestState"), want: len(reqs), answers: map[string]json.RawMessage{}}
	var sends [][]byte
	h.mu.Lock()
	for key, req := range reqs {
		method := jsonwire.StringAt(req, "method")
		switch {
		case method == "roots/list" && !c.m.caps.roots:
			r.answers[key] = json.RawMessage(`{"roots":[]}`)
			continue
		case method != "sampling/createMessage" && method != "elicitation/create" && method != "roots/list",
			!c.m.caps.can(method, req):
			h.mu.Unlock()
			h.failInput(c, fmt.Sprintf("The server needs %s to complete this request, which this app did not say it can answer.", describe([]byte(what(method, req)))))
			return true
		}
		id, _ := json.Marshal(fmt.Sprintf("mcptray-input-%d", h.seq.Add(1)))
		h.outbound[string(id)] = &call{m: c.m, id: id, method: method, start: c.start, input: r, key: key}
		msg := map[string]any{"jsonrpc": "2.0", "id": json.RawMessage(id), "method": method}
		if p := jsonwire.ValueAt(req, "params"); p != nil {
			msg["params"] = p
		}
		b, _ := json.Marshal(msg)
		sends = append(sends, append(b, '\n'))
	}
	ready := len(r.answers) == r.want // every request answered by the hub itself (roots)
	r.done = ready
	h.mu.Unlock()
	for _, b := range sends {
		c.m.send(b)
	}
	if ready {
		h.retryInput(r)
	}
	return true
}

// answerInput takes the app's answer to one of the server's input requests; once every one
// is answered, the original request is retried with them.
func (h *Hub) answerInput(o *call, raw []byte) {
	r := o.input
	res := jsonwire.ValueAt(raw, "result")
	h.mu.Lock()
	over := r.done
	r.done = r.done || res == nil
	h.mu.Unlock()
	if over {
		return
	}
	if res == nil {
		msg := jsonwire.StringAt(raw, "error", "message")
		if msg == "" {
			msg = "the app could not answer"
		}
		h.failInput(r.c, fmt.Sprintf("The server needed input for this request and the app answered: %s", msg))
		return
	}
	h.mu.Lock()
	r.answers[o.key] = append(json.RawMessage(nil), res...)
	done := len(r.answers) == r.want
	r.done = done
	h.mu.Unlock()
	if done {
		h.retryInput(r)
	}
}

// retryInput sends the original request again, under a new hub id, with the app's answers.
func (h *Hub) retryInput(r *inputRound) {
	c := r.c
	answers, _ := json.Marshal(r.answers)
	set := map[string]json.RawMessage{"inputResponses": answers}
	if r.state != nil {
		set["requestState"] = r.state
	}
	line := setParams(c.line, set, nil)
	id := h.seq.Add(1)
	line = jsonwire.ReplaceAt(line, []byte(strconv.FormatInt(id, 10)), "id")
	h.mu.Lock()
	st := h.state
	if c.m.gone.Load() || st == nil {
		h.mu.Unlock()
		return
	}
	orig := c.token
	c.tokenKey = ""
	h.calls[id] = c
	line = h.claimTokenLocked(id, c, line)
	if orig != nil {
		c.token = orig
	}
	h.mu.Unlock()
	c.m.writeCall(st, id, c, append(line, '\n'))
}

// failInput ends a request whose input could not be given with an error for the app.
func (h *Hub) failInput(c *call, msg string) {
	c.m.send(errorResponse(c.id, codeUnavailable, msg))
	if c.finished != nil {
		c.finished(CallFailed, 0)
	}
	c.m.changed()
}
