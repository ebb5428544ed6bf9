package gateway

import (
	"context"
	"encoding/json"

	"github.com/mcptray/mcptray/internal/jsonwire"
)

// gateCall asks the gate about a client's tools/call with the client's own Session, exactly
// as Relay does: forward, refuse, or hold it off the pump until the person answers. A held
// call reaches the server only after approval.
func (m *member) gateCall(line []byte, env envelope) {
	tc, ok := readToolCall(line)
	name, args := tc.name, tc.args
	if !ok {
		m.send(errorResponse(env.ID, codeInvalidRequest, "MCP Tray could not read this tool call (it names no tool)."))
		return
	}
	m.h.mu.Lock()
	twice := m.h.blocked[name]
	m.h.mu.Unlock()
	if twice {
		m.h.opts.Gate.Refused(m.sess, name, args, reasonTwice)
		m.send(deniedResult(env.ID, twiceMessage(m.h.opts.Server, name)))
		return
	}
	if v, ok := m.retryOf(line, name, args); ok {
		m.forward(line, env, v.Finished) // the retry of a call decided already
		return
	}
	v := consultGate(m.h.opts.Gate, m.sess, tc)
	if v.Ask == nil {
		m.actOn(line, env, v)
		return
	}
	// The bytes are copied: the reader's buffer is reused by the next message.
	msg := append([]byte(nil), line...)
	env = envelope{ID: append(json.RawMessage(nil), env.ID...), Method: env.Method}
	key, _ := jsonwire.IDKey(env.ID) // the client's pump refused requests without a usable id
	ctx, cancel := context.WithCancel(m.ctx)
	m.mu.Lock()
	if m.leaving || m.ending {
		m.mu.Unlock()
		cancel()
		return
	}
	if _, dup := m.held[key]; dup {
		m.mu.Unlock()
		cancel()
		m.send(errorResponse(env.ID, codeInvalidRequest, "MCP Tray is already holding a tool call with this id."))
		return
	}
	if len(m.held) >= maxHeld(m.h.opts.MaxHeld) {
		m.mu.Unlock()
		cancel()
		m.h.opts.Gate.Refused(m.sess, name, args, reasonTooMany)
		m.send(deniedResult(env.ID, tooManyMessage(maxHeld(m.h.opts.MaxHeld))))
		return
	}
	m.held[key] = cancel
	m.heldWG.Add(1)
	m.asking++
	m.mu.Unlock()
	go func() {
		defer m.heldWG.Done()
		defer func() {
			m.mu.Lock()
			m.asking--
			m.mu.Unlock()
			m.changed()
		}()
		defer func() {
			m.mu.Lock()
			delete(m.held, key)
			m.mu.Unlock()
			cancel()
		}()
		m.guard(func() {
			final := v.Ask(ctx)
			m.mu.Lock()
			delete(m.held, key)
			if m.ending && !final.Allow && final.Message == "" {
				final.Message = endingMessage
			}
			m.mu.Unlock()
			cancel()
			if m.ctx.Err() != nil {
				final = CallVerdict{Finished: final.Finished} // the client left: nothing to send
			}
			m.actOn(msg, env, final)
		})
	}()
}

// actOn forwards an allowed call or answers a refused one; a withdrawn call gets nothing.
func (m *member) actOn(line []byte, env envelope, v CallVerdict) {
	if !v.Allow {
		if v.Message != "" {
			m.send(deniedResult(env.ID, v.Message))
		}
		if v.Finished != nil {
			v.Finished(CallNotRun, 0)
		}
		return
	}
	m.forwardTimed(v.stamp(line), env, v.Finished, v.Timeout, v.Result)
}

// withdraw cancels a held call; it reports whether the id was held.
func (m *member) withdraw(id json.RawMessage) bool {
	key, ok := jsonwire.IDKey(id)
	if !ok {
		return false
	}
	m.mu.Lock()
	cancel, ok := m.held[key]
	m.mu.Unlock()
	if ok {
		cancel()
	}
	return ok
}
