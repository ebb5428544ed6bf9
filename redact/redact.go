// Package redact removes known secret values from text before it is logged
// or shown: server stderr, the audit log, error messages.
//
// A Redactor is built from the secrets MCP Tray knows (a map from key name to
// value). It replaces every occurrence of each value, and of the value in the
// encodings it commonly travels in, by "[redacted:KEY]". The encodings are:
// the raw value, the value with surrounding white space trimmed, standard and
// URL-safe base64 with and without padding (also as part of a longer base64
// text, such as an HTTP Basic credential "user:secret"), URL query and path
// escaping, and the forms a JSON encoder writes inside a string (with and
// without HTML escaping, with "\/", and with non-ASCII as \uXXXX), hex in
// either case, the value in capitals and in small letters (for values of 12
// characters or more), and UTF-16 in either byte order. A value that spans lines is also redacted line by line,
// so that it is caught in a line-oriented log too. A secret broken up by
// bytes put inside it is not found: a server holding its own credential can
// always leak it some way; this catches the forms it leaks in by accident.
//
// Values shorter than MinLen characters are not used as patterns: they would
// redact ordinary words and numbers all over a log, and are too short to be
// real credentials.
//
// Where occurrences of secrets overlap, the whole stretch they cover becomes
// one marker (named after the secret found first), so no part of either
// survives. Redaction is one pass over the input, trying the longest pattern
// first at each position.
package redact

import (
	"strings"
	"sync/atomic"
)

// MinLen is the length, in characters, below which a secret value is not
// used as a pattern.
const MinLen = 6

// Marker returns the text that replaces a secret named key.
func Marker(key string) string {
	return "[redacted:" + key + "]"
}

// Redactor replaces known secrets in text. Its zero value, and a nil
// *Redactor, know no secrets.
// It is safe for concurrent use: Set may run while other goroutines redact;
// each call to Redact uses one consistent set of secrets.
type Redactor struct {
	m   atomic.Pointer[matcher]
	gen atomic.Uint64 // counts Set calls
}

// New returns a Redactor for secrets, a map from key name to value.
func New(secrets map[string]string) *Redactor {
	r := new(Redactor)
	r.Set(secrets)
	return r
}

// Set replaces the set of secrets. It builds the patterns before it swaps them
// in, so calls to Redact never wait for it. The map is not retained.
func (r *Redactor) Set(secrets map[string]string) {
	r.m.Store(compile(secrets))
	r.gen.Add(1)
}

// current returns the patterns in use; nil when there are none.
func (r *Redactor) current() *matcher {
	if r == nil {
		return nil
	}
	m := r.m.Load()
	if m == nil || len(m.patterns) == 0 {
		return nil
	}
	return m
}

// Redact returns b with every known secret replaced by its marker. When
// nothing needs replacing it returns b itself, without copying; otherwise
// a new slice, and b is not modified.
func (r *Redactor) Redact(b []byte) []byte {
	m := r.current()
	if m == nil {
		return b
	}
	spans := scan(m, b, nil)
	if len(spans) == 0 {
		return b
	}
	return replace(b, spans, make([]byte, 0, len(b)+len(spans)*16))
}

// RedactString is Redact for a string.
func (r *Redactor) RedactString(s string) string {
	m := r.current()
	if m == nil {
		return s
	}
	spans := scan(m, s, nil)
	if len(spans) == 0 {
		return s
	}
	var sb strings.Builder
	sb.Grow(len(s) + len(spans)*16)
	last := 0
	for _, sp := range spans {
		sb.WriteString(s[last:sp.start])
		sb.WriteString(sp.marker)
		last = sp.end
	}
	sb.WriteString(s[last:])
	return sb.String()
}

// replace appends b to dst with each span replaced by its marker.
func replace(b []byte, spans []span, dst []byte) []byte {
	last := 0
	for _, sp := range spans {
		dst = append(dst, b[last:sp.start]...)
		dst = append(dst, sp.marker...)
		last = sp.end
	}
	return append(dst, b[last:]...)
}
