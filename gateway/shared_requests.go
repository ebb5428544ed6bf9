package gateway

import (
	"bytes"
	"encoding/json"
	"github.com/mcptray/mcptray/internal/jsonwire"
	"github.com/mcptray/mcptray/internal/prose"
	"strconv"
	"time"
)

// How the hub handles what a client sends.

func (m *member) request(line []byte, env envelope) {
	h := m.h
	if state := requestState(line); state != "" {
		m.resumeModern(line, env, state) // a retry of a request the hub asked input for
		return
	}
	if env.Method != "initialize" && env.Method != "server/discover" {
		m.carryLevel(line)
	}
	if env.Method == "subscriptions/listen" && m.listen(line, env) {
		return
	}
	switch env.Method {
	case "initialize", "server/discover":
		m.sess.learnClient(line)
		caps := jsonwire.ValueAt(line, "params", "capabilities")
		if env.Method == "server/discover" {
			caps = jsonwire.ValueAt(line, "params", "_meta", "io.modelcontextprotocol/clientCapabilities")
		}
		h.mu.Lock()
		m.caps = readCaps(caps)
		m.capsRaw = append(json.RawMessage(nil), caps...)
		if env.Method == "server/discover" {
			m.modern = true
		}
		if env.Method == "initialize" {
			m.legacy = true
			m.infoRaw = append(json.RawMessage(nil), jsonwire.ValueAt(line, "params", "clientInfo")...)
		}
		h.mu.Unlock()
		st, err := h.waitReady(m.ctx)
		if err != nil {
			m.send(errorResponse(env.ID, codeUnavailable, prose.Sentence(err)))
			return
		}
		if env.Method == "server/discover" {
			m.send(h.discoverFor(st, env.ID, jsonwire.StringAt(line, "params", "_meta", "io.modelcontextprotocol/protocolVersion")))
			return
		}
		res, refusal := h.initializeFor(st, jsonwire.StringAt(line, "params", "protocolVersion"))
		if refusal != "" {
			h.note("%s", refusal)
			m.send(errorResponse(env.ID, codeInvalidRequest, refusal))
			return
		}
		m.send(resultResponse(env.ID, res))
	case "ping":
		m.send(resultResponse(env.ID, json.RawMessage("{}")))
	case "logging/setLevel":
		if st := h.currentState(); st != nil && st.modernOnly() {
			// 2026-07-28 has no logging/setLevel: the level goes with each of the app's
			// requests (see modernRequest).
			h.mu.Lock()
			m.level = logRank(jsonwire.StringAt(line, "params", "level"))
			h.mu.Unlock()
			m.send(resultResponse(env.ID, json.RawMessage("{}")))
			return
		}
		h.mu.Lock()
		m.level = logRank(jsonwire.StringAt(line, "params", "level"))
		lowest := h.minLevelLocked()
		h.levelSent = logLevels[lowest]
		h.mu.Unlock()
		q, _ := json.Marshal(logLevels[lowest])
		if out := jsonwire.ReplaceAt(line, q, "params", "level"); out != nil {
			line = out
		}
		m.forward(line, env, nil)
	case "resources/subscribe", "resources/unsubscribe":
		uri := jsonwire.StringAt(line, "params", "uri")
		h.mu.Lock()
		others := len(h.subs[uri]) - btoi(m.subs[uri])
		if env.Method == "resources/subscribe" {
			if h.subs[uri] == nil {
				h.subs[uri] = map[*member]struct{}{}
			}
			h.subs[uri][m] = struct{}{}
			m.subs[uri] = true
		} else {
			delete(h.subs[uri], m)
			delete(m.subs, uri)
			if len(h.subs[uri]) == 0 {
				delete(h.subs, uri)
			}
		}
		var relisten [][]byte
		st := h.state
		modern := st != nil && st.modernOnly()
		if modern && others == 0 {
			relisten = h.relistenLocked(st)
		}
		h.mu.Unlock()
		if modern { // no resources/subscribe in 2026-07-28: the hub's listen stream changes
			for _, msg := range relisten {
				h.writeUp(st, msg)
			}
			m.send(resultResponse(env.ID, json.RawMessage("{}")))
			return
		}
		if others > 0 { // the server already sends this resource's updates for another client
			m.send(resultResponse(env.ID, json.RawMessage("{}")))
			return
		}
		m.forward(line, env, nil)
	case "tasks/get", "tasks/result", "tasks/cancel":
		if h.taskOwner(jsonwire.StringAt(line, "params", "taskId")) != m {
			m.send(errorResponse(env.ID, codeUnknownTask, "This app has no task with this id on this server."))
			return
		}
		m.forward(line, env, nil)
	case "tools/call":
		if h.opts.Gate != nil {
			m.gateCall(line, env)
			return
		}
		m.forward(line, env, nil)
	default:
		m.forward(line, env, nil)
	}
}

// forward sends a client's request to the server under a fresh hub id (and progress token),
// waiting for a restarting server. finished, when set, learns how a tool call ended.
func (m *member) forward(line []byte, env envelope, finished func(CallOutcome, time.Duration)) {
	h := m.h
	st, err := h.waitReady(m.ctx)
	if err != nil {
		if m.ctx.Err() == nil {
			m.send(errorResponse(env.ID, codeUnavailable, prose.Sentence(err)))
		}
		if finished != nil {
			finished(CallNotRun, 0)
		}
		return
	}
	id := h.seq.Add(1)
	idb := []byte(strconv.FormatInt(id, 10))
	c := &call{m: m, id: append(json.RawMessage(nil), env.ID...), method: env.Method, finished: finished}
	msg := jsonwire.ReplaceAt(line, idb, "id")
	if st.modernOnly() && m.isLegacy() {
		msg = m.modernRequest(msg)
		c.line = msg
	}
	switch env.Method {
	case "tools/list":
		c.cursor = jsonwire.ValueAt(line, "params", "cursor") != nil
	case "tools/call":
		c.tool = jsonwire.StringAt(line, "params", "name")
		m.identifyRetry(c, line)
	}
	c.start = time.Now()
	h.mu.Lock()
	if m.gone.Load() {
		h.mu.Unlock()
		return
	}
	h.calls[id] = c
	msg = append(h.claimTokenLocked(id, c, msg), '\n')
	sync := h.needsRootsLocked(st, m, env.Method)
	h.mu.Unlock()
	if sync || m.queueing() {
		// The server is to fetch this app's roots first. The client's pump goes on meanwhile
		// (it carries the app's answer to the server's roots/list); the client's later
		// requests queue behind this one, in order.
		m.enqueue(func() {
			if sync {
				h.syncRoots(st, m)
			}
			m.writeCall(st, id, c, msg)
		})
		return
	}
	m.writeCall(st, id, c, msg)
}

// writeCall writes the client's request, registered as hub request id, to the server of
// generation st, unless it was cancelled meanwhile; it answers the client when the server is
// gone.
func (m *member) writeCall(st *hubState, id int64, c *call, msg []byte) {
	h := m.h
	h.mu.Lock()
	still := h.calls[id] == c
	h.mu.Unlock()
	if !still {
		return
	}
	if err := h.writeUp(st, msg); err != nil {
		if c, ok := h.settle(id); ok {
			m.send(errorResponse(c.id, codeServerGone, h.goneMessage()))
			if c.finished != nil {
				c.finished(CallFailed, 0)
			}
		}
	}
}

func (m *member) notification(line, raw []byte, env envelope) {
	h := m.h
	switch env.Method {
	case "notifications/initialized":
		// The hub initialized the server itself; what the server announced once initialized
		// reaches this client now, as it would have directly.
		h.mu.Lock()
		first := !m.initialized
		m.initialized = true
		var early [][]byte
		if st := h.state; st != nil && first {
			early = st.early
		}
		h.mu.Unlock()
		for _, note := range early {
			m.send(append([]byte(nil), note...))
		}
	case "notifications/roots/list_changed":
		m.clientRootsChanged(raw)
	case "notifications/cancelled":
		rid := cancelledID(line)
		if m.endListen(rid) {
			return // the app's listen stream on a legacy server (shared_modern_listen.go)
		}
		if m.withdraw(rid) {
			return // the call never reached the server
		}
		h.mu.Lock()
		var n int64
		var c *call
		for id, x := range h.calls {
			if x.m == m && bytes.Equal(x.id, rid) {
				n, c = id, x
				delete(h.calls, id)
				h.releaseTokenLocked(id, x)
				break
			}
		}
		st := h.state
		h.mu.Unlock()
		if c == nil {
			return
		}
		if out := jsonwire.ReplaceAt(line, []byte(strconv.FormatInt(n, 10)), "params", "requestId"); out != nil {
			h.writeUp(st, append(out, '\n'))
		}
		if c.finished != nil {
			c.finished(CallFailed, time.Since(c.start))
		}
	default:
		h.mu.Lock()
		st := h.state
		h.mu.Unlock()
		if st != nil {
			h.writeUp(st, raw)
		}
	}
}

// response passes a client's answer to a server-to-client request it was sent.
func (m *member) response(raw []byte, env envelope) {
	h := m.h
	h.mu.Lock()
	c := h.outbound[string(env.ID)]
	if c != nil && c.m == m {
		delete(h.outbound, string(env.ID))
	} else {
		c = nil
	}
	roots := c != nil && c.method == "roots/list"
	if roots && jsonwire.ValueAt(raw, "result") == nil {
		// An app that could not say its roots has none: the server must not keep another
		// app's.
		raw = resultResponse(c.id, json.RawMessage(`{"roots":[]}`))
	}
	if roots {
		h.giveRootsLocked(m)
	}
	st := h.state
	h.mu.Unlock()
	if c == nil {
		return // an answer to a request the server no longer waits for
	}
	if c.input != nil {
		h.answerInput(c, raw) // the hub asked, for a modern server's input_required result
		return
	}
	h.writeUp(st, raw)
	if roots {
		h.rootsGiven(c.id)
	}
}

// isLegacy reports whether the client spoke the legacy handshake.
func (m *member) isLegacy() bool {
	m.h.mu.Lock()
	defer m.h.mu.Unlock()
	return m.legacy
}

// currentState is the ready handshake, or nil.
func (h *Hub) currentState() *hubState {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.state
}

func (m *member) wantsLog(rank int) bool {
	m.h.mu.Lock()
	defer m.h.mu.Unlock()
	return m.level < 0 || rank >= m.level
}

func (m *member) traffic(dir string, k kind, env envelope, size int, latency time.Duration) {
	if m.h.opts.Hooks.Traffic == nil {
		return
	}
	kinds := [...]string{"invalid", "request", "notification", "response", "batch"}
	m.h.opts.Hooks.Traffic(m.sess.view(), Traffic{Time: time.Now(), Direction: dir, Kind: kinds[k], Method: env.Method,
		ID: string(env.ID), Size: size, Latency: latency})
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func clientName(c string) string {
	if c == "" {
		return "an AI client"
	}
	return c
}
