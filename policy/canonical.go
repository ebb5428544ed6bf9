package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ErrNotJSON reports bytes that are not one well-formed JSON value.
var ErrNotJSON = errors.New("not valid JSON")

// Canonicalize returns the canonical spelling of one JSON value, so that two values that mean
// the same thing always give the same bytes (and the same SHA-256):
//   - no insignificant whitespace;
//   - object members sorted by key, compared as UTF-8 bytes; a key given twice is an error,
//     because two readers of such an object can see two different values;
//   - strings decoded and re-escaped minimally: only '"', '\\' and control characters are
//     escaped (\b \f \n \r \t, else \u00XX in lower-case hex); invalid UTF-8 and lone
//     surrogates become U+FFFD, as encoding/json decodes them;
//   - numbers normalized exactly, without going through float64: 1, 1.0, 10e-1 and 1E0 all
//     become 1; -0 becomes 0; the spelling follows ECMAScript (plain digits when the decimal
//     point sits within 21 digits, else d.ddde±N), so distinct values never collide.
//
// It is a pure function, safe for concurrent use.
func Canonicalize(raw []byte) ([]byte, error) {
	if !json.Valid(raw) {
		return nil, ErrNotJSON
	}
	c := canonicalizer{in: raw}
	return c.value(make([]byte, 0, len(raw)))
}

// canonicalizer walks input that json.Valid has accepted, so it checks nothing twice.
type canonicalizer struct {
	in  []byte
	pos int
}

func (c *canonicalizer) skipSpace() {
	for c.pos < len(c.in) {
		switch c.in[c.pos] {
		case ' ', '\t', '\n', '\r':
			c.pos++
		default:
			return
		}
	}
}

func (c *canonicalizer) value(out []byte) ([]byte, error) {
	c.skipSpace()
	switch c.in[c.pos] {
	case '{':
		return c.object(out)
	case '[':
		return c.array(out)
	case '"':
		s, err := c.str()
		return appendCanonicalString(out, s), err
	case 't':
		c.pos += len("true")
		return append(out, "true"...), nil
	case 'f':
		c.pos += len("false")
		return append(out, "false"...), nil
	case 'n':
		c.pos += len("null")
		return append(out, "null"...), nil
	}
	start := c.pos
	for c.pos < len(c.in) && strings.IndexByte("+-.0123456789eE", c.in[c.pos]) >= 0 {
		c.pos++
	}
	return appendCanonicalNumber(out, c.in[start:c.pos])
}

type member struct {
	key        string
	start, end int // the value, in the object's vals
}

func (c *canonicalizer) object(out []byte) ([]byte, error) {
	c.pos++ // {
	members := make([]member, 0, 8)
	// The members' canonical values, one after another. Sized for a small object (the
	// arguments of most calls) and never for the rest of the input: an array of many objects
	// would then allocate the input's size once per object.
	vals := make([]byte, 0, min(len(c.in)-c.pos, 256))
	for {
		c.skipSpace()
		if c.in[c.pos] == '}' {
			c.pos++
			break
		}
		if c.in[c.pos] == ',' {
			c.pos++
			c.skipSpace()
		}
		key, err := c.str()
		if err != nil {
			return nil, err
		}
		c.skipSpace()
		c.pos++ // :
		start := len(vals)
		if vals, err = c.value(vals); err != nil {
			return nil, err
		}
		members = append(members, member{key, start, len(vals)})
	}
	slices.SortStableFunc(members, func(a, b member) int { return strings.Compare(a.key, b.key) })
	out = append(out, '{')
	for i, m := range members {
		if i > 0 {
			if members[i-1].key == m.key {
				return nil, fmt.Errorf("key %q appears twice in one object", m.key)
			}
			out = append(out, ',')
		}
		out = appendCanonicalString(out, m.key)
		out = append(out, ':')
		out = append(out, vals[m.start:m.end]...)
	}
	return append(out, '}'), nil
}

func (c *canonicalizer) array(out []byte) ([]byte, error) {
	c.pos++ // [
	out = append(out, '[')
	first := true
	for {
		c.skipSpace()
		switch c.in[c.pos] {
		case ']':
			c.pos++
			return append(out, ']'), nil
		case ',':
			c.pos++
		}
		if !first {
			out = append(out, ',')
		}
		first = false
		var err error
		if out, err = c.value(out); err != nil {
			return nil, err
		}
	}
}

// str reads the string starting at c.pos (a '"') and returns it decoded.
func (c *canonicalizer) str() (string, error) {
	start := c.pos
	escaped := false
	c.pos++
	for {
		b := c.in[c.pos]
		if b == '\\' {
			escaped = true
			c.pos += 2
			continue
		}
		c.pos++
		if b == '"' {
			break
		}
	}
	body := c.in[start+1 : c.pos-1]
	if !escaped && utf8.Valid(body) {
		return string(body), nil
	}
	var s string
	if err := json.Unmarshal(c.in[start:c.pos], &s); err != nil {
		return "", fmt.Errorf("decoding a string: %w", err)
	}
	return s, nil
}

func appendCanonicalString(out []byte, s string) []byte {
	out = append(out, '"')
	for i := 0; i < len(s); i++ {
		b := s[i]
		switch {
		case b == '"' || b == '\\':
			out = append(out, '\\', b)
		case b == '\b':
			out = append(out, '\\', 'b')
		case b == '\f':
			out = append(out, '\\', 'f')
		case b == '\n':
			out = append(out, '\\', 'n')
		case b == '\r':
			out = append(out, '\\', 'r')
		case b == '\t':
			out = append(out, '\\', 't')
		case b < 0x20:
			out = append(out, '\\', 'u', '0', '0', "0123456789abcdef"[b>>4], "0123456789abcdef"[b&0xf])
		default:
			out = append(out, b)
		}
	}
	return append(out, '"')
}

// maxExponent bounds the decimal exponent a number may carry; beyond it no tool schema has a
// reason to go, and the bound keeps the arithmetic below far from overflow.
const maxExponent = 1_000_000_000

// appendCanonicalNumber normalizes a JSON number literal exactly, working on its decimal
// digits: value = digits × 10^exp with no leading or trailing zeros in digits.
func appendCanonicalNumber(out []byte, lit []byte) ([]byte, error) {
	neg := lit[0] == '-'
	if neg {
		lit = lit[1:]
	}
	mant, exp := lit, 0
	if i := bytes.IndexAny(lit, "eE"); i >= 0 {
		mant = lit[:i]
		e, err := strconv.Atoi(string(lit[i+1:]))
		if err != nil || e > maxExponent || e < -maxExponent {
			return nil, fmt.Errorf("number %s is out of range", lit)
		}
		exp = e
	}
	digits := string(mant)
	if i := strings.IndexByte(digits, '.'); i >= 0 {
		exp -= len(digits) - i - 1
		digits = digits[:i] + digits[i+1:]
	}
	digits = strings.TrimLeft(digits, "0")
	if digits == "" {
		return append(out, '0'), nil
	}
	trimmed := strings.TrimRight(digits, "0")
	exp += len(digits) - len(trimmed)
	digits = trimmed
	if neg {
		out = append(out, '-')
	}
	point := len(digits) + exp // digits before the decimal point
	switch {
	case exp >= 0 && point <= 21:
		out = append(out, digits...)
		for range exp {
			out = append(out, '0')
		}
	case point > 0 && point <= 21:
		out = append(out, digits[:point]...)
		out = append(out, '.')
		out = append(out, digits[point:]...)
	case point > -6 && point <= 0:
		out = append(out, '0', '.')
		for range -point {
			out = append(out, '0')
		}
		out = append(out, digits...)
	default:
		out = append(out, digits[0])
		if len(digits) > 1 {
			out = append(out, '.')
			out = append(out, digits[1:]...)
		}
		out = append(out, 'e')
		if point-1 >= 0 {
			out = append(out, '+')
		}
		out = strconv.AppendInt(out, int64(point-1), 10)
	}
	return out, nil
}
