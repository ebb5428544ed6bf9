package gateway

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mcptray/mcptray/internal/jsonwire"
)

// member is one client joined to a hub.
type member struct {
	h      *Hub
	sess   *Session
	ctx    context.Context // ends when the client leaves; held calls are withdrawn then
	cancel context.CancelFunc
	out    chan []byte // to the client, written by the member's writer goroutine
	gone   atomic.Bool

	// Guarded by h.mu.
	listed listing // the names of the client's tool listing under way
	caps   clientCaps
	// What the client declared in its handshake, as sent: a modern-only server gets them in
	// each of a legacy client's requests. legacy is set by initialize.
	capsRaw, infoRaw json.RawMessage
	legacy, modern   bool
	// initialized is set by the client's notifications/initialized.
	initialized bool
	level       int // logRank of the level the client set, -1 for none
	subs        map[string]bool
	grants      map[string]retryGrant // approved calls the server asked input for, by request state (shared_retry.go)
	// A modern app's subscriptions/listen stream on a legacy server (shared_modern_listen.go):
	// its id, nil for none, and the resources it subscribes to.
	listenID json.RawMessage
	listened []string

	mu      sync.Mutex
	leaving bool
	held    map[string]context.CancelFunc // tool calls waiting for the person, by client id
	heldWG  sync.WaitGroup
	asking  int  // held calls not yet forwarded or refused
	ending  bool // the client ended its input: held calls are withdrawn (see finish)

	settled chan struct{} // a message went to the client, or a held call ended (see finish)

	qmu      sync.Mutex // guards the queue of requests waiting to be written (shared_queue.go)
	jobs     []func()
	qrunning bool

	failure atomic.Pointer[panicError] // the first panic recovered on the client's goroutines
}

// guard runs f on one of the client's goroutines: a panic in it is reported and ends this
// client's connection only (see panic.go).
func (m *member) guard(f func()) (panicked bool) {
	p := catch(f)
	if p == nil {
		return false
	}
	reportPanic(m.h.opts.Hooks.Panic, m.sess.view(), p)
	m.failure.CompareAndSwap(nil, p)
	m.cancel()
	return true
}

// clientCaps are the server-to-client requests a client said it can answer.
type clientCaps struct {
	sampling, samplingTools bool
	elicitForm, elicitURL   bool
	roots                   bool
}

// can reports whether the client can answer the server's request req of method.
func (c clientCaps) can(method string, req []byte) bool {
	switch method {
	case "sampling/createMessage":
		return c.sampling && (jsonwire.ValueAt(req, "params", "tools") == nil || c.samplingTools)
	case "elicitation/create":
		if jsonwire.StringAt(req, "params", "mode") == "url" {
			return c.elicitURL
		}
		return c.elicitForm
	case "roots/list":
		return c.roots
	}
	return true
}

// what names what a request of method asks for, for sentences.
func what(method string, req []byte) string {
	switch {
	case method == "sampling/createMessage" && jsonwire.ValueAt(req, "params", "tools") != nil:
		return "sampling with tools"
	case method == "elicitation/create" && jsonwire.StringAt(req, "params", "mode") == "url":
		return "URL elicitation"
	}
	return method
}

// readCaps reads a client's declared capabilities. An elicitation capability that names no
// mode means form mode, as the 2025-11-25 specification says.
func readCaps(raw []byte) clientCaps {
	c := clientCaps{sampling: jsonwire.ValueAt(raw, "sampling") != nil, roots: jsonwire.ValueAt(raw, "roots") != nil,
		samplingTools: jsonwire.ValueAt(raw, "sampling", "tools") != nil}
	if e := jsonwire.ValueAt(raw, "elicitation"); e != nil {
		c.elicitURL = jsonwire.ValueAt(e, "url") != nil
		c.elicitForm = jsonwire.ValueAt(e, "form") != nil || !c.elicitURL
	}
	return c
}

// slowClient bounds how long a client may leave its answers unread before the hub lets it go,
// so that one stuck app cannot stall the server for the others.
const slowClient = 10 * time.Second

// Join relays one client connection through the hub until the client ends its input (nil),
// ctx ends (ctx's error), or the hub is closed (ErrHubClosed). The client keeps its place
// across server restarts. When Join returns, the client's requests still running are
// cancelled at the server and their late answers dropped, and requests the server made of it
// are refused. The caller must then close the connection, which ends the goroutines Join
// leaves reading or writing it. A panic on the client's goroutines (in the hub or in a hook)
// ends this client's connection alone, and Join returns an error wrapping ErrPanicked.
func (h *Hub) Join(ctx context.Context, sess *Session, client io.Writer, clientIn *bufio.Reader) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	m := &member{h: h, sess: sess, ctx: ctx, cancel: cancel, out: make(chan []byte, 1024), level: -1,
		subs: map[string]bool{}, held: map[string]context.CancelFunc{}, settled: make(chan struct{}, 1)}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return ErrHubClosed
	}
	h.members[m] = struct{}{}
	h.mu.Unlock()
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		m.guard(func() { m.writer(client) })
	}()
	pumpDone := make(chan struct{})
	go func() {
		defer close(pumpDone)
		m.guard(func() { m.pump(clientIn) })
	}()
	var err error
	select {
	case <-pumpDone:
		if m.failure.Load() == nil {
			m.guard(func() { m.finish(writerDone) })
		}
	case <-ctx.Done():
		err = ctx.Err()
	case <-h.quit:
		err = ErrHubClosed
	}
	m.guard(m.leave)
	if p := m.failure.Load(); p != nil {
		return p
	}
	return err
}

func (m *member) writer(w io.Writer) {
	for {
		select {
		case msg := <-m.out:
			if msg == nil { // see finish
				return
			}
			if _, err := w.Write(msg); err != nil {
				m.cancel()
				return
			}
		case <-m.ctx.Done():
			return
		}
	}
}

// send queues a message for the client; msg must not be reused by the caller.
func (m *member) send(msg []byte) {
	if m.gone.Load() {
		return
	}
	defer m.changed()
	select {
	case m.out <- msg:
		return
	default:
	}
	t := time.NewTimer(slowClient)
	defer t.Stop()
	select {
	case m.out <- msg:
	case <-m.ctx.Done():
	case <-t.C:
		m.h.note("%s did not read its answers for %s, so MCP Tray disconnected it", clientName(m.sess.ClientName()), slowClient)
		m.cancel()
	}
}

// leave takes the member out of the hub: held calls are withdrawn, its requests cancelled at
// the server, the server's requests to it refused, its subscriptions dropped.
func (m *member) leave() {
	h := m.h
	m.cancel()
	m.mu.Lock()
	m.leaving = true
	m.mu.Unlock()
	m.heldWG.Wait()
	h.mu.Lock()
	m.gone.Store(true)
	delete(h.members, m)
	type mine struct {
		id int64
		c  *call
	}
	var calls []mine
	for id, c := range h.calls {
		if c.m == m {
			calls = append(calls, mine{id, c})
			delete(h.calls, id)
			h.releaseTokenLocked(id, c)
		}
	}
	var asked []*call
	for id, c := range h.outbound {
		if c.m == m {
			if c.input == nil { // the hub's own input requests: the server knows nothing of them
				asked = append(asked, c)
			}
			delete(h.outbound, id)
		}
	}
	h.forgetTasksLocked(m)
	h.forgetStatesLocked(m)
	grants := m.dropGrantsLocked()
	var unsub []string
	for uri := range m.subs {
		delete(h.subs[uri], m)
		if len(h.subs[uri]) == 0 {
			delete(h.subs, uri)
			unsub = append(unsub, uri)
		}
	}
	st := h.state
	var relisten [][]byte
	if st != nil && st.modernOnly() && len(unsub) > 0 {
		relisten, unsub = h.relistenLocked(st), nil
	}
	h.mu.Unlock()
	// What the server is told is written behind the client's back: the client may be
	// leaving because the server stopped reading, and Join must return all the same.
	var msgs [][]byte
	for _, c := range calls {
		msgs = append(msgs, cancelledNote(json.RawMessage(strconv.FormatInt(c.id, 10)), "the client disconnected"))
		if c.c.finished != nil {
			c.c.finished(CallFailed, time.Since(c.c.start))
		}
	}
	endGrants(grants)
	for _, c := range asked {
		msgs = append(msgs, errorResponse(c.id, codeUnavailable, "The AI app this request went to disconnected."))
	}
	msgs = append(msgs, relisten...)
	var ids []int64
	for _, uri := range unsub {
		id := h.seq.Add(1)
		h.register(id, &call{method: "resources/unsubscribe"})
		ids = append(ids, id)
		msgs = append(msgs, request(id, "resources/unsubscribe", map[string]string{"uri": uri}))
	}
	if len(msgs) > 0 && !h.writeUpLater(st, msgs) {
		for _, id := range ids {
			h.settle(id)
		}
	}
	if h.opts.Gate != nil {
		h.opts.Gate.End(m.sess)
	}
}

// pump reads the client's messages until its input ends or it leaves.
func (m *member) pump(in *bufio.Reader) {
	lr := newLineReader(in, m.h.opts.MaxMessage)
	for {
		line, raw, err := lr.next()
		switch tl := tooLarge(err); {
		case tl != nil:
			m.h.note("the client sent a %d-byte message, more than the %d-byte limit; MCP Tray dropped it", tl.size, m.h.max())
			if id := idFromPrefix(tl.prefix); id != nil {
				m.send(errorResponse(id, codeTooLarge, fmt.Sprintf("This request is %d MB, more than MCP Tray passes on (%d MB).", tl.size>>20, m.h.max()>>20)))
			}
			continue
		case err != nil:
			return
		}
		if m.ctx.Err() != nil {
			return
		}
		m.fromClient(line, raw)
	}
}

func (m *member) fromClient(line, raw []byte) {
	k, env, perr := classify(line)
	if k == kindRequest || k == kindNotification || k == kindResponse {
		if a := ambiguousMember(line); a != nil {
			m.refuseAmbiguous(k, env, a)
			return
		}
	}
	switch k {
	case kindInvalid:
		m.h.note("the client sent a message that is not valid JSON-RPC (%v): %s", perr, describe(line))
		if json.Valid(line) && len(env.ID) > 0 {
			m.send(errorResponse(env.ID, codeInvalidRequest, "MCP Tray could not read this request: it is not valid JSON-RPC."))
		} else if !json.Valid(line) {
			m.send(errorResponse(nil, codeParseError, "MCP Tray could not read a message: it is not valid JSON."))
		}
	case kindBatch:
		calls, ids := batchCalls(line)
		for _, id := range ids {
			m.send(errorResponse(id, codeInvalidRequest, "MCP Tray does not pass batched messages to a shared server; send them one at a time."))
		}
		if m.h.opts.Gate != nil {
			for _, c := range calls {
				m.h.opts.Gate.Refused(m.sess, c.name, c.args, reasonBatch)
			}
		}
	case kindRequest:
		m.traffic("client→server", k, env, len(line), 0)
		if _, ok := jsonwire.IDKey(env.ID); !ok {
			m.h.note("%s sent a %s request whose id is neither text nor a number; MCP Tray refused it", clientName(m.sess.ClientName()), describe([]byte(env.Method)))
			if env.Method == "tools/call" && m.h.opts.Gate != nil {
				c := readSeenCall(line)
				m.h.opts.Gate.Refused(m.sess, c.name, c.args, reasonBadID)
			}
			m.send(errorResponse(nil, codeInvalidRequest, "MCP Tray refused this request because its id is neither text nor a number."))
			return
		}
		m.request(line, env)
	case kindNotification:
		m.traffic("client→server", k, env, len(line), 0)
		if env.Method == "tools/call" && m.h.opts.Gate != nil {
			// It could not be answered, so policy could not answer it: never forwarded.
			c := readSeenCall(line)
			m.h.note("%s sent a tool call (%s) without a usable id; MCP Tray refused it", clientName(m.sess.ClientName()), describe([]byte(c.name)))
			m.h.opts.Gate.Refused(m.sess, c.name, c.args, reasonNoID)
			if string(env.ID) == "null" {
				m.send(errorResponse(nil, codeInvalidRequest, "MCP Tray refused this tool call because it has no id it could be answered under."))
			}
			return
		}
		m.notification(line, raw, env)
	case kindResponse:
		m.traffic("client→server", k, env, len(line), 0)
		m.response(raw, env)
	}
}
