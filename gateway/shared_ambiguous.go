package gateway

import (
	"encoding/json"
	"fmt"

	"github.com/mcptray/mcptray/internal/jsonwire"
)

// A message can mean different things to different readers. The hub (and JavaScript) take
// the last of two members of the same name; servers decoding with Go's encoding/json take
// the last one spelled in any case ("ID" counts as "id", "METHOD" as "method"); the hub
// rewrites only the member it reads. A client could then have the server answer under
// another client's id, cancel another client's call, or have one tool checked by policy and
// another one run. The hub therefore refuses, from clients, messages that name a member
// twice, or that spell a member the hub reads in another case.

// levels are the objects of a client's message the hub reads or rewrites, each with the
// members it reads there; objects further down (a tool's arguments, a result) are passed on
// untouched and are the server's business.
var levels = []struct {
	name, path string // how the object is reached from the one above, and from the message
	reads      []string
}{
	{"", "", []string{"jsonrpc", "id", "method", "params", "result", "error"}},
	{"params", "params.", []string{"_meta", "name", "arguments", "requestId", "cursor", "uri", "level"}},
	{"_meta", "params._meta.", []string{"progressToken"}},
}

// ambiguity is what makes a message ambiguous (jsonwire.Ambiguity): Member (with its
// parents, as in "params.name") is named twice, or, when As is set, is a spelling of As.
type ambiguity = jsonwire.Ambiguity

// ambiguousMember returns what makes msg ambiguous, or nil. Names are compared as
// encoding/json compares them: unescaped, ignoring case. msg must be valid JSON.
func ambiguousMember(msg []byte) *ambiguity {
	if a := jsonwire.LineBreak(msg); a != nil {
		return a
	}
	params, a := jsonwire.CheckLevel(msg, levels[0].reads, levels[1].name)
	if a != nil {
		return a
	}
	return ambiguousBelow(params)
}

// ambiguousBelow checks the levels under a message's top one, from its params down.
func ambiguousBelow(params []byte) *ambiguity {
	obj := params
	for i := 1; i < len(levels); i++ {
		lv := levels[i]
		next := ""
		if i+1 < len(levels) {
			next = levels[i+1].name
		}
		child, a := jsonwire.CheckLevel(obj, lv.reads, next)
		if a != nil {
			return a.Within(lv.path)
		}
		obj = child
	}
	return nil
}

// readClient reads a client's message as the relay's pump does: classified, and a single
// message's top level checked for ambiguity, in one pass (readChecked).
func readClient(line []byte) read {
	return readChecked(line, levels[0].reads, levels[1].name)
}

// checkedAmbiguity is clientAmbiguity for a message read by readClient, whose top level is
// checked already. For a tools/call request that is not ambiguous it also reads the tool
// call into r (r.call, r.named), in the same walk over the params as the check below the
// top (readCallParams).
func checkedAmbiguity(line []byte, r *read) *ambiguity {
	switch r.kind {
	case kindRequest, kindNotification, kindResponse:
		if a := jsonwire.LineBreak(line); a != nil {
			return a
		}
		if r.top != nil {
			return r.top
		}
		if r.kind == kindRequest && r.env.Method == "tools/call" {
			var a *ambiguity
			r.call, r.named, a = readCallParams(r.child)
			return a
		}
		return ambiguousBelow(r.child)
	}
	return clientAmbiguity(r.kind, line)
}

// refuseAmbiguous answers an ambiguous request with an invalid-request error; a notification
// or a response is dropped with a log line. When the request's id is in doubt the answer's
// id is null, as JSON-RPC asks for a request whose id is unknown.
func (m *member) refuseAmbiguous(k kind, env envelope, a *ambiguity) {
	why := sentence(a)
	m.h.note("%s sent a message that %s; MCP Tray refused it", clientName(m.sess.ClientName()), why)
	if k != kindRequest {
		return
	}
	id := env.ID
	if a.AboutID() {
		id = nil
	}
	m.send(errorResponse(id, codeInvalidRequest, fmt.Sprintf("MCP Tray refused this request because it %s.", why)))
}

// sentence says what is ambiguous, to end "…because it …".
func sentence(a *ambiguity) string {
	if a.CarriageReturn {
		return "holds a carriage return inside it, which some servers and apps read as the end of one message and the start of another"
	}
	if a.As != "" {
		return fmt.Sprintf("spells %q as %q, which some servers read as the same name", a.As, a.Member)
	}
	return fmt.Sprintf("names %q more than once", a.Member)
}

// ambiguity_ checks a client message of kind k: requests, notifications and responses
// themselves, a batch each of its messages. Invalid messages are never forwarded.
func clientAmbiguity(k kind, line []byte) *ambiguity {
	switch k {
	case kindRequest, kindNotification, kindResponse:
		return ambiguousMember(line)
	case kindBatch:
		if a := jsonwire.LineBreak(line); a != nil {
			return a // between the batch's messages too
		}
		var msgs []json.RawMessage
		if json.Unmarshal(line, &msgs) != nil {
			return nil
		}
		for _, msg := range msgs {
			if a := ambiguousMember(msg); a != nil {
				return a
			}
		}
	}
	return nil
}
