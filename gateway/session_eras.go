package gateway

import (
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/mcptray/mcptray/internal/jsonwire"
)

// Both protocol eras in session mode (see docs/eras.md). The relay learns the client's era
// from its first request (initialize or server/discover) and the server's from its answer:
// when the server refuses the client's handshake and speaks the other era, the relay
// handshakes with it in that era, answers the client in the client's own, and bridges every
// later message (session_legacy_app.go, session_modern_app.go). When both sides speak the
// same era the relay stays the byte-faithful pass-through it is: nothing but the handshake's
// answer is looked at, and after it r.era is nil again.

// Era is the protocol era a server speaks, as MCP Tray found it out.
type Era string

const (
	// EraUnknown means nothing is known yet: the client's handshake is forwarded as it is.
	EraUnknown Era = ""
	// EraLegacy is a server that refuses server/discover: it speaks only initialize.
	EraLegacy Era = "legacy"
	// EraModern is a server that refuses initialize and answers server/discover
	// (2026-07-28 only).
	EraModern Era = "modern"
)

// discoverWait bounds how long a modern client's server/discover may go unanswered before
// the server is taken for a legacy one that ignores methods it does not know, and how long
// MCP Tray's own handshake in the other era may. A variable for tests.
var discoverWait = 5 * time.Second

type eraMode int

const (
	eraHandshake eraMode = iota // the client's handshake is at the server
	eraFallback                 // MCP Tray's own handshake in the server's era is at the server
	eraLegacyApp                // a legacy client on a modern-only server
	eraModernApp                // a modern client on a legacy server
)

// eraBridge is a session's state while its two sides' eras are being found out or differ.
type eraBridge struct {
	r *relay

	mu   sync.Mutex
	mode eraMode
	// The client's handshake request, and the server's refusal of it (forwarded when the
	// server does not speak the other era either).
	hsID     json.RawMessage
	hsMethod string
	hsLine   []byte
	refusal  []byte
	timer    *time.Timer
	seq      int64
	own      map[string]string // MCP Tray's own requests at the server: jsonwire.IDKey → method

	// A legacy client on a modern-only server (session_legacy_app.go).
	discover   json.RawMessage // the server's server/discover result
	caps, info json.RawMessage // what the client declared in initialize
	cc         clientCaps
	level      int                        // logLevels index the client set; -1 for none
	rounds     map[string]int             // input rounds per request, by jsonwire.IDKey of the client's id
	inputs     map[string]inputHandle     // MCP Tray's requests to the client, by jsonwire.IDKey
	retried    map[string]json.RawMessage // the id of MCP Tray's retry, by jsonwire.IDKey of the client's id
	subs       map[string]bool            // resources the client subscribed to
	listenKey  string                     // jsonwire.IDKey of MCP Tray's subscriptions/listen, or ""
	serverCaps json.RawMessage

	// A modern client on a legacy server (session_modern_app.go).
	states   map[string]*sessionHeld // request states MCP Tray gave out
	detached map[string]*sessionHeld // requests answered input_required, by jsonwire.IDKey
	listen   json.RawMessage         // the client's subscriptions/listen id, or nil
	listened []string                // the URIs subscribed for it
	// sentLevel is the log level last set at the server from the client's per-request
	// io.modelcontextprotocol/logLevel.
	sentLevel string
}

// beginEras looks at the client's first handshake request. It returns true when the relay
// answered or forwarded it itself (the server's era is known to differ), false when the
// request goes to the server as it is.
func (r *relay) beginEras(env envelope, key string, line []byte) bool {
	e := &eraBridge{r: r, hsID: append(json.RawMessage(nil), env.ID...), hsMethod: env.Method,
		hsLine: append([]byte(nil), line...), own: map[string]string{}, level: -1}
	r.era.Store(e)
	switch {
	case env.Method == "initialize" && r.opts.ServerEra == EraModern,
		env.Method == "server/discover" && r.opts.ServerEra == EraLegacy:
		e.mu.Lock()
		msg := e.fallbackLocked()
		e.mu.Unlock()
		r.writeServer(msg)
		return true
	case env.Method == "server/discover":
		// A legacy server may ignore a method it does not know rather than refuse it.
		e.mu.Lock()
		defer e.mu.Unlock()
		e.timer = time.AfterFunc(discoverWait, func() {
			r.guard(func() {
				if _, ok := r.settle(r.inflight, key); ok {
					e.mu.Lock()
					msg := e.fallbackLocked()
					e.mu.Unlock()
					r.writeServer(msg)
				}
			})
		})
	}
	return false
}

// handshakeAnswer takes the server's answer to the client's handshake (e.mode is
// eraHandshake). It returns true when it kept the answer from the client: the server refused
// and MCP Tray tries the other era.
func (e *eraBridge) handshakeAnswer(line []byte) bool {
	e.mu.Lock()
	if e.timer != nil {
		e.timer.Stop()
	}
	if jsonwire.ValueAt(line, "error") == nil || jsonwire.ValueAt(line, "result") != nil {
		e.mu.Unlock()
		e.r.era.Store(nil) // the same era on both sides: a pass-through from here on
		return false
	}
	e.refusal = append([]byte(nil), line...)
	msg := e.fallbackLocked()
	e.mu.Unlock()
	e.r.writeServer(msg)
	return true
}

// fallbackLocked returns MCP Tray's own handshake with the server in the era the client did
// not speak. e.mu must be held.
func (e *eraBridge) fallbackLocked() []byte {
	e.mode = eraFallback
	if e.hsMethod == "initialize" {
		// A legacy client: ask the server as a modern client would, with the client's own
		// capabilities and identity.
		e.caps, e.info = jsonwire.ValueAt(e.hsLine, "params", "capabilities"), jsonwire.ValueAt(e.hsLine, "params", "clientInfo")
		e.cc = readCaps(e.caps)
		return e.waitFor(e.ownRequest("server/discover", map[string]any{"_meta": e.metaFor()}))
	}
	// A modern client: initialize the server with the capabilities the client declared in
	// its server/discover.
	caps := jsonwire.ValueAt(e.hsLine, "params", "_meta", metaCaps)
	if caps == nil {
		caps = json.RawMessage("{}")
	}
	info := jsonwire.ValueAt(e.hsLine, "params", "_meta", metaInfo)
	if info == nil {
		info = json.RawMessage(`{"name":"MCP Tray","version":"dev"}`)
	}
	e.caps, e.info = caps, info
	return e.waitFor(e.ownRequest("initialize", map[string]any{"protocolVersion": handshakeVersion, "capabilities": caps, "clientInfo": info}))
}

// waitFor bounds how long MCP Tray's own handshake (msg) may go unanswered: a server that
// ignores it is taken to speak neither era, and the client is answered (refused) all the
// same. It returns msg. e.mu must be held.
func (e *eraBridge) waitFor(msg []byte) []byte {
	key, _ := jsonwire.IDKey(jsonwire.ValueAt(msg, "id"))
	if e.timer != nil {
		e.timer.Stop()
	}
	e.timer = time.AfterFunc(discoverWait, func() {
		e.r.guard(func() {
			e.mu.Lock()
			_, waiting := e.own[key]
			delete(e.own, key)
			e.mu.Unlock()
			if waiting {
				e.refused(nil)
			}
		})
	})
	return msg
}

// metaFor is the _meta of MCP Tray's own requests to a modern-only server on the client's
// behalf.
func (e *eraBridge) metaFor() map[string]json.RawMessage {
	caps := e.caps
	if caps == nil {
		caps = json.RawMessage("{}")
	}
	m := map[string]json.RawMessage{metaVersion: json.RawMessage(strconv.Quote(statelessVersion)), metaCaps: caps}
	if e.info != nil {
		m[metaInfo] = e.info
	}
	return m
}

// ownRequest returns a request of MCP Tray's own and records its id. e.mu must be held.
func (e *eraBridge) ownRequest(method string, params any) []byte {
	e.seq++
	id := strconv.Quote("mcptray-era-" + strconv.FormatInt(e.seq, 10))
	key, _ := jsonwire.IDKey([]byte(id))
	e.own[key] = method
	msg, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": json.RawMessage(id), "method": method, "params": params})
	return append(msg, '\n')
}

// ownAnswer takes the server's answer to one of MCP Tray's own requests; it reports whether
// the answer was one.
func (e *eraBridge) ownAnswer(env envelope, line []byte) bool {
	key, ok := jsonwire.IDKey(env.ID)
	if !ok {
		return false
	}
	e.mu.Lock()
	method, mine := e.own[key]
	if mine && method != "subscriptions/listen" {
		delete(e.own, key)
	}
	e.mu.Unlock()
	if !mine {
		return false
	}
	switch method {
	case "server/discover":
		e.discovered(line)
	case "initialize":
		e.initialized(line)
	}
	return true // answers to subscriptions are MCP Tray's alone
}

// discovered takes a modern-only server's answer to MCP Tray's server/discover for a legacy
// client: the client's initialize is answered from it, or with the server's refusal.
func (e *eraBridge) discovered(line []byte) {
	res := jsonwire.ValueAt(line, "result")
	if res == nil {
		e.refused(line)
		return
	}
	e.mu.Lock()
	e.mode = eraLegacyApp
	e.discover = append(json.RawMessage(nil), res...)
	e.serverCaps = jsonwire.ValueAt(res, "capabilities")
	e.rounds, e.inputs, e.subs = map[string]int{}, map[string]inputHandle{}, map[string]bool{}
	e.retried = map[string]json.RawMessage{}
	answer := initializeFromDiscover(e.discover, jsonwire.StringAt(e.hsLine, "params", "protocolVersion"), e.r.sess.Server)
	listen := e.listenLocked()
	e.mu.Unlock()
	e.r.learnedEra(EraModern)
	e.r.writeClient(resultResponse(e.hsID, answer))
	if listen != nil {
		e.r.writeServer(listen)
	}
}

// initialized takes a legacy server's answer to MCP Tray's initialize for a modern client:
// the client's server/discover is answered from it, or with the server's refusal.
func (e *eraBridge) initialized(line []byte) {
	res := jsonwire.ValueAt(line, "result")
	if res == nil {
		e.refused(line)
		return
	}
	e.mu.Lock()
	e.mode = eraModernApp
	e.states, e.detached = map[string]*sessionHeld{}, map[string]*sessionHeld{}
	var supported []string
	if v := jsonwire.StringAt(res, "protocolVersion"); v != "" {
		supported = []string{v}
	}
	answer := discoverFromInit(res, supported)
	e.mu.Unlock()
	e.r.learnedEra(EraLegacy)
	e.r.writeServer([]byte(`{"jsonrpc":"2.0","method":"notifications/initialized"}` + "\n"))
	e.r.writeClient(resultResponse(e.hsID, answer))
}

// refused handles the server's refusal of MCP Tray's handshake in the other era. When the
// server was taken for one of the other era without asking (Options.ServerEra), that was
// wrong (the server was updated, say): the client's own handshake goes to the server after
// all, and the daemon is told to forget. Otherwise the client gets the server's refusal.
func (e *eraBridge) refused(line []byte) {
	r := e.r
	e.mu.Lock()
	if e.refusal == nil && r.opts.ServerEra != EraUnknown {
		e.mode = eraHandshake
		hs := e.hsLine
		e.mu.Unlock()
		r.learnedEra(EraUnknown)
		key, _ := jsonwire.IDKey(e.hsID)
		r.track(r.inflight, key, envelope{ID: e.hsID, Method: e.hsMethod}, nil)
		r.writeServer(append(hs, '\n'))
		return
	}
	refusal := e.refusalLocked(line)
	e.mu.Unlock()
	r.era.Store(nil)
	r.writeClient(refusal)
}

// refusalLocked is the answer the client gets when the server speaks neither era: its
// refusal of the client's own handshake when there was one, else its refusal of MCP Tray's.
func (e *eraBridge) refusalLocked(line []byte) []byte {
	if e.refusal != nil {
		return append(jsonwire.ReplaceAt(e.refusal, e.hsID, "id"), '\n')
	}
	if obj := jsonwire.ValueAt(line, "error"); obj != nil {
		return errorObjectResponse(e.hsID, obj)
	}
	return errorResponse(e.hsID, codeUnavailable, fmt.Sprintf("The MCP server %q did not answer MCP Tray's handshake.", e.r.sess.Server))
}

// abandoned returns the client's answer when the server ends while MCP Tray's own handshake
// in the other era is at it (the client's handshake waits on it): the server's refusal of the
// client's handshake when there was one, else that the server stopped; nil when no handshake
// waits (answered, or answered by the timer already). The timer will not answer it again.
func (e *eraBridge) abandoned(gone string) []byte {
	e.mu.Lock()
	defer e.mu.Unlock()
	waiting := false
	for key, method := range e.own {
		if method == "server/discover" || method == "initialize" {
			delete(e.own, key)
			waiting = true
		}
	}
	if e.mode != eraFallback || !waiting {
		return nil
	}
	if e.timer != nil {
		e.timer.Stop()
	}
	if e.refusal != nil {
		return e.refusalLocked(nil)
	}
	return errorResponse(e.hsID, codeServerGone, gone)
}

// learnedEra tells the daemon what the server turned out to speak, so that the next session
// does not ask again.
func (r *relay) learnedEra(era Era) {
	if r.opts.Hooks.Era != nil {
		r.opts.Hooks.Era(r.sess.view(), era)
	}
}

// end finishes the audit records of calls the session ended in the middle of: a call the
// client never retried after an input_required answer, or one whose input it never gave.
func (e *eraBridge) end() {
	e.mu.Lock()
	var finish []func()
	for _, h := range e.detached {
		if h.p.finished == nil {
			continue
		}
		outcome := CallNotRun // the server's answer never reached the client
		f := h.p.finished
		finish = append(finish, func() { f(outcome, time.Since(h.p.start)) })
	}
	e.detached = nil
	seen := map[*sessionInput]bool{}
	for _, h := range e.inputs {
		if h.in.done || seen[h.in] || h.in.p.finished == nil {
			continue
		}
		seen[h.in] = true
		f, start := h.in.p.finished, h.in.p.start
		finish = append(finish, func() { f(CallNotRun, time.Since(start)) })
	}
	e.inputs = nil
	if e.timer != nil {
		e.timer.Stop()
	}
	e.mu.Unlock()
	for _, f := range finish {
		f()
	}
}

// current returns the bridge's mode.
func (e *eraBridge) current() eraMode {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.mode
}

// codeMethodNotFound is JSON-RPC's "method not found".
const codeMethodNotFound = -32601

// clientRequest handles a client request while the eras are bridged. done reports that the
// bridge answered or took it; otherwise out, when not nil, is the request as the server must
// receive it.
func (e *eraBridge) clientRequest(env envelope, line []byte) (done bool, out []byte) {
	switch e.current() {
	case eraLegacyApp:
		return e.legacyRequest(env, line)
	case eraModernApp:
		return e.modernRequest(env, line), nil
	case eraFallback:
		// The client spoke before its handshake was answered: it waits for nothing.
		e.r.writeClient(errorResponse(env.ID, codeInvalidRequest, "MCP Tray is still connecting to the server; send this request again once the handshake is answered."))
		return true, nil
	}
	return false, nil
}

// clientNotification handles a client notification while the eras are bridged; it reports
// whether it took it.
func (e *eraBridge) clientNotification(env envelope, line []byte) bool {
	switch e.current() {
	case eraLegacyApp:
		if env.Method == "notifications/cancelled" {
			return e.legacyCancelled(line)
		}
		return env.Method == "notifications/initialized"
	case eraFallback:
		// A modern-only server has no session to be told is initialized.
		return env.Method == "notifications/initialized"
	case eraModernApp:
		return e.modernNotification(env, line)
	}
	return false
}

// clientAnswer takes the client's answer to one of MCP Tray's requests; it reports whether
// it was one.
func (e *eraBridge) clientAnswer(env envelope, line []byte) bool {
	if e.current() == eraLegacyApp {
		return e.legacyClientAnswer(env, line)
	}
	return false
}

// serverMessage handles a server message before the relay looks at it: answers to MCP
// Tray's own requests, and a legacy server's requests and notifications for a modern
// client. It reports whether it took the message.
func (e *eraBridge) serverMessage(k kind, env envelope, line []byte) bool {
	switch k {
	case kindResponse:
		return e.ownAnswer(env, line)
	case kindRequest:
		if e.current() == eraModernApp {
			return e.modernServerRequest(env, line)
		}
	case kindNotification:
		if e.current() == eraModernApp {
			return e.modernServerNotification(env, line)
		}
	}
	return false
}

// serverAnswer looks at the server's answer to a client request (p, when ok; key is its
// jsonwire.IDKey); it reports whether it took the answer from the relay.
func (e *eraBridge) serverAnswer(p pending, ok bool, key string, line []byte) bool {
	switch e.current() {
	case eraHandshake:
		return ok && p.method == e.hsMethod && string(p.id) == string(e.hsID) && e.handshakeAnswer(line)
	case eraLegacyApp:
		return ok && e.legacyAnswer(p, line)
	case eraModernApp:
		return !ok && e.modernDetachedAnswer(key, line)
	}
	return false
}
