package gateway

import (
	"bytes"
	"encoding/json"
	"github.com/mcptray/mcptray/internal/prose"
	"strconv"
	"time"
)

// How the hub handles what a client sends.

func (m *member) request(line []byte, env envelope) {
	h := m.h
	switch env.Method {
	case "initialize", "server/discover":
		if m.sess.Client == "" {
			m.sess.Client = clientInfoName(line)
		}
		caps := valueAt(line, "params", "capabilities")
		if env.Method == "server/discover" {
			caps = valueAt(line, "params", "_meta", "io.modelcontextprotocol/clientCapabilities")
		}
		h.mu.Lock()
		m.caps = readCaps(caps)
		h.mu.Unlock()
		st, err := h.waitReady(m.ctx)
		if err != nil {
			m.send(errorResponse(env.ID, codeUnavailable, prose.Sentence(err)))
			return
		}
		if env.Method == "server/discover" {
			m.send(h.discoverFor(st, env.ID, stringAt(line, "params", "_meta", "io.modelcontextprotocol/protocolVersion")))
			return
		}
		res, refusal := h.initializeFor(st, stringAt(line, "params", "protocolVersion"))
		if refusal != "" {
			h.note("%s", refusal)
			m.send(errorResponse(env.ID, codeInvalidRequest, refusal))
			return
		}
		m.send(resultResponse(env.ID, res))
	case "ping":
		m.send(resultResponse(env.ID, json.RawMessage("{}")))
	case "logging/setLevel":
		h.mu.Lock()
		m.level = logRank(stringAt(line, "params", "level"))
		lowest := h.minLevelLocked()
		h.mu.Unlock()
		q, _ := json.Marshal(logLevels[lowest])
		if out := replaceAt(line, q, "params", "level"); out != nil {
			line = out
		}
		m.forward(line, env, nil)
	case "resources/subscribe", "resources/unsubscribe":
		uri := stringAt(line, "params", "uri")
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
		h.mu.Unlock()
		if others > 0 { // the server already sends this resource's updates for another client
			m.send(resultResponse(env.ID, json.RawMessage("{}")))
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
	msg := replaceAt(line, idb, "id")
	if tok := valueAt(msg, "params", "_meta", "progressToken"); tok != nil {
		c.token = append(json.RawMessage(nil), tok...)
		msg = replaceAt(msg, idb, "params", "_meta", "progressToken")
	}
	if env.Method == "tools/list" {
		c.cursor = valueAt(line, "params", "cursor") != nil
	}
	c.start = time.Now()
	h.mu.Lock()
	if m.gone.Load() {
		h.mu.Unlock()
		return
	}
	h.calls[id] = c
	h.mu.Unlock()
	if err := h.writeUp(st, append(msg, '\n')); err != nil {
		if c, ok := h.settle(id); ok {
			m.send(errorResponse(c.id, codeServerGone, h.goneMessage()))
			if finished != nil {
				finished(CallFailed, 0)
			}
		}
	}
}

func (m *member) notification(line, raw []byte, env envelope) {
	h := m.h
	switch env.Method {
	case "notifications/initialized":
		// The hub initialized the server itself.
	case "notifications/roots/list_changed":
		// One client's roots are not the shared server's: roots are answered per call.
	case "notifications/cancelled":
		rid := cancelledID(line)
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
				break
			}
		}
		st := h.state
		h.mu.Unlock()
		if c == nil {
			return
		}
		if out := replaceAt(line, []byte(strconv.FormatInt(n, 10)), "params", "requestId"); out != nil {
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
	st := h.state
	h.mu.Unlock()
	if c == nil {
		return // an answer to a request the server no longer waits for
	}
	h.writeUp(st, raw)
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
	m.h.opts.Hooks.Traffic(m.sess, Traffic{Time: time.Now(), Direction: dir, Kind: kinds[k], Method: env.Method,
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
