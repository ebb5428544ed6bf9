package gateway

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// Session is one client connection relayed to one server process.
type Session struct {
	ID     string // unique per connection; "allow for this session" grants bind to it
	Server string
	Client string // the AI client, from the bridge or the initialize request's clientInfo
	// App is the AI app as MCP Tray verified it: the executable of the process that started
	// the bridge, read from the operating system (empty when it could not be read). Unlike
	// Client, nothing the client sends can change it.
	App string
}

// Hooks let the daemon watch and steer a relayed session. Every hook is optional and is
// called on the relay's goroutines: hooks must be quick and safe for concurrent use.
type Hooks struct {
	// Tools receives the raw tool definitions of each tools/list result page.
	Tools func(s *Session, tools []json.RawMessage, nextCursor string)
	// Traffic receives one record per message when set.
	Traffic func(s *Session, t Traffic)
	// Note reports something the person may want in the server's log (dropped garbage).
	Note func(s *Session, msg string)
}

// Traffic describes one relayed message; bodies are never recorded.
type Traffic struct {
	Time      time.Time     `json:"time"`
	Direction string        `json:"dir"` // "client→server" or "server→client"
	Kind      string        `json:"kind"`
	Method    string        `json:"method,omitempty"`
	ID        string        `json:"id,omitempty"`
	Size      int           `json:"size"`
	Latency   time.Duration `json:"latencyNs,omitempty"` // for a response: since its request
}

// Options tune a relay.
type Options struct {
	MaxMessage int // 0 means DefaultMaxMessage
	Hooks      Hooks
	// Gate decides tool calls; nil forwards every call.
	Gate Gate
}

// Upstream is the server side of a session: a process's pipes and how to end it.
type Upstream struct {
	Stdin  io.WriteCloser
	Stdout io.Reader
	// Stop ends the process (and its tree); it must be idempotent and block until done.
	Stop func() error
}

// relay is one session's state, shared by its two pumps.
type relay struct {
	opts Options
	sess *Session
	up   Upstream

	clientMu sync.Mutex // serializes writes to the client
	client   io.Writer
	serverMu sync.Mutex // serializes writes to the server
	srvDead  bool

	mu       sync.Mutex
	inflight map[string]pending            // client requests awaiting the server's response
	outbound map[string]pending            // server requests awaiting the client's response
	held     map[string]context.CancelFunc // tool calls waiting for the person
	heldWG   sync.WaitGroup
	ctx      context.Context // ends with the session; held calls are withdrawn then
}

type pending struct {
	id       json.RawMessage
	method   string
	start    time.Time
	finished func(CallOutcome, time.Duration) // for gated tool calls
}

// ErrServerGone is returned by Relay when the server process ended the session.
var ErrServerGone = errors.New("the server stopped")

// Relay forwards messages between a client connection and a server process until either
// side ends or ctx is done, and returns after the process is stopped: nil when the client
// ended the session, ErrServerGone when the server did, ctx's error when ctx ended it.
// Messages pass through unchanged; malformed or oversized ones are answered with a JSON-RPC
// error (requests) or dropped with a note (everything else), and the session goes on.
func Relay(ctx context.Context, sess *Session, client io.Writer, clientIn *bufio.Reader, up Upstream, opts Options) error {
	ctx, cancelSession := context.WithCancel(ctx)
	defer cancelSession()
	r := &relay{opts: opts, sess: sess, up: up, client: client, ctx: ctx,
		inflight: map[string]pending{}, outbound: map[string]pending{}, held: map[string]context.CancelFunc{}}
	serverDone := make(chan struct{})
	go func() {
		defer close(serverDone)
		r.pumpFromServer()
	}()
	clientDone := make(chan struct{})
	go func() {
		defer close(clientDone)
		r.pumpFromClient(clientIn)
	}()

	var ended error
	select {
	case <-clientDone:
	case <-serverDone:
		ended = ErrServerGone
	case <-ctx.Done():
		ended = ctx.Err()
	}
	// End the process; its stdout closes and the server pump forwards what was left.
	r.serverMu.Lock()
	r.srvDead = true
	r.up.Stdin.Close()
	r.serverMu.Unlock()
	r.up.Stop()
	<-serverDone
	cancelSession() // withdraws calls still waiting for the person
	r.heldWG.Wait()
	r.failInflight()
	if r.opts.Gate != nil {
		r.opts.Gate.End(r.sess)
	}
	return ended
}

// pumpFromClient reads client messages and forwards them to the server.
func (r *relay) pumpFromClient(in *bufio.Reader) error {
	lr := newLineReader(in, r.opts.MaxMessage)
	for {
		line, raw, err := lr.next()
		var tl *errTooLarge
		switch {
		case errors.As(err, &tl):
			r.rejectTooLarge("client", tl)
			continue
		case err != nil:
			return err
		}
		k, env, perr := classify(line)
		// A message whose members a server could read otherwise than the relay (a name
		// given twice, or "METHOD" for "method", which Go servers accept) could have one tool
		// checked and another one run: refuse it.
		if a := clientAmbiguity(k, line); a != nil {
			r.refuseAmbiguous(k, env, a)
			continue
		}
		switch k {
		case kindInvalid:
			r.note("the client sent a message that is not valid JSON-RPC (%v): %s", perr, describe(line))
			if json.Valid(line) && len(env.ID) > 0 {
				r.writeClient(errorResponse(env.ID, codeInvalidRequest, "MCP Tray could not read this request: it is not valid JSON-RPC."))
			} else if !json.Valid(line) {
				r.writeClient(errorResponse(nil, codeParseError, "MCP Tray could not read a message: it is not valid JSON."))
			}
			continue
		case kindRequest:
			if (env.Method == "initialize" || env.Method == "server/discover") && r.sess.Client == "" {
				r.sess.Client = clientInfoName(line)
			}
			if env.Method == "tools/call" && r.opts.Gate != nil {
				if err := r.gateCall(env, line, raw); err != nil {
					return err
				}
				continue
			}
			r.track(r.inflight, env)
		case kindNotification:
			if env.Method == "notifications/cancelled" && r.withdraw(cancelledID(line)) {
				continue // the call never reached the server: nothing to cancel there
			}
		case kindBatch:
			if has, ids := batchHasToolCall(line); has && r.opts.Gate != nil {
				for _, id := range ids {
					r.writeClient(errorResponse(id, codeInvalidRequest, "MCP Tray does not pass tool calls sent in a batch; send them one at a time."))
				}
				continue
			}
		case kindResponse:
			r.settle(r.outbound, env.ID)
		}
		err = r.writeServer(raw)
		r.traffic("client→server", k, env, len(line), 0)
		if err != nil {
			if k == kindRequest {
				r.settle(r.inflight, env.ID)
				r.writeClient(errorResponse(env.ID, codeServerGone, r.goneMessage()))
			}
			return err
		}
	}
}

// pumpFromServer reads server messages and forwards them to the client until stdout ends.
func (r *relay) pumpFromServer() {
	lr := newLineReader(bufio.NewReaderSize(r.up.Stdout, 64<<10), r.opts.MaxMessage)
	for {
		line, raw, err := lr.next()
		var tl *errTooLarge
		switch {
		case errors.As(err, &tl):
			r.rejectTooLarge("server", tl)
			if id := idFromPrefix(tl.prefix); id != nil {
				// An oversized response still settles its request, with an error to the client.
				if p, ok := r.settle(r.inflight, id); ok {
					r.writeClient(errorResponse(p.id, codeTooLarge, fmt.Sprintf("The server's answer was %d MB, more than MCP Tray passes on (%d MB).", tl.size>>20, r.max()>>20)))
				}
			}
			continue
		case err != nil:
			return
		}
		k, env, perr := classify(line)
		var latency time.Duration
		var finished func(CallOutcome, time.Duration)
		switch k {
		case kindInvalid:
			// Servers that print logs to stdout are common; never let it end the session.
			r.note("the server wrote something to stdout that is not JSON-RPC, and MCP Tray dropped it (%v): %s", perr, describe(line))
			continue
		case kindResponse:
			if p, ok := r.settle(r.inflight, env.ID); ok {
				latency = time.Since(p.start)
				if p.method == "tools/list" {
					if out := r.toolsList(line); out != nil {
						line, raw = out, append(out, '\n')
					}
				}
				finished = p.finished
			}
		case kindRequest:
			r.track(r.outbound, env)
		}
		// The client first; the bookkeeping after, off the round trip. line and raw stay
		// valid until the next read.
		err = r.writeClient(raw)
		if finished != nil {
			finished(callOutcome(line), latency)
		}
		r.traffic("server→client", k, env, len(line), latency)
		if err != nil {
			return
		}
	}
}

// toolsList records a tools/list result and lets the gate hide tools. It returns the
// response to forward instead, or nil to forward the original bytes.
func (r *relay) toolsList(line []byte) []byte {
	var res struct {
		ID     json.RawMessage `json:"id"`
		Result json.RawMessage `json:"result"`
	}
	if json.Unmarshal(line, &res) != nil || res.Result == nil {
		return nil
	}
	var page struct {
		Tools      []json.RawMessage `json:"tools"`
		NextCursor string            `json:"nextCursor"`
	}
	if json.Unmarshal(res.Result, &page) != nil {
		return nil
	}
	if r.opts.Hooks.Tools != nil {
		r.opts.Hooks.Tools(r.sess, page.Tools, page.NextCursor)
	}
	if r.opts.Gate == nil {
		return nil
	}
	out := r.opts.Gate.Tools(r.sess, res.Result, page.NextCursor == "")
	if bytes.Equal(out, res.Result) {
		return nil
	}
	b, _ := json.Marshal(struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Result  json.RawMessage `json:"result"`
	}{"2.0", res.ID, out})
	return b
}

// gateCall asks the gate about a tools/call and forwards it, refuses it, or holds it.
func (r *relay) gateCall(env envelope, line, raw []byte) error {
	defer r.traffic("client→server", kindRequest, env, len(line), 0) // off the round trip
	name, args, ok := toolCall(line)
	if !ok {
		r.writeClient(errorResponse(env.ID, codeInvalidRequest, "MCP Tray could not read this tool call (it names no tool)."))
		return nil
	}
	v := r.opts.Gate.Call(r.sess, name, args)
	if v.Ask == nil {
		return r.actOn(env, raw, v)
	}
	// Hold the call off the pump, so other messages keep flowing while the person decides.
	// The bytes are copied: the reader's buffer is reused by the next message.
	msg := append([]byte(nil), raw...)
	id := append(json.RawMessage(nil), env.ID...)
	ctx, cancel := context.WithCancel(r.ctx)
	r.mu.Lock()
	if _, dup := r.held[string(id)]; dup {
		r.mu.Unlock()
		cancel()
		r.writeClient(errorResponse(id, codeInvalidRequest, "MCP Tray is already holding a tool call with this id."))
		return nil
	}
	r.held[string(id)] = cancel
	r.mu.Unlock()
	r.heldWG.Add(1)
	go func() {
		defer r.heldWG.Done()
		final := v.Ask(ctx)
		r.mu.Lock()
		delete(r.held, string(id))
		r.mu.Unlock()
		cancel()
		if r.ctx.Err() != nil {
			final = CallVerdict{Finished: final.Finished} // the session is over: nothing to send
		}
		r.actOn(envelope{ID: id, Method: env.Method}, msg, final)
	}()
	return nil
}

// actOn forwards an allowed call, or answers a refused one; a withdrawn call gets nothing.
func (r *relay) actOn(env envelope, raw []byte, v CallVerdict) error {
	if !v.Allow {
		if v.Message != "" {
			r.writeClient(deniedResult(env.ID, v.Message))
		}
		if v.Finished != nil {
			v.Finished(CallNotRun, 0)
		}
		return nil
	}
	r.mu.Lock()
	r.inflight[string(env.ID)] = pending{id: append(json.RawMessage(nil), env.ID...), method: env.Method, start: time.Now(), finished: v.Finished}
	r.mu.Unlock()
	if err := r.writeServer(raw); err != nil {
		if p, ok := r.settle(r.inflight, env.ID); ok {
			r.writeClient(errorResponse(env.ID, codeServerGone, r.goneMessage()))
			if p.finished != nil {
				p.finished(CallFailed, 0)
			}
		}
		return err
	}
	return nil
}

// withdraw cancels a held call; it reports whether the id was held.
func (r *relay) withdraw(id json.RawMessage) bool {
	r.mu.Lock()
	cancel, ok := r.held[string(id)]
	r.mu.Unlock()
	if ok {
		cancel()
	}
	return ok
}

// refuseAmbiguous answers an ambiguous request with an invalid-request error (id null when the
// id is in doubt); anything else is dropped with a note.
func (r *relay) refuseAmbiguous(k kind, env envelope, a *ambiguity) {
	why := a.sentence()
	r.note("the client sent a message that %s; MCP Tray refused it", why)
	switch k {
	case kindRequest:
		id := env.ID
		if a.aboutID() {
			id = nil
		}
		r.writeClient(errorResponse(id, codeInvalidRequest, fmt.Sprintf("MCP Tray refused this request because it %s.", why)))
	case kindBatch:
		r.writeClient(errorResponse(nil, codeInvalidRequest, fmt.Sprintf("MCP Tray refused this batch because one of its messages %s.", why)))
	}
}

// rejectTooLarge notes a dropped oversized message and answers the client when it sent a
// request; an oversized server response is settled by the caller.
func (r *relay) rejectTooLarge(from string, tl *errTooLarge) {
	r.note("the %s sent a %d-byte message, more than the %d-byte limit; MCP Tray dropped it", from, tl.size, r.max())
	if id := idFromPrefix(tl.prefix); id != nil && from == "client" {
		r.writeClient(errorResponse(id, codeTooLarge, fmt.Sprintf("This request is %d MB, more than MCP Tray passes on (%d MB).", tl.size>>20, r.max()>>20)))
	}
}

func (r *relay) max() int {
	if r.opts.MaxMessage > 0 {
		return r.opts.MaxMessage
	}
	return DefaultMaxMessage
}

// writeClient sends one message (with its newline) to the client.
func (r *relay) writeClient(msg []byte) error {
	r.clientMu.Lock()
	defer r.clientMu.Unlock()
	_, err := r.client.Write(msg)
	return err
}

// writeServer sends one message, with its line ending, to the server.
func (r *relay) writeServer(msg []byte) error {
	r.serverMu.Lock()
	defer r.serverMu.Unlock()
	if r.srvDead {
		return io.ErrClosedPipe
	}
	_, err := r.up.Stdin.Write(msg)
	return err
}

func (r *relay) track(m map[string]pending, env envelope) {
	r.mu.Lock()
	m[string(env.ID)] = pending{id: append(json.RawMessage(nil), env.ID...), method: env.Method, start: time.Now()}
	r.mu.Unlock()
}

func (r *relay) settle(m map[string]pending, id json.RawMessage) (pending, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	p, ok := m[string(id)]
	if ok {
		delete(m, string(id))
	}
	return p, ok
}

// failInflight answers every request the server will now never answer.
func (r *relay) failInflight() {
	r.mu.Lock()
	ps := make([]pending, 0, len(r.inflight))
	for _, p := range r.inflight {
		ps = append(ps, p)
	}
	r.inflight = map[string]pending{}
	r.mu.Unlock()
	for _, p := range ps {
		r.writeClient(errorResponse(p.id, codeServerGone, r.goneMessage()))
		if p.finished != nil {
			p.finished(CallFailed, time.Since(p.start))
		}
	}
}

func (r *relay) goneMessage() string {
	return fmt.Sprintf("The MCP server %q stopped while handling this request. MCP Tray starts a fresh one for the next connection; its log may say why (mcptray logs %s).", r.sess.Server, r.sess.Server)
}

func (r *relay) note(format string, args ...any) {
	if r.opts.Hooks.Note != nil {
		r.opts.Hooks.Note(r.sess, fmt.Sprintf(format, args...))
	}
}

func (r *relay) traffic(dir string, k kind, env envelope, size int, latency time.Duration) {
	if r.opts.Hooks.Traffic == nil {
		return
	}
	kinds := [...]string{"invalid", "request", "notification", "response", "batch"}
	r.opts.Hooks.Traffic(r.sess, Traffic{Time: time.Now(), Direction: dir, Kind: kinds[k], Method: env.Method,
		ID: string(env.ID), Size: size, Latency: latency})
}

// clientInfoName reads the client's name from an initialize request's params.clientInfo, or
// from the stateless protocol's _meta.
func clientInfoName(line []byte) string {
	type info struct {
		Name string `json:"name"`
	}
	var req struct {
		Params struct {
			ClientInfo info `json:"clientInfo"`
			Meta       struct {
				ClientInfo info `json:"io.modelcontextprotocol/clientInfo"`
			} `json:"_meta"`
		} `json:"params"`
	}
	json.Unmarshal(line, &req)
	if req.Params.ClientInfo.Name != "" {
		return req.Params.ClientInfo.Name
	}
	return req.Params.Meta.ClientInfo.Name
}
