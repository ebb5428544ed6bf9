package gateway

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mcptray/mcptray/internal/jsonwire"
)

// upstreamConn is the hub's side of one server process.
type upstreamConn struct {
	up Upstream
	mu sync.Mutex // serializes writes; held for as long as a write blocks
	// dead is set before the process is stopped, without mu: a write blocked on a server
	// that stopped reading holds mu until the stop makes it fail.
	dead     atomic.Bool
	killOnce sync.Once
	later    sync.WaitGroup // writeUpLater's goroutines; added to only while this is h.up
	// failure is a panic recovered while serving this process (reading it, the handshake):
	// it ends the process as a crash would (see panic.go).
	failure atomic.Pointer[panicError]
}

// write sends one message to the server. It blocks while the server does not read, until
// the process is stopped; once the process is dead it fails at once.
func (u *upstreamConn) write(msg []byte) error {
	if u.dead.Load() {
		return io.ErrClosedPipe
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.dead.Load() {
		return io.ErrClosedPipe
	}
	_, err := u.up.Stdin.Write(msg)
	return err
}

// kill marks the connection dead and stops the process, and returns once it is gone. It
// never waits for mu: closing stdin and ending the process is what makes a blocked write
// return. It is idempotent and safe for concurrent use; every caller waits for the stop.
func (u *upstreamConn) kill() {
	u.dead.Store(true)
	u.killOnce.Do(func() {
		u.up.Stdin.Close()
		u.up.Stop()
	})
}

// Serve makes up the hub's server process: it performs the MCP handshake, then relays for
// every joined client until the process ends (ErrServerGone), ctx ends (ctx's error) or the
// hub is closed (ErrHubClosed). A handshake that fails returns its error. When ctx ends or
// the hub closes, the process is stopped at once, even while a write to it is blocked (a
// server that stopped reading its stdin). Serve always stops the process before it returns,
// and answers every request still in flight with an error; joined clients stay joined and
// are served by the next process given to Serve. Only one Serve may run at a time. A panic
// while serving the process (in the hub or a hook) is handled as its crash: Serve returns an
// error wrapping ErrPanicked, and the clients stay joined for the next process.
func (h *Hub) Serve(ctx context.Context, up Upstream) error {
	conn := &upstreamConn{up: up}
	h.mu.Lock()
	if h.closed || h.up != nil {
		busy := h.up != nil
		h.mu.Unlock()
		up.Stop()
		if busy {
			return errors.New("the shared server already has a process")
		}
		return ErrHubClosed
	}
	h.up = conn
	h.mu.Unlock()
	pumpDone := make(chan struct{})
	go func() {
		defer close(pumpDone)
		h.guardUp(conn, func() { h.pumpFromServer(conn) })
	}()
	// A write to a server that stopped reading (the handshake's, or a client's) returns only
	// when the process ends: when ctx ends or the hub closes, the process is stopped at once
	// rather than once the handshake returns.
	watched, unwatch := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(watched)
		select {
		case <-ctx.Done():
		case <-h.quit:
		case <-unwatch:
			return
		}
		conn.kill()
	}()
	var err error
	if h.guardUp(conn, func() { err = h.handshake(ctx, conn, pumpDone) }) {
		err = conn.failure.Load()
	}
	if err != nil && ctx.Err() != nil {
		err = handshakeError(ctx.Err()) // the watcher stopped the process under the handshake
	}
	if err == nil {
		select {
		case <-pumpDone:
			err = ErrServerGone
		case <-ctx.Done():
			err = ctx.Err()
		case <-h.quit:
			err = ErrHubClosed
		}
	}
	close(unwatch)
	conn.kill()
	<-watched
	<-pumpDone
	h.mu.Lock()
	h.up, h.state = nil, nil
	h.mu.Unlock()
	conn.later.Wait()
	if p := conn.failure.Load(); p != nil {
		h.failCalls(panicMessage)
		return p
	}
	h.failCalls(h.goneMessage())
	return err
}

// guardUp runs f on the hub's server side for the process conn: a panic in it is reported
// and ends the process as a crash would (see panic.go). It reports whether f panicked.
func (h *Hub) guardUp(conn *upstreamConn, f func()) (panicked bool) {
	p := catch(f)
	if p == nil {
		return false
	}
	reportPanic(h.opts.Hooks.Panic, &Session{ID: "shared", Server: h.opts.Server}, p)
	conn.failure.CompareAndSwap(nil, p)
	conn.kill()
	return true
}

// writeUp sends a client's message to the server of generation st; it fails when that
// process is gone, so nothing reaches a successor before its handshake.
func (h *Hub) writeUp(st *hubState, msg []byte) error {
	h.mu.Lock()
	up := h.up
	ok := up != nil && (st == nil || h.state == st)
	h.mu.Unlock()
	if !ok {
		return io.ErrClosedPipe
	}
	return up.write(msg)
}

// writeUpLater sends msgs, in order, to the server of generation st from a goroutine of its
// own, and returns at once; it reports false when that process is already gone. It is for
// messages nobody waits on (a leaving client's cancellations): a client must not be held up
// behind a server that stopped reading. Serve waits for these writes, which fail once it has
// stopped the process, before it returns.
func (h *Hub) writeUpLater(st *hubState, msgs [][]byte) bool {
	h.mu.Lock()
	up := h.up
	ok := up != nil && (st == nil || h.state == st)
	if ok {
		up.later.Add(1)
	}
	h.mu.Unlock()
	if !ok {
		return false
	}
	go func() {
		defer up.later.Done()
		for _, msg := range msgs {
			if up.write(msg) != nil {
				return
			}
		}
	}()
	return true
}

// pumpFromServer reads the server's messages until its stdout ends.
func (h *Hub) pumpFromServer(conn *upstreamConn) {
	lr := newLineReader(bufio.NewReaderSize(conn.up.Stdout, 64<<10), h.opts.MaxMessage)
	for {
		line, _, err := lr.next()
		switch tl := tooLarge(err); {
		case tl != nil:
			h.note("the server sent a %d-byte message, more than the %d-byte limit; MCP Tray dropped it", tl.size, h.max())
			if n, ok := hubID(idFromPrefix(tl.prefix)); ok {
				h.answering.Lock()
				if c, ok := h.settle(n); ok && c.m != nil {
					c.m.send(errorResponse(c.id, codeTooLarge, fmt.Sprintf("The server's answer was %d MB, more than MCP Tray passes on (%d MB).", tl.size>>20, h.max()>>20)))
				}
				h.answering.Unlock()
			}
			continue
		case err != nil:
			return
		}
		h.fromServer(conn, line)
	}
}

// fromServer handles one message from the server. line is only valid during the call.
func (h *Hub) fromServer(conn *upstreamConn, line []byte) {
	k, env, perr := classify(line)
	if k != kindInvalid && k != kindBatch {
		if a := serverAmbiguity(line); a != nil {
			h.refuseServerAmbiguous(k, env, a)
			return
		}
	}
	switch k {
	case kindInvalid:
		h.note("the server wrote something to stdout that is not JSON-RPC, and MCP Tray dropped it (%v): %s", perr, describe(line))
	case kindBatch:
		var msgs []json.RawMessage
		json.Unmarshal(line, &msgs)
		for _, msg := range msgs {
			h.fromServer(conn, msg)
		}
	case kindResponse:
		h.serverResponse(line, env)
	case kindRequest:
		h.serverRequest(conn, line, env)
	case kindNotification:
		h.serverNotification(line, env)
	}
}

// serverResponse maps an answer back to the client that asked, under its own id. Answers to
// requests that were cancelled or whose client left are dropped.
func (h *Hub) serverResponse(line []byte, env envelope) {
	h.answering.Lock()
	defer h.answering.Unlock()
	n, ok := hubIDByValue(env.ID)
	if !ok {
		h.note("the server answered a request MCP Tray never sent (id %s); dropped", env.ID)
		return
	}
	c, ok := h.settle(n)
	if !ok {
		return
	}
	if c.answer != nil {
		c.answer <- append([]byte(nil), line...)
		return
	}
	if c.m == nil {
		return // the hub's own fire-and-forget request
	}
	if h.needsInput(c, line) {
		return // the app is asked; the request is retried with its answers
	}
	if h.parked(c, line) {
		return // a modern app was asked for input: the answer waits for its retry
	}
	h.deliver(c, line)
}

// deliver passes the server's answer line (under the hub's id) to the client of c.
func (h *Hub) deliver(c *call, line []byte) {
	latency := time.Since(c.start)
	out := jsonwire.ReplaceAt(line, c.id, "id")
	h.mu.Lock()
	h.noteTaskLocked(c, line)
	h.mu.Unlock()
	if c.method == "tasks/list" {
		var ok bool
		if out, ok = h.ownTasks(c.m, out); !ok {
			h.note("the server's answer to tasks/list could not be read; MCP Tray did not pass it on")
			out = errorResponse(c.id, codeUnreadable, "MCP Tray did not pass on the server's list of tasks because it could not read it.")
			out = out[:len(out)-1]
		}
	}
	if c.method == "tools/list" {
		var why string
		if out, why = h.toolsList(c, out); why != "" {
			h.note("the server's answer to tools/list %s; MCP Tray did not pass it on", why)
			out = errorResponse(c.id, codeUnreadable, fmt.Sprintf("MCP Tray did not pass on the server's list of tools because it %s.", why))
			out = out[:len(out)-1]
		} else {
			out = h.toolsFor(c.m, out)
		}
	}
	out = c.passResult(out)
	finished := c.finished
	if finished != nil && h.grantRetry(c, line) {
		finished = nil // the call goes on in the app's retry, which finishes it
	}
	if finished != nil {
		finished(callOutcome(line), latency)
	}
	c.m.traffic("server→client", kindResponse, envelope{ID: c.id}, len(out), latency)
	c.m.send(append(out, '\n'))
	if c.method == "tools/call" && h.opts.Hooks.Result != nil {
		h.opts.Hooks.Result(c.m.sess.view(), line)
	}
}

// refuseServerAmbiguous drops a server message that could be read two ways; an answer whose
// id can be read is replaced by an error for the client that asked.
func (h *Hub) refuseServerAmbiguous(k kind, env envelope, a *ambiguity) {
	why := sentence(a)
	h.note("the server sent a message that %s; MCP Tray dropped it", why)
	if k != kindResponse || a.AboutID() {
		return
	}
	n, ok := hubIDByValue(env.ID)
	if !ok {
		return
	}
	h.answering.Lock()
	defer h.answering.Unlock()
	c, ok := h.settle(n)
	if !ok {
		return
	}
	msg := fmt.Sprintf("MCP Tray did not pass on the server's answer because it %s.", why)
	switch {
	case c.answer != nil: // the hub's own request: its asker reads an error
		c.answer <- errorResponse(json.RawMessage(strconv.FormatInt(n, 10)), codeUnreadable, msg)
	case c.m != nil:
		c.m.send(errorResponse(c.id, codeUnreadable, msg))
		if c.finished != nil {
			c.finished(CallFailed, time.Since(c.start))
		}
	}
}

// hubID reads an id the hub issued (a plain integer); ok is false for any other id.
func hubID(raw []byte) (int64, bool) {
	n, err := strconv.ParseInt(string(bytes.TrimSpace(raw)), 10, 64)
	return n, err == nil
}

// hubIDByValue reads the id of a server's answer as clients compare ids (see
// jsonwire.IDKey): "7", 7.0 and 7e0 all answer the hub's request 7.
func hubIDByValue(raw []byte) (int64, bool) {
	if n, ok := hubID(raw); ok { // the hub's own ids are plain integers: the usual answer
		return n, n >= 0 && n <= 1<<53
	}
	key, ok := jsonwire.IDKey(raw)
	if !ok || !strings.HasPrefix(key, "n:") {
		return 0, false
	}
	f, err := strconv.ParseFloat(key[2:], 64)
	if err != nil || f != math.Trunc(f) || f < 0 || f > 1<<53 {
		return 0, false
	}
	return int64(f), true
}
