// Package jsonwire reads and edits JSON-RPC messages as the bytes they arrived as: one
// validating scanner for a whole message (Envelope, Object), member spans for editing one
// value in place (Members, Field, ReplaceAt), the id key clients match answers by (IDKey), and
// the strict-reading check that refuses members named twice or spelled in another case
// (CheckLevel). Nothing here builds a value a caller did not ask for: the relay calls it on
// every message, and what it reads must be exactly what a peer decoding the same bytes with
// encoding/json or JavaScript reads.
package jsonwire

import (
	"bytes"
	"encoding/json"
	"errors"
)

// ErrNotJSON is the error of a message that is not one valid JSON value.
var ErrNotJSON = errors.New("not valid JSON")

// maxDepth bounds nesting as encoding/json does, so no message can exhaust the scanner.
const maxDepth = 10000

// Envelope validates one JSON message and returns its top-level "id" (raw) and "method"
// members, without building any value: it is the relay's per-message decoder, and it agrees
// with encoding/json on what is valid JSON and on duplicate members (the last one wins).
// isObject is false for any other top-level value (an array is a batch). A method that is not
// a string is an error, as decoding it into a string would be.
func Envelope(line []byte) (id json.RawMessage, method string, isObject bool, err error) {
	m, err := ReadMessage(line, nil, "")
	return m.ID, m.Method, m.IsObject, err
}

// Message is what ReadMessage reads of one message.
type Message struct {
	ID       json.RawMessage // the top-level "id", raw; nil for none
	Method   string          // the top-level "method"
	IsObject bool            // false for any other top-level value (an array is a batch)
	// Child is the value of the top-level member ReadMessage was asked for, nil for none.
	Child []byte
	// Ambiguity is the first ambiguity among the top-level members (CheckLevel), nil for none;
	// it is not looked for when ReadMessage is given no names read.
	Ambiguity *Ambiguity
}

// ReadMessage is Envelope and, when reads is not nil, CheckLevel(line, reads, child) in the
// same pass over the message: the relay's reader validates, reads the envelope and checks the
// top level for ambiguity with one walk.
func ReadMessage(line []byte, reads []string, child string) (m Message, err error) {
	var methodRaw []byte
	check := reads != nil
	lv := Level{Reads: reads}
	isObject, ok := Object(line, func(key, value []byte) {
		name := MemberName(key)
		switch string(name) {
		case "id":
			m.ID = value
		case "method":
			methodRaw = value
		}
		if !check || m.Ambiguity != nil {
			return
		}
		if m.Ambiguity = lv.Member(name); m.Ambiguity == nil && child != "" && string(name) == child {
			m.Child = value
		}
	})
	m.IsObject = isObject
	if !ok {
		return Message{IsObject: isObject}, ErrNotJSON
	}
	if methodRaw != nil && string(methodRaw) != "null" { // null decodes to "" in encoding/json
		method, ok := knownMethod(methodRaw)
		if !ok {
			if method, ok = Unquote(methodRaw); !ok {
				return Message{IsObject: true}, errors.New("the method is not a string")
			}
		}
		m.Method = method
	}
	return m, nil
}

// knownMethod returns the method a raw (quoted) name spells when it is one of the methods that
// flow on every call, without the allocation Unquote makes for the string.
func knownMethod(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	switch string(raw[1 : len(raw)-1]) {
	case "tools/call":
		return "tools/call", true
	case "notifications/progress":
		return "notifications/progress", true
	case "notifications/message":
		return "notifications/message", true
	case "notifications/cancelled":
		return "notifications/cancelled", true
	case "ping":
		return "ping", true
	}
	return "", false
}

// Object validates b as one JSON value and, when it is an object, calls visit with each
// member's raw name (quoted) and raw value, in order. Both slices alias b.
func Object(b []byte, visit func(key, value []byte)) (isObject, ok bool) {
	s := scanner{b: b}
	s.space()
	if s.i >= len(s.b) || s.b[s.i] != '{' {
		if !s.value() {
			return false, false
		}
		s.space()
		return false, s.i == len(s.b)
	}
	s.i++
	s.space()
	if s.i < len(s.b) && s.b[s.i] == '}' {
		s.i++
	} else {
		for {
			s.space()
			kStart := s.i
			if !s.str() {
				return true, false
			}
			key := s.b[kStart:s.i]
			s.space()
			if s.i >= len(s.b) || s.b[s.i] != ':' {
				return true, false
			}
			s.i++
			s.space()
			vStart := s.i
			if !s.value() {
				return true, false
			}
			visit(key, s.b[vStart:s.i])
			s.space()
			if s.i < len(s.b) && s.b[s.i] == ',' {
				s.i++
				continue
			}
			if s.i < len(s.b) && s.b[s.i] == '}' {
				s.i++
				break
			}
			return true, false
		}
	}
	s.space()
	return true, s.i == len(s.b)
}

// KeyIs reports whether a raw (quoted) member name is name; names with escapes are decoded.
func KeyIs(raw []byte, name string) bool {
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		return string(inner) == name
	}
	var k string
	json.Unmarshal(raw, &k)
	return k == name
}

// Unquote decodes a JSON string; plain ASCII without escapes is taken as is.
func Unquote(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	for _, c := range raw[1 : len(raw)-1] {
		if c == '\\' || c >= 0x80 {
			var v string
			return v, json.Unmarshal(raw, &v) == nil
		}
	}
	return string(raw[1 : len(raw)-1]), true
}

// scanner walks JSON text; each method advances i past what it accepted.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) space() { s.i = SkipSpace(s.b, s.i) }

// value skips one JSON value of any kind, iteratively so deep nesting costs no stack.
func (s *scanner) value() bool {
	var buf [32]byte
	stack := buf[:0] // '{' or '[' per open container; on the heap only past 32 levels
	for {
		s.space()
		if s.i >= len(s.b) {
			return false
		}
		// One value.
		switch c := s.b[s.i]; {
		case c == '{' || c == '[':
			if len(stack) >= maxDepth {
				return false
			}
			s.i++
			s.space()
			if s.i < len(s.b) && s.b[s.i] == closer(c) {
				s.i++
				break
			}
			stack = append(stack, c)
			if c == '{' && !s.member() {
				return false
			}
			continue
		case c == '"':
			if !s.str() {
				return false
			}
		case c == '-' || (c >= '0' && c <= '9'):
			if !s.number() {
				return false
			}
		default:
			if !s.literal() {
				return false
			}
		}
		// After a value: close containers or move to the next element.
		for {
			if len(stack) == 0 {
				return true
			}
			s.space()
			if s.i >= len(s.b) {
				return false
			}
			top := stack[len(stack)-1]
			if s.b[s.i] == closer(top) {
				s.i++
				stack = stack[:len(stack)-1]
				continue
			}
			if s.b[s.i] != ',' {
				return false
			}
			s.i++
			if top == '{' && !s.member() {
				return false
			}
			break
		}
	}
}

// member skips an object member's name and colon.
func (s *scanner) member() bool {
	s.space()
	if !s.str() {
		return false
	}
	s.space()
	if s.i >= len(s.b) || s.b[s.i] != ':' {
		return false
	}
	s.i++
	return true
}

func closer(open byte) byte {
	if open == '{' {
		return '}'
	}
	return ']'
}

// str skips a string, checking its escapes and refusing control characters.
func (s *scanner) str() bool {
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return false
	}
	s.i++
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return true
		case c < 0x20:
			return false
		case c == '\\':
			s.i++
			if s.i >= len(s.b) {
				return false
			}
			switch s.b[s.i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.i++
			case 'u':
				if s.i+4 >= len(s.b) {
					return false
				}
				for _, h := range s.b[s.i+1 : s.i+5] {
					if !isHex(h) {
						return false
					}
				}
				s.i += 5
			default:
				return false
			}
		default:
			s.i++
		}
	}
	return false
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// number skips -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *scanner) number() bool {
	if s.b[s.i] == '-' {
		s.i++
	}
	if s.i >= len(s.b) {
		return false
	}
	switch {
	case s.b[s.i] == '0':
		s.i++
	case s.b[s.i] >= '1' && s.b[s.i] <= '9':
		s.digits()
	default:
		return false
	}
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if !s.digits() {
			return false
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if !s.digits() {
			return false
		}
	}
	return true
}

// digits skips one or more digits and reports whether there was one.
func (s *scanner) digits() bool {
	start := s.i
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
	}
	return s.i > start
}

func (s *scanner) literal() bool {
	for _, lit := range []string{"true", "false", "null"} {
		if len(s.b)-s.i >= len(lit) && string(s.b[s.i:s.i+len(lit)]) == lit {
			s.i += len(lit)
			return true
		}
	}
	return false
}
