package gateway

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/mcptray/mcptray/internal/jsonwire"
)

// A legacy client (it sent initialize) on a modern-only server, in session mode (see
// docs/eras.md and shared_eras.go, which does the same for shared mode). Each of the client's
// requests gets the _meta a 2026-07-28 server requires; an input_required answer becomes
// ordinary requests to the client (elicitation, sampling, roots), and once the client has
// answered them all the relay retries the original request with the answers. The retry is
// the relay's own: it never passes the gate again, and the audit log records the client's one
// call with its final outcome. ping and logging/setLevel are answered by the relay, and
// resources/subscribe becomes MCP Tray's subscriptions/listen stream.

// sessionInput is one input_required answer being answered by the client.
type sessionInput struct {
	p       pending         // the client's original request
	line    []byte          // as it was last sent to the server
	state   json.RawMessage // the server's requestState, echoed verbatim
	want    int
	answers map[string]json.RawMessage
	done    bool // retried or failed: later answers are dropped
}

// inputHandle is one of MCP Tray's requests to the client for a round: name is the request's
// key in the server's inputRequests.
type inputHandle struct {
	in   *sessionInput
	name string
}

// legacyRequest handles a legacy client's request for a modern-only server: it answers it
// (true), or returns it as the server must receive it (false, with the new line, which the
// relay keeps in the request's pending entry once it forwards it).
func (e *eraBridge) legacyRequest(env envelope, line []byte) (bool, []byte) {
	r := e.r
	switch env.Method {
	case "ping":
		r.writeClient(resultResponse(env.ID, json.RawMessage("{}")))
		return true, nil
	case "initialize":
		e.mu.Lock()
		answer := initializeFromDiscover(e.discover, jsonwire.StringAt(line, "params", "protocolVersion"), r.sess.Server)
		e.mu.Unlock()
		r.writeClient(resultResponse(env.ID, answer))
		return true, nil
	case "logging/setLevel":
		level := logRank(jsonwire.StringAt(line, "params", "level"))
		e.mu.Lock()
		e.level = level
		e.mu.Unlock()
		r.writeClient(resultResponse(env.ID, json.RawMessage("{}")))
		return true, nil
	case "resources/subscribe", "resources/unsubscribe":
		uri := jsonwire.StringAt(line, "params", "uri")
		e.mu.Lock()
		if env.Method == "resources/subscribe" {
			e.subs[uri] = true
		} else {
			delete(e.subs, uri)
		}
		msgs := e.relistenLocked()
		e.mu.Unlock()
		r.writeClient(resultResponse(env.ID, json.RawMessage("{}")))
		for _, m := range msgs {
			r.writeServer(m)
		}
		return true, nil
	}
	e.mu.Lock()
	out := withModernMeta(line, e.caps, e.info, e.level)
	e.mu.Unlock()
	return false, out
}

// legacyAnswer takes the server's answer (line) to the client's request p; it returns true
// when the answer asks for input, which the relay then gets from the client. The request is
// sent again as p.sent: the line kept with this very request, never one the client sent
// later under the same id.
func (e *eraBridge) legacyAnswer(p pending, line []byte) bool {
	origKey, _ := jsonwire.IDKey(p.id)
	e.mu.Lock()
	delete(e.retried, origKey)
	e.mu.Unlock()
	sent := p.sent
	if sent == nil || jsonwire.StringAt(line, "result", "resultType") != "input_required" {
		e.mu.Lock()
		delete(e.rounds, origKey) // the request is over
		e.mu.Unlock()
		return false
	}
	r := e.r
	var reqs map[string]json.RawMessage
	if json.Unmarshal(jsonwire.ValueAt(line, "result", "inputRequests"), &reqs) != nil || len(reqs) == 0 {
		e.failInput(p, "MCP Tray could not read what the server asked for to complete this request.")
		return true
	}
	e.mu.Lock()
	e.rounds[origKey]++
	if e.rounds[origKey] > maxInputRounds {
		delete(e.rounds, origKey)
		e.mu.Unlock()
		e.failInput(p, fmt.Sprintf("The server asked for more input more than %d times for this request; MCP Tray stopped it.", maxInputRounds))
		return true
	}
	in := &sessionInput{p: p, line: sent, state: jsonwire.ValueAt(line, "result", "requestState"), want: len(reqs), answers: map[string]json.RawMessage{}}
	names := make([]string, 0, len(reqs))
	for name := range reqs {
		names = append(names, name)
	}
	slices.Sort(names)
	var sends [][]byte
	for _, name := range names {
		req := reqs[name]
		method := jsonwire.StringAt(req, "method")
		switch {
		case method == "roots/list" && !e.cc.roots:
			in.answers[name] = json.RawMessage(`{"roots":[]}`)
			continue
		case method != "sampling/createMessage" && method != "elicitation/create" && method != "roots/list",
			!e.cc.can(method, req):
			in.done = true // the requests registered for it so far are answered into nothing
			delete(e.rounds, origKey)
			e.mu.Unlock()
			e.failInput(p, fmt.Sprintf("The server needs %s to complete this request, which this app did not say it can answer.", describe([]byte(what(method, req)))))
			return true
		}
		e.seq++
		id := strconv.Quote("mcptray-input-" + strconv.FormatInt(e.seq, 10))
		k, _ := jsonwire.IDKey([]byte(id))
		e.inputs[k] = inputHandle{in: in, name: name}
		msg := map[string]any{"jsonrpc": "2.0", "id": json.RawMessage(id), "method": method}
		if params := jsonwire.ValueAt(req, "params"); params != nil {
			msg["params"] = params
		}
		b, _ := json.Marshal(msg)
		sends = append(sends, append(b, '\n'))
	}
	ready := len(in.answers) == in.want
	in.done = ready
	e.mu.Unlock()
	for _, b := range sends {
		r.writeClient(b)
	}
	if ready {
		e.retry(in)
	}
	return true
}

// legacyClientAnswer takes the client's answer to one of MCP Tray's input requests; it
// reports whether the answer was to one.
func (e *eraBridge) legacyClientAnswer(env envelope, line []byte) bool {
	k, ok := jsonwire.IDKey(env.ID)
	if !ok {
		return false
	}
	e.mu.Lock()
	h, ok := e.inputs[k]
	delete(e.inputs, k)
	e.mu.Unlock()
	if !ok {
		return false
	}
	e.answered(h, line)
	return true
}

// answered records one of the client's answers; once every one is in, the request is
// retried.
func (e *eraBridge) answered(h inputHandle, line []byte) {
	res := jsonwire.ValueAt(line, "result")
	e.mu.Lock()
	in := h.in
	if in.done {
		e.mu.Unlock()
		return
	}
	if res == nil {
		in.done = true
		e.mu.Unlock()
		msg := jsonwire.StringAt(line, "error", "message")
		if msg == "" {
			msg = "the app could not answer"
		}
		e.failInput(in.p, fmt.Sprintf("The server needed input for this request and the app answered: %s", msg))
		return
	}
	in.answers[h.name] = append(json.RawMessage(nil), res...)
	in.done = len(in.answers) == in.want
	ready := in.done
	e.mu.Unlock()
	if ready {
		e.retry(in)
	}
}

// retry sends the original request again, under an id of MCP Tray's, with the client's
// answers and the server's request state echoed verbatim. It is not decided again.
func (e *eraBridge) retry(in *sessionInput) {
	r := e.r
	answers, _ := json.Marshal(in.answers)
	set := map[string]json.RawMessage{"inputResponses": answers}
	if in.state != nil {
		set["requestState"] = in.state
	}
	line := setParams(in.line, set, nil)
	e.mu.Lock()
	e.seq++
	// The id carries a random part: a client that sent a request under the id first would
	// otherwise have its own request's entry replaced by the retry's (review).
	id := strconv.Quote("mcptray-retry-" + strconv.FormatInt(e.seq, 10) + "-" + rand.Text()[:8])
	key, _ := jsonwire.IDKey([]byte(id))
	line = jsonwire.ReplaceAt(line, []byte(id), "id")
	origKey, _ := jsonwire.IDKey(in.p.id)
	e.retried[origKey] = json.RawMessage(id)
	e.mu.Unlock()
	p := in.p
	p.sent = line
	r.mu.Lock()
	r.inflight[key] = p
	r.mu.Unlock()
	if err := r.writeServer(append(line, '\n')); err != nil {
		if p, ok := r.settle(r.inflight, key); ok {
			e.failInput(p, r.goneMessage())
		}
	}
}

// legacyCancelled handles the client's cancellation of one of its requests: one MCP Tray
// retried is cancelled at the server under the retry's id, and one waiting for the client's
// input is dropped (nothing runs at the server). It reports whether it handled line.
func (e *eraBridge) legacyCancelled(line []byte) bool {
	key, ok := jsonwire.IDKey(jsonwire.ValueAt(line, "params", "requestId"))
	if !ok {
		return false
	}
	e.mu.Lock()
	if id, ok := e.retried[key]; ok {
		e.mu.Unlock()
		e.r.writeServer(append(jsonwire.ReplaceAt(line, id, "params", "requestId"), '\n'))
		return true
	}
	var waiting *sessionInput
	for k, h := range e.inputs {
		if ik, _ := jsonwire.IDKey(h.in.p.id); ik == key && !h.in.done {
			waiting = h.in
			delete(e.inputs, k)
		}
	}
	if waiting != nil {
		waiting.done = true
	}
	e.mu.Unlock()
	if waiting == nil {
		return false
	}
	if waiting.p.finished != nil {
		waiting.p.finished(CallNotRun, time.Since(waiting.p.start))
	}
	return true
}

// failInput ends the client's request p, whose input could not be given, with an error.
func (e *eraBridge) failInput(p pending, msg string) {
	e.r.writeClient(errorResponse(p.id, codeUnavailable, msg))
	if p.finished != nil {
		p.finished(CallFailed, 0)
	}
}

// listenLocked returns MCP Tray's subscriptions/listen for what the client wants from a
// modern-only server: every list change it offers and the resources the client subscribed
// to; nil when there is nothing to listen to. e.mu must be held.
func (e *eraBridge) listenLocked() []byte {
	filter := map[string]any{}
	for kind, key := range map[string]string{"tools": "toolsListChanged", "prompts": "promptsListChanged", "resources": "resourcesListChanged"} {
		if string(jsonwire.ValueAt(e.serverCaps, kind, "listChanged")) == "true" {
			filter[key] = true
		}
	}
	if string(jsonwire.ValueAt(e.serverCaps, "resources", "subscribe")) == "true" && len(e.subs) > 0 {
		uris := make([]string, 0, len(e.subs))
		for uri := range e.subs {
			uris = append(uris, uri)
		}
		slices.Sort(uris)
		filter["resourceSubscriptions"] = uris
	}
	if len(filter) == 0 {
		return nil
	}
	msg := e.ownRequest("subscriptions/listen", map[string]any{"notifications": filter, "_meta": e.metaFor()})
	e.listenKey, _ = jsonwire.IDKey(jsonwire.ValueAt(msg, "id"))
	return msg
}

// relistenLocked replaces the listen stream with one for the current subscriptions: the old
// stream's cancellation and the new request. e.mu must be held.
func (e *eraBridge) relistenLocked() [][]byte {
	var msgs [][]byte
	if e.listenKey != "" {
		id := json.RawMessage(strconv.Quote(e.listenKey[len("s:"):]))
		msgs = append(msgs, cancelledNote(id, "MCP Tray listens for a new set of subscriptions"))
		delete(e.own, e.listenKey)
		e.listenKey = ""
	}
	if m := e.listenLocked(); m != nil {
		msgs = append(msgs, m)
	}
	return msgs
}
