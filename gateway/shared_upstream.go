package gateway

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// upstreamConn is the hub's side of one server process.
type upstreamConn struct {
	up   Upstream
	mu   sync.Mutex // serializes writes
	dead bool
}

func (u *upstreamConn) write(msg []byte) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.dead {
		return io.ErrClosedPipe
	}
	_, err := u.up.Stdin.Write(msg)
	return err
}

// Serve makes up the hub's server process: it performs the MCP handshake, then relays for
// every joined client until the process ends (ErrServerGone), ctx ends (ctx's error) or the
// hub is closed (ErrHubClosed). A handshake that fails returns its error. Serve always stops
// the process before it returns, and answers every request still in flight with an error;
// joined clients stay joined and are served by the next process given to Serve. Only one
// Serve may run at a time.
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
		h.pumpFromServer(conn)
	}()
	err := h.handshake(ctx, conn, pumpDone)
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
	conn.mu.Lock()
	conn.dead = true
	up.Stdin.Close()
	conn.mu.Unlock()
	up.Stop()
	<-pumpDone
	h.mu.Lock()
	h.up, h.state = nil, nil
	h.mu.Unlock()
	h.failCalls(h.goneMessage())
	return err
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

// pumpFromServer reads the server's messages until its stdout ends.
func (h *Hub) pumpFromServer(conn *upstreamConn) {
	lr := newLineReader(bufio.NewReaderSize(conn.up.Stdout, 64<<10), h.opts.MaxMessage)
	for {
		line, _, err := lr.next()
		var tl *errTooLarge
		switch {
		case errors.As(err, &tl):
			h.note("the server sent a %d-byte message, more than the %d-byte limit; MCP Tray dropped it", tl.size, h.max())
			if n, ok := hubID(idFromPrefix(tl.prefix)); ok {
				if c, ok := h.settle(n); ok && c.m != nil {
					c.m.send(errorResponse(c.id, codeTooLarge, fmt.Sprintf("The server's answer was %d MB, more than MCP Tray passes on (%d MB).", tl.size>>20, h.max()>>20)))
				}
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
	n, ok := hubID(env.ID)
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
	latency := time.Since(c.start)
	out := replaceAt(line, c.id, "id")
	if c.method == "tools/list" {
		out = h.toolsList(c, out)
	}
	if c.finished != nil {
		c.finished(callOutcome(line), latency)
	}
	c.m.traffic("server→client", kindResponse, envelope{ID: c.id}, len(out), latency)
	c.m.send(append(out, '\n'))
}

// toolsList lets the gate see (and trim) a tools/list answer for the client that asked, and
// remembers the complete list so that a restarted server can be compared with it.
func (h *Hub) toolsList(c *call, line []byte) []byte {
	res := valueAt(line, "result")
	if res == nil {
		return line
	}
	var page struct {
		Tools      []json.RawMessage `json:"tools"`
		NextCursor string            `json:"nextCursor"`
	}
	if json.Unmarshal(res, &page) != nil {
		return line
	}
	if !c.cursor && page.NextCursor == "" {
		fp := toolsFingerprint(page.Tools)
		h.mu.Lock()
		h.tools = fp
		h.mu.Unlock()
	}
	if h.opts.Hooks.Tools != nil {
		h.opts.Hooks.Tools(c.m.sess, page.Tools, page.NextCursor)
	}
	if h.opts.Gate == nil {
		return line
	}
	out := h.opts.Gate.Tools(c.m.sess, res, page.NextCursor == "")
	if string(out) == string(res) {
		return line
	}
	s, e, _ := field(line, "result")
	return splice(line, s, e, out)
}

func toolsFingerprint(tools []json.RawMessage) []byte {
	sum := sha256.New()
	for _, t := range tools {
		sum.Write(t)
		sum.Write([]byte{'\n'})
	}
	return sum.Sum(nil)
}
