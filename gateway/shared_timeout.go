package gateway

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"

	"github.com/mcptray/mcptray/internal/jsonwire"
)

// forwardTimed forwards an allowed call as forward does, with result (CallVerdict.Result) for
// its answer (result.go), and when limit is more than zero ends it as the session relay does
// (timeout.go) if the server has not answered in time: the client gets an isError result, the
// server notifications/cancelled under the hub's id for the call, finished CallTimedOut.
func (m *member) forwardTimed(line []byte, env envelope, finished func(CallOutcome, time.Duration), limit time.Duration, result func([]byte) []byte) {
	if limit <= 0 && result == nil {
		m.forward(line, env, finished)
		return
	}
	d := &deadline{}
	var rk resultKey
	if result != nil {
		key, ok := jsonwire.IDKey(env.ID)
		if ok {
			rk = resultKey{m, key}
			results.Store(rk, result)
		}
	}
	m.forward(line, env, func(o CallOutcome, took time.Duration) {
		d.stop()
		if rk.m != nil {
			results.Delete(rk)
		}
		if finished != nil {
			finished(o, took)
		}
	})
	if limit <= 0 {
		return
	}
	// The call is registered by now unless it has ended already (answered, or refused).
	h := m.h
	h.mu.Lock()
	var c *call
	for _, x := range h.calls {
		if x.m == m && x.method == "tools/call" && bytes.Equal(x.id, env.ID) {
			c = x
			break
		}
	}
	if c != nil {
		d.timer = time.AfterFunc(limit, func() { m.guard(func() { m.timeOut(c, limit) }) })
	}
	h.mu.Unlock()
}

// timeOut ends call c if it is still in flight.
func (m *member) timeOut(c *call, limit time.Duration) {
	h := m.h
	h.answering.Lock()
	defer h.answering.Unlock()
	h.mu.Lock()
	var n int64
	found := false
	for id, x := range h.calls {
		if x == c {
			n, found = id, true
			delete(h.calls, id)
			h.releaseTokenLocked(id, x)
			break
		}
	}
	st := h.state
	h.mu.Unlock()
	if !found {
		return
	}
	m.send(deniedResult(c.id, timedOutMessage(limit)))
	if st != nil {
		h.writeUp(st, cancelledNote(json.RawMessage(strconv.FormatInt(n, 10)), "MCP Tray's time limit for this call passed"))
	}
	if c.finished != nil {
		c.finished(CallTimedOut, time.Since(c.start))
	}
}
