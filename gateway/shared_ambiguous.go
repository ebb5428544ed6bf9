package gateway

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode"
	"unicode/utf8"
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

// ambiguity is what makes a message ambiguous: Member (with its parents, as in
// "params.name") is named twice, or, when As is set, is a spelling of the member As.
type ambiguity struct {
	Member, As string
}

// ambiguousMember returns what makes msg ambiguous, or nil. Names are compared as
// encoding/json compares them: unescaped, ignoring case. msg must be valid JSON.
func ambiguousMember(msg []byte) *ambiguity {
	obj := msg
	for i, lv := range levels {
		next := ""
		if i+1 < len(levels) {
			next = levels[i+1].name
		}
		child, a := checkLevel(obj, lv.reads, next)
		if a != nil {
			a.Member = lv.path + a.Member
			if a.As != "" {
				a.As = lv.path + a.As
			}
			return a
		}
		obj = child
	}
	return nil
}

// refuseAmbiguous answers an ambiguous request with an invalid-request error; a notification
// or a response is dropped with a log line. When the request's id is in doubt the answer's
// id is null, as JSON-RPC asks for a request whose id is unknown.
func (m *member) refuseAmbiguous(k kind, env envelope, a *ambiguity) {
	why := a.sentence()
	m.h.note("%s sent a message that %s; MCP Tray refused it", clientName(m.sess.ClientName()), why)
	if k != kindRequest {
		return
	}
	id := env.ID
	if a.aboutID() {
		id = nil
	}
	m.send(errorResponse(id, codeInvalidRequest, fmt.Sprintf("MCP Tray refused this request because it %s.", why)))
}

// sentence says what is ambiguous, to end "…because it …".
func (a *ambiguity) sentence() string {
	if a.As != "" {
		return fmt.Sprintf("spells %q as %q, which some servers read as the same name", a.As, a.Member)
	}
	return fmt.Sprintf("names %q more than once", a.Member)
}

// aboutID reports whether the message's id is what is in doubt.
func (a *ambiguity) aboutID() bool {
	return a.As == "id" || a.As == "" && bytes.EqualFold([]byte(a.Member), []byte("id"))
}

// ambiguity_ checks a client message of kind k: requests, notifications and responses
// themselves, a batch each of its messages. Invalid messages are never forwarded.
func clientAmbiguity(k kind, line []byte) *ambiguity {
	switch k {
	case kindRequest, kindNotification, kindResponse:
		return ambiguousMember(line)
	case kindBatch:
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

// checkLevel walks the members of obj (nothing when it is not an object) and returns the
// first ambiguity: a name seen before, or a name that is not one of reads but matches one
// ignoring case. It also returns the value of the member named child.
func checkLevel(obj []byte, reads []string, child string) (childValue []byte, a *ambiguity) {
	var small [16][]byte // most objects here have a handful of members: no allocation
	seen := small[:0]
	var many map[string]bool // past that, folded names, so that a huge object costs O(n)
	members(obj, func(key []byte, vs, ve int) bool {
		name := memberName(key)
		for _, r := range reads {
			if string(name) != r && foldEqual(name, r) {
				a = &ambiguity{Member: string(name), As: r}
				return false
			}
		}
		if many == nil && len(seen) < len(small) {
			for _, s := range seen {
				if bytes.EqualFold(s, name) {
					a = &ambiguity{Member: string(name)}
					return false
				}
			}
			seen = append(seen, name)
		} else {
			if many == nil {
				many = map[string]bool{}
				for _, s := range seen {
					many[foldName(s)] = true
				}
			}
			f := foldName(name)
			if many[f] {
				a = &ambiguity{Member: string(name)}
				return false
			}
			many[f] = true
		}
		if child != "" && string(name) == child {
			childValue = obj[vs:ve]
		}
		return true
	})
	return childValue, a
}

// foldEqual is bytes.EqualFold(name, []byte(r)) without the conversion: a name that is
// plain ASCII is compared byte by byte; any other goes through bytes.EqualFold, since
// encoding/json also folds the Kelvin sign to k and the long s to s.
func foldEqual(name []byte, r string) bool {
	if len(name) == len(r) {
		ascii := true
		for i, c := range name {
			if c >= utf8.RuneSelf {
				ascii = false
				break
			}
			if lower(c) != lower(r[i]) {
				return false
			}
		}
		if ascii {
			return true
		}
	}
	if len(name) < len(r) { // folding never makes a name shorter than its ASCII twin
		return false
	}
	return bytes.EqualFold(name, []byte(r))
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// memberName unescapes a raw (quoted) member name.
func memberName(raw []byte) []byte {
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		return inner
	}
	var k string
	json.Unmarshal(raw, &k)
	return []byte(k)
}

// foldName maps name to a string that is equal for exactly the names bytes.EqualFold (and so
// encoding/json) takes as equal: every rune becomes the smallest of its case-folding orbit.
func foldName(name []byte) string {
	out := make([]byte, 0, len(name))
	for i := 0; i < len(name); {
		r, n := utf8.DecodeRune(name[i:])
		i += n
		for {
			next := unicode.SimpleFold(r)
			if next <= r {
				r = next
				break
			}
			r = next
		}
		out = utf8.AppendRune(out, r)
	}
	return string(out)
}
