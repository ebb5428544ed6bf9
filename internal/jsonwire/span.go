package jsonwire

import (
	"bytes"
	"encoding/json"
)

// The relay rewrites a few members of messages it otherwise passes unchanged (request ids,
// progress tokens, cancelled request ids). These functions find and replace one member's
// value in place, leaving every other byte as the peer sent it. Unlike Object they do not
// validate: callers hand them messages Envelope accepted, or their own.

// Field finds the value of key at the top level of the JSON object obj and returns its byte
// span. ok is false when obj is not an object or has no such key. When obj names key more
// than once, the last one counts, as in encoding/json and JavaScript: what the hub rewrites
// is what the peer reads.
func Field(obj []byte, key string) (start, end int, ok bool) {
	Members(obj, func(k []byte, vs, ve int) bool {
		if KeyIs(k, key) {
			start, end, ok = vs, ve, true
		}
		return true
	})
	return start, end, ok
}

// Members calls visit with each top-level member of the JSON object obj: its raw (quoted)
// name and its value's byte span, in order, until visit returns false. It does nothing when
// obj is not an object, and stops where obj stops being well-formed.
func Members(obj []byte, visit func(key []byte, start, end int) bool) {
	i := SkipSpace(obj, 0)
	if i >= len(obj) || obj[i] != '{' {
		return
	}
	i = SkipSpace(obj, i+1)
	if i < len(obj) && obj[i] == '}' {
		return
	}
	for {
		i = SkipSpace(obj, i)
		if i >= len(obj) || obj[i] != '"' {
			return
		}
		ks := i
		ke := skipString(obj, i)
		if ke < 0 {
			return
		}
		i = SkipSpace(obj, ke)
		if i >= len(obj) || obj[i] != ':' {
			return
		}
		vs := SkipSpace(obj, i+1)
		ve := skipValue(obj, vs)
		if ve < 0 || !visit(obj[ks:ke], vs, ve) {
			return
		}
		i = SkipSpace(obj, ve)
		if i >= len(obj) || obj[i] != ',' {
			return
		}
		i++
	}
}

// Path finds the value at a chain of keys through nested objects.
func Path(obj []byte, keys ...string) (start, end int, ok bool) {
	off := 0
	for _, k := range keys {
		s, e, ok := Field(obj[off:], k)
		if !ok {
			return 0, 0, false
		}
		start, end = off+s, off+e
		obj = obj[:end]
		off = start
	}
	return start, end, true
}

// Splice returns a new message with the value at [start,end) of msg replaced by v.
func Splice(msg []byte, start, end int, v []byte) []byte {
	out := make([]byte, 0, len(msg)-(end-start)+len(v))
	out = append(out, msg[:start]...)
	out = append(out, v...)
	return append(out, msg[end:]...)
}

// ReplaceAt returns msg with the value at keys replaced by v, or nil when there is none.
func ReplaceAt(msg []byte, v []byte, keys ...string) []byte {
	s, e, ok := Path(msg, keys...)
	if !ok {
		return nil
	}
	return Splice(msg, s, e, v)
}

// ValueAt returns the raw value at keys, or nil.
func ValueAt(msg []byte, keys ...string) json.RawMessage {
	s, e, ok := Path(msg, keys...)
	if !ok {
		return nil
	}
	return json.RawMessage(msg[s:e])
}

// StringAt returns the string value at keys, or "".
func StringAt(msg []byte, keys ...string) string {
	var s string
	if v := ValueAt(msg, keys...); v != nil {
		json.Unmarshal(v, &s)
	}
	return s
}

// SkipSpace returns the index of the first byte at or after i of b that is not JSON white
// space.
func SkipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index just past the string starting at b[i] (a quote), or -1. It
// jumps from quote to quote (bytes.IndexByte is vectorized): a quote ends the string unless
// an odd number of backslashes precede it.
func skipString(b []byte, i int) int {
	for i++; i < len(b); {
		q := bytes.IndexByte(b[i:], '"')
		if q < 0 {
			return -1
		}
		i += q
		n := 0
		for j := i - 1; j >= 0 && b[j] == '\\'; j-- {
			n++
		}
		i++
		if n%2 == 0 {
			return i
		}
	}
	return -1
}

// skipValue returns the index just past the JSON value starting at b[i], or -1.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				j := skipString(b, i)
				if j < 0 {
					return -1
				}
				i = j - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return -1
	default:
		j := i
		for j < len(b) && !bytes.ContainsRune([]byte(",}] \t\r\n"), rune(b[j])) {
			j++
		}
		if j == i {
			return -1
		}
		return j
	}
}
