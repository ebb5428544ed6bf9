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
	"sync/atomic"
	"time"

	"github.com/mcptray/mcptray/internal/jsonwire"
)

// Hooks let the daemon watch and steer a relayed session. Every hook is optional and is
// called on the relay's goroutines: hooks must be quick and safe for concurrent use. The
// Session they are given may be a copy.
type Hooks struct {
	// Tools receives the raw tool definitions of each tools/list result page.
	Tools func(s *Session, tools []json.RawMessage, nextCursor string)
	// Traffic receives one record per message when set.
	Traffic func(s *Session, t Traffic)
	// Note reports something the person may want in the server's log (dropped garbage).
	Note func(s *Session, msg string)
	// Result receives each answer of the server to a tools/call (the whole JSON-RPC
	// response, valid only during the call), after it was passed on to the client.
	Result func(s *Session, response []byte)
	// Era reports what the server turned out to speak when it refused the client's
	// handshake and the relay bridged the two eras (see session_eras.go); pass it back as
	// Options.ServerEra for the server's next sessions.
	Era func(s *Session, era Era)
	// Panic receives a panic the relay recovered (in its own code or in a hook), with the
	// stack of the goroutine it happened on, for the daemon's log; the session it happened in
	// ends (see panic.go). Without it, the panic is logged through log/slog's default logger.
	Panic func(s *Session, value any, stack []byte)
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
	// MaxHeld bounds the calls of this connection waiting for the person; 0 means
	// DefaultMaxHeld. A call beyond it is refused with a tool error.
	MaxHeld int
	// ServerEra is what the server is known to speak, when it is (see Hooks.Era): a client
	// of the other era is then bridged without first being refused. EraUnknown forwards the
	// client's handshake and bridges only when the server refuses it.
	ServerEra Era
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
	srvIn    io.Writer  // up.Stdin, or its raw form (fastio_linux.go)
	srvDead  bool

	mu       sync.Mutex
	inflight map[string]pending            // client requests awaiting the server's response, by jsonwire.IDKey
	outbound map[string]pending            // server requests awaiting the client's response
	held     map[string]context.CancelFunc // tool calls waiting for the person, by jsonwire.IDKey
	grants   map[string]retryGrant         // approved calls the server asked input for, by request state
	blocked  blockedTools                  // tools the server listed twice
	listed   listing                       // the names of the tool listing under way
	heldWG   sync.WaitGroup
	ctx      context.Context // ends with the session; held calls are withdrawn then

	// era is set while the two sides' eras are being found out or differ, nil otherwise:
	// a session of one era is a pass-through that looks at nothing else (session_eras.go).
	era       atomic.Pointer[eraBridge]
	handshook bool        // the client sent its handshake; read and written by pumpFromClient only
	modern    atomic.Bool // the client's handshake was server/discover: it may retry calls itself

	failure atomic.Pointer[panicError] // the first panic recovered in this session
	failed  chan struct{}              // closed when failure is set
}

type pending struct {
	id       json.RawMessage
	method   string
	start    time.Time
	finished func(CallOutcome, time.Duration) // for gated tool calls
	cursor   bool                             // a tools/list that asked for a later page
	call     callIdentity                     // for gated tool calls: which tool, which arguments
	deadline *deadline                        // for tool calls with a timeout (timeout.go)
	result   func([]byte) []byte              // CallVerdict.Result (result.go)
	// sent is the request as a modern-only server received it for a legacy client: the era
	// bridge sends it again with the client's input (session_legacy_app.go). It lives here,
	// with the request it belongs to, so that nothing sent under the same id can replace it.
	sent []byte
}

// ErrServerGone is returned by Relay when the server process ended the session.
var ErrServerGone = errors.New("the server stopped")

// Relay forwards messages between a client connection and a server process until either
// side ends or ctx is done, and returns after the process is stopped: nil when the client
// ended the session, ErrServerGone when the server did, ctx's error when ctx ended it.
// Messages pass through unchanged; malformed or oversized ones are answered with a JSON-RPC
// error (requests) or dropped with a note (everything else), and the session goes on. A panic
// in the relay or in a hook ends the session alone, which returns an error wrapping
// ErrPanicked (see panic.go).
func Relay(ctx context.Context, sess *Session, client io.Writer, clientIn *bufio.Reader, up Upstream, opts Options) error {
	ctx, cancelSession := context.WithCancel(ctx)
	defer cancelSession()
	r := &relay{opts: opts, sess: sess, up: up, client: client, srvIn: up.Stdin, ctx: ctx,
		inflight: map[string]pending{}, outbound: map[string]pending{}, held: map[string]context.CancelFunc{},
		blocked: blockedTools{}, failed: make(chan struct{})}
	// Pipes are read and written with raw system calls where they can be: no scheduler
	// bookkeeping per message (docs/relay-performance.md).
	if f := fastOf(client); f != nil {
		r.client = f
	}
	if f := fastOf(up.Stdin); f != nil {
		r.srvIn = f
	}
	if f := fastOf(up.Stdout); f != nil {
		r.up.Stdout = f
	}
	serverDone, clientDone := make(chan struct{}), make(chan struct{})
	if relayFloor {
		r.pumpsFloor(clientIn, serverDone, clientDone) // benchmarks only: floor_on.go
	} else {
		go func() {
			defer close(serverDone)
			r.guard(r.pumpFromServer)
		}()
		go func() {
			defer close(clientDone)
			r.guard(func() { r.pumpFromClient(clientIn) })
		}()
	}

	var ended error
	select {
	case <-clientDone:
	case <-serverDone:
		ended = ErrServerGone
	case <-ctx.Done():
		ended = ctx.Err()
	case <-r.failed:
	}
	// End the process; its stdout closes and the server pump forwards what was left.
	r.serverMu.Lock()
	r.srvDead = true
	r.up.Stdin.Close()
	r.serverMu.Unlock()
	r.guard(func() { r.up.Stop() })
	<-serverDone
	cancelSession() // withdraws calls still waiting for the person
	r.heldWG.Wait()
	r.guard(r.failInflight)
	r.guard(r.dropGrants)
	if e := r.era.Load(); e != nil {
		r.guard(e.end)
	}
	if r.opts.Gate != nil {
		r.guard(func() { r.opts.Gate.End(r.sess) })
	}
	if p := r.failure.Load(); p != nil {
		return p
	}
	return ended
}

// guard runs f, one of the session's goroutines or a step of its ending: a panic in it is
// reported and ends the session (see panic.go). It reports whether f panicked.
func (r *relay) guard(f func()) (panicked bool) {
	p := catch(f)
	if p == nil {
		return false
	}
	reportPanic(r.opts.Hooks.Panic, r.sess.view(), p)
	if r.failure.CompareAndSwap(nil, p) {
		close(r.failed)
	}
	return true
}

// pumpFromClient reads client messages and forwards them to the server.
func (r *relay) pumpFromClient(in *bufio.Reader) error {
	lr := newLineReader(in, r.opts.MaxMessage)
	for {
		line, raw, err := lr.next()
		switch tl := tooLarge(err); {
		case tl != nil:
			r.rejectTooLarge("client", tl)
			continue
		case err != nil:
			return err
		}
		rd := readClient(line)
		k, env, perr := rd.kind, rd.env, rd.err
		// A message whose members a server could read otherwise than the relay (a name
		// given twice, or "METHOD" for "method", which Go servers accept) could have one tool
		// checked and another one run: refuse it.
		if a := checkedAmbiguity(line, &rd); a != nil {
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
			key, ok := jsonwire.IDKey(env.ID)
			if !ok {
				r.refuseBadID(env, line)
				continue
			}
			// A duplicate id is refused before anything records the request. (The era
			// bridge's line to send again lives in the request's own pending entry, so even
			// a duplicate that arrives while a held call goes from held to in flight cannot
			// replace it.)
			if r.idInUse(key) {
				r.writeClient(errorResponse(env.ID, codeInvalidRequest, "MCP Tray refused this request because another request with the same id is still running."))
				continue
			}
			var sent []byte // the request as the era bridge rewrote it, kept with its pending entry
			if e := r.era.Load(); e != nil {
				done, out := e.clientRequest(env, line)
				if done {
					continue
				}
				if out != nil {
					sent = bytes.Clone(out)
					line, raw = out, append(out, '\n')
				}
			}
			if env.Method == "initialize" || env.Method == "server/discover" {
				r.sess.learnClient(line)
				if !r.handshook {
					r.handshook = true
					r.modern.Store(env.Method == "server/discover")
					if r.beginEras(env, key, line) {
						continue
					}
				}
			}
			if env.Method == "tools/call" && r.opts.Gate != nil {
				tc, named := rd.call, rd.named
				if sent != nil {
					tc, named = readToolCall(line) // the era bridge rewrote it
				}
				if err := r.gateCall(env, key, line, raw, tc, named, sent); err != nil {
					return err
				}
				continue
			}
			r.track(r.inflight, key, env, sent)
			if env.Method == "tools/list" && jsonwire.ValueAt(line, "params", "cursor") != nil {
				r.mu.Lock()
				p := r.inflight[key]
				p.cursor = true
				r.inflight[key] = p
				r.mu.Unlock()
			}
		case kindNotification:
			if env.Method == "tools/call" && r.opts.Gate != nil {
				r.refuseNoID(env, line)
				continue // never forwarded: policy could not answer it
			}
			if env.Method == "notifications/cancelled" && r.withdraw(cancelledID(line)) {
				continue // the call never reached the server: nothing to cancel there
			}
			if e := r.era.Load(); e != nil && e.clientNotification(env, line) {
				continue
			}
		case kindBatch:
			if !batchOfMessages(line) {
				r.note("the client sent a batch that holds something other than messages; MCP Tray refused it: %s", describe(line))
				r.writeClient(errorResponse(nil, codeInvalidRequest, "MCP Tray refused this batch because it holds something that is not a message."))
				continue
			}
			if calls, ids := batchCalls(line); len(calls) > 0 && r.opts.Gate != nil {
				for _, id := range ids {
					r.writeClient(errorResponse(id, codeInvalidRequest, "MCP Tray does not pass tool calls sent in a batch; send them one at a time."))
				}
				for _, c := range calls {
					r.opts.Gate.Refused(r.sess, c.name, c.args, reasonBatch)
				}
				continue
			}
			if ids, clash := r.batchIDClash(line); clash {
				r.note("the client sent a batch that reuses a request id still running; MCP Tray refused it: %s", describe(line))
				for _, id := range ids {
					r.writeClient(errorResponse(id, codeInvalidRequest, "MCP Tray refused this batch because one of its requests has the same id as another request still running."))
				}
				continue
			}
			r.trackBatch(line)
		case kindResponse:
			if e := r.era.Load(); e != nil && e.clientAnswer(env, line) {
				continue
			}
			r.settle(r.outbound, string(env.ID))
		}
		err = r.writeServer(raw)
		r.traffic("client→server", k, env, len(line), 0)
		if err != nil {
			if k == kindRequest {
				key, _ := jsonwire.IDKey(env.ID)
				r.settle(r.inflight, key)
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
		switch tl := tooLarge(err); {
		case tl != nil:
			r.rejectTooLarge("server", tl)
			if key, ok := jsonwire.IDKey(idFromPrefix(tl.prefix)); ok {
				// An oversized response still settles its request, with an error to the client.
				if p, ok := r.settle(r.inflight, key); ok {
					r.writeClient(errorResponse(p.id, codeTooLarge, fmt.Sprintf("The server's answer was %d MB, more than MCP Tray passes on (%d MB).", tl.size>>20, r.max()>>20)))
					if p.finished != nil {
						p.finished(CallFailed, time.Since(p.start))
					}
				}
			}
			continue
		case err != nil:
			return
		}
		if !r.fromServer(line, raw) {
			return
		}
	}
}

// fromServer forwards one server message (raw is line with its line ending) and reports
// whether the client can still be written to. line and raw stay valid until the next read.
func (r *relay) fromServer(line, raw []byte) bool {
	rd := readChecked(line, envelopeReads, "")
	k, env, perr := rd.kind, rd.env, rd.err
	var latency time.Duration
	var finished func(CallOutcome, time.Duration)
	var result bool // a tools/call answer the Result hook wants
	if k != kindInvalid && k != kindBatch {
		if a := checkedServerAmbiguity(line, rd); a != nil {
			r.refuseServerAmbiguous(k, env, a)
			return true
		}
		if e := r.era.Load(); e != nil && e.serverMessage(k, env, line) {
			return true
		}
	}
	switch k {
	case kindInvalid:
		// Servers that print logs to stdout are common; never let it end the session.
		r.note("the server wrote something to stdout that is not JSON-RPC, and MCP Tray dropped it (%v): %s", perr, describe(line))
		return true
	case kindBatch:
		// Each message of a batch is read like any other: an answer in a batch is still an
		// answer (a tool list in one is pinned and checked).
		var msgs []json.RawMessage
		json.Unmarshal(line, &msgs)
		for _, m := range msgs {
			if !r.fromServer(m, append(m[:len(m):len(m)], '\n')) {
				return false
			}
		}
		return true
	case kindResponse:
		key, _ := jsonwire.IDKey(env.ID)
		p, ok := r.settle(r.inflight, key)
		if e := r.era.Load(); e != nil && e.serverAnswer(p, ok, key, line) {
			return true
		}
		if !ok {
			// No request of the client's is waiting for it (it may be one MCP Tray holds for
			// the person): a client could still take it as an answer, so it is dropped.
			r.note("the server answered a request that is not waiting for an answer (id %s); MCP Tray dropped it", describe(env.ID))
			return true
		}
		latency = time.Since(p.start)
		if !bytes.Equal(p.id, env.ID) {
			// The client matched it by value: it gets it under its own id.
			line = jsonwire.ReplaceAt(line, p.id, "id")
			raw = append(line, '\n')
			env.ID = p.id
		}
		if p.method == "tools/list" {
			out, why := r.toolsList(line, p.cursor)
			switch {
			case why != "":
				r.note("the server's answer to tools/list %s; MCP Tray did not pass it on", why)
				raw = errorResponse(p.id, codeUnreadable, fmt.Sprintf("MCP Tray did not pass on the server's list of tools because it %s.", why))
				line = raw[:len(raw)-1]
			case out != nil:
				line, raw = out, append(out, '\n')
			}
		}
		line, raw = p.passResult(line, raw)
		finished = p.finished
		if finished != nil && r.modern.Load() && r.grantRetry(p, line) {
			finished = nil // the call goes on in the client's retry, which finishes it
		}
		result = p.method == "tools/call" && r.opts.Hooks.Result != nil
	case kindRequest:
		r.track(r.outbound, string(env.ID), env, nil)
	}
	// The client first; the bookkeeping after, off the round trip.
	err := r.writeClient(raw)
	if finished != nil {
		finished(callOutcome(line), latency)
	}
	if result {
		r.opts.Hooks.Result(r.sess.view(), line)
	}
	r.traffic("server→client", k, env, len(line), latency)
	return err == nil
}

// toolsList reads a tools/list answer strictly, records it and lets the gate hide tools. It
// returns the response to forward instead, or nil to forward the original bytes; why is set
// when the answer cannot be read unambiguously and must not reach the client as a list.
func (r *relay) toolsList(line []byte, cursor bool) (out []byte, why string) {
	r.mu.Lock()
	if !cursor || r.listed == nil {
		r.listed = listing{} // a first page starts a new listing
	}
	earlier := r.listed
	r.mu.Unlock()
	page, isError, why := readToolsAnswer(line, earlier)
	if why != "" || isError {
		return nil, why
	}
	r.mu.Lock()
	r.blocked.update(page)
	r.listed.add(page)
	r.mu.Unlock()
	if r.opts.Hooks.Tools != nil {
		r.opts.Hooks.Tools(r.sess.view(), page.tools, page.nextCursor)
	}
	result := page.result
	if r.opts.Gate != nil {
		result = r.opts.Gate.Tools(r.sess, page.result, page.nextCursor == "")
	}
	if len(page.twice) == 0 && bytes.Equal(result, page.result) {
		return nil, ""
	}
	return bytes.TrimSuffix(resultResponse(jsonwire.ValueAt(line, "id"), result), []byte{'\n'}), ""
}

// refuseServerAmbiguous handles a server message that could be read two ways: an answer is
// replaced by an error for the client (when its id can be read), anything else is dropped.
func (r *relay) refuseServerAmbiguous(k kind, env envelope, a *ambiguity) {
	why := sentence(a)
	r.note("the server sent a message that %s; MCP Tray dropped it", why)
	if k != kindResponse || a.AboutID() {
		return
	}
	key, _ := jsonwire.IDKey(env.ID)
	if p, ok := r.settle(r.inflight, key); ok {
		r.writeClient(errorResponse(p.id, codeUnreadable, fmt.Sprintf("MCP Tray did not pass on the server's answer because it %s.", why)))
		if p.finished != nil {
			p.finished(CallFailed, time.Since(p.start))
		}
	}
}

// refuseNoID refuses a tools/call that cannot be answered (a notification, or id null): it
// never reaches the server, and the audit log has it.
func (r *relay) refuseNoID(env envelope, line []byte) {
	c := readSeenCall(line)
	r.note("the client sent a tool call (%s) without a usable id; MCP Tray refused it", describe([]byte(c.name)))
	r.opts.Gate.Refused(r.sess, c.name, c.args, reasonNoID)
	if string(env.ID) == "null" {
		r.writeClient(errorResponse(nil, codeInvalidRequest, "MCP Tray refused this tool call because it has no id it could be answered under."))
	}
}

// refuseBadID answers a request whose id is neither a string nor a number.
func (r *relay) refuseBadID(env envelope, line []byte) {
	r.note("the client sent a %s request whose id is neither text nor a number; MCP Tray refused it", describe([]byte(env.Method)))
	if env.Method == "tools/call" && r.opts.Gate != nil {
		c := readSeenCall(line)
		r.opts.Gate.Refused(r.sess, c.name, c.args, reasonBadID)
	}
	r.writeClient(errorResponse(nil, codeInvalidRequest, "MCP Tray refused this request because its id is neither text nor a number."))
}

// gateCall asks the gate about a tools/call and forwards it, refuses it, or holds it. tc is
// the call line holds (readCallParams), named false when it names no tool; sent, when not
// nil, goes into the call's pending entry (pending.sent).
func (r *relay) gateCall(env envelope, key string, line, raw []byte, tc toolCallParams, named bool, sent []byte) error {
	defer r.traffic("client→server", kindRequest, env, len(line), 0) // off the round trip
	name, args := tc.name, tc.args
	if !named {
		r.writeClient(errorResponse(env.ID, codeInvalidRequest, "MCP Tray could not read this tool call (it names no tool)."))
		return nil
	}
	r.mu.Lock()
	twice := r.blocked[name]
	r.mu.Unlock()
	if twice {
		r.opts.Gate.Refused(r.sess, name, args, reasonTwice)
		r.writeClient(deniedResult(env.ID, twiceMessage(r.sess.Server, name)))
		return nil
	}
	var call callIdentity // what a modern client's retry of this call must name
	if r.modern.Load() {
		call = identify(name, args)
	}
	if v, ok := r.retryOf(line, call); ok {
		return r.actOn(env, key, raw, v, call, sent) // the retry of a call decided already
	}
	v := consultGate(r.opts.Gate, r.sess, tc)
	if v.Ask == nil {
		return r.actOn(env, key, raw, v, call, sent)
	}
	// Hold the call off the pump, so other messages keep flowing while the person decides.
	// The bytes are copied: the reader's buffer is reused by the next message.
	msg := append([]byte(nil), raw...)
	id := append(json.RawMessage(nil), env.ID...)
	ctx, cancel := context.WithCancel(r.ctx)
	r.mu.Lock()
	if _, dup := r.held[key]; dup {
		r.mu.Unlock()
		cancel()
		r.writeClient(errorResponse(id, codeInvalidRequest, "MCP Tray is already holding a tool call with this id."))
		return nil
	}
	if len(r.held) >= maxHeld(r.opts.MaxHeld) {
		r.mu.Unlock()
		cancel()
		r.opts.Gate.Refused(r.sess, name, args, reasonTooMany)
		r.writeClient(deniedResult(id, tooManyMessage(maxHeld(r.opts.MaxHeld))))
		return nil
	}
	r.held[key] = cancel
	r.mu.Unlock()
	r.heldWG.Add(1)
	go func() {
		defer r.heldWG.Done()
		acted := false // actOn takes the id out of held itself, as it puts it in flight
		defer func() {
			if !acted {
				r.mu.Lock()
				delete(r.held, key)
				r.mu.Unlock()
			}
			cancel()
		}()
		panicked := r.guard(func() {
			final := v.Ask(ctx)
			cancel()
			if r.ctx.Err() != nil {
				final = CallVerdict{Finished: final.Finished} // the session is over: nothing to send
			}
			if testHookDecided != nil {
				testHookDecided()
			}
			acted = true
			r.actOn(envelope{ID: id, Method: env.Method}, key, msg, final, call, sent)
		})
		if panicked {
			r.writeClient(errorResponse(id, codeInternal, panicMessage))
		}
	}()
	return nil
}

// actOn forwards an allowed call, or answers a refused one; a withdrawn call gets nothing. A
// held call's id leaves held in the same step as it goes in flight, so that no request under
// the same id can slip in between (review: an allowed duplicate ran beside the held call).
func (r *relay) actOn(env envelope, key string, raw []byte, v CallVerdict, call callIdentity, sent []byte) error {
	if !v.Allow {
		r.mu.Lock()
		delete(r.held, key)
		r.mu.Unlock()
		if v.Message != "" {
			r.writeClient(deniedResult(env.ID, v.Message))
		}
		if v.Finished != nil {
			v.Finished(CallNotRun, 0)
		}
		return nil
	}
	raw = v.stamp(raw)
	r.mu.Lock()
	delete(r.held, key)
	r.inflight[key] = pending{id: append(json.RawMessage(nil), env.ID...), method: env.Method, start: time.Now(), finished: v.Finished, call: call, sent: sent}
	r.armLocked(key, v)
	r.mu.Unlock()
	if err := r.writeServer(raw); err != nil {
		if p, ok := r.settle(r.inflight, key); ok {
			r.writeClient(errorResponse(env.ID, codeServerGone, r.goneMessage()))
			if p.finished != nil {
				p.finished(CallFailed, 0)
			}
		}
		return err
	}
	return nil
}

// testHookDecided, when a test sets it, runs between a held call's verdict and acting on it.
var testHookDecided func()

// withdraw cancels a held call; it reports whether the id was held.
func (r *relay) withdraw(id json.RawMessage) bool {
	key, ok := jsonwire.IDKey(id)
	if !ok {
		return false
	}
	r.mu.Lock()
	cancel, ok := r.held[key]
	r.mu.Unlock()
	if ok {
		cancel()
	}
	return ok
}

// refuseAmbiguous answers an ambiguous request with an invalid-request error (id null when the
// id is in doubt); anything else is dropped with a note.
func (r *relay) refuseAmbiguous(k kind, env envelope, a *ambiguity) {
	why := sentence(a)
	r.note("the client sent a message that %s; MCP Tray refused it", why)
	switch k {
	case kindRequest:
		id := env.ID
		if a.AboutID() {
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
	_, err := r.srvIn.Write(msg)
	return err
}

func (r *relay) track(m map[string]pending, key string, env envelope, sent []byte) {
	r.mu.Lock()
	m[key] = pending{id: append(json.RawMessage(nil), env.ID...), method: env.Method, start: time.Now(), sent: sent}
	r.mu.Unlock()
}

func (r *relay) settle(m map[string]pending, key string) (pending, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	p, ok := m[key]
	if ok {
		delete(m, key)
	}
	return p, ok
}

// trackBatch records the requests of a batch passed to the server, whose answers are then
// awaited like any other, and settles the answers it carries.
func (r *relay) trackBatch(line []byte) {
	var msgs []json.RawMessage
	json.Unmarshal(line, &msgs)
	for _, m := range msgs {
		switch k, env, _ := classify(m); k {
		case kindRequest:
			if key, ok := jsonwire.IDKey(env.ID); ok {
				r.track(r.inflight, key, env, nil)
			}
		case kindResponse:
			r.settle(r.outbound, string(env.ID))
		}
	}
}

// batchIDClash reports whether a request of the batch reuses the id of a request still
// running or held, or of another request in the batch (whose entries would replace each
// other), and returns the ids of the batch's requests.
func (r *relay) batchIDClash(line []byte) (ids []json.RawMessage, clash bool) {
	var msgs []json.RawMessage
	json.Unmarshal(line, &msgs)
	seen := map[string]bool{}
	for _, m := range msgs {
		if k, env, _ := classify(m); k == kindRequest {
			ids = append(ids, env.ID)
			key, ok := jsonwire.IDKey(env.ID)
			clash = clash || !ok || seen[key] || r.idInUse(key)
			seen[key] = true
		}
	}
	return ids, clash
}

// idInUse reports whether a client request under key is still running or held.
func (r *relay) idInUse(key string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, running := r.inflight[key]
	_, held := r.held[key]
	return running || held
}

func maxHeld(n int) int {
	if n > 0 {
		return n
	}
	return DefaultMaxHeld
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
	if e := r.era.Load(); e != nil {
		// The client's handshake waits on MCP Tray's own in the other era, which is no
		// request of the client's: answer it too (red team: a server that refused initialize
		// and then ended left the AI app's initialize unanswered).
		if msg := e.abandoned(r.goneMessage()); msg != nil {
			r.writeClient(msg)
		}
	}
	for _, p := range ps {
		r.writeClient(errorResponse(p.id, codeServerGone, r.goneMessage()))
		if p.finished != nil {
			p.finished(CallFailed, time.Since(p.start))
		}
	}
}

func (r *relay) goneMessage() string {
	if r.failure.Load() != nil {
		return panicMessage
	}
	return fmt.Sprintf("The MCP server %q stopped while handling this request. MCP Tray starts a fresh one for the next connection; its log may say why (mcptray logs %s).", r.sess.Server, r.sess.Server)
}

func (r *relay) note(format string, args ...any) {
	if r.opts.Hooks.Note != nil {
		r.opts.Hooks.Note(r.sess.view(), fmt.Sprintf(format, args...))
	}
}

func (r *relay) traffic(dir string, k kind, env envelope, size int, latency time.Duration) {
	if r.opts.Hooks.Traffic == nil {
		return
	}
	kinds := [...]string{"invalid", "request", "notification", "response", "batch"}
	r.opts.Hooks.Traffic(r.sess.view(), Traffic{Time: time.Now(), Direction: dir, Kind: kinds[k], Method: env.Method,
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
