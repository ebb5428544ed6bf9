package jsonwire

import (
	"bytes"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Clients do not all compare JSON-RPC ids byte for byte. The TypeScript SDK looks an answer up
// by Number(id): "1", 1.0, 1e0 and " 1 " all answer request 1, and "" answers request 0.
// Python takes 1.0 for 1. A server that re-spells an id could then have its answer taken by
// the client and not by the relay, and skip everything the relay does with answers (pins,
// hiding, the scanner). The relay therefore matches ids by IDKey, the loosest of these
// comparisons, and forwards a matched answer under the exact id the client sent.

// IDKey returns the key under which an id is matched: ids that any client takes as the same
// request have the same key. ok is false for a value that is not a usable id (not a string or
// a number).
func IDKey(raw []byte) (key string, ok bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", false
	}
	if smallInteger(raw) {
		return "n:" + string(raw), true // numberKey's answer, without parsing and formatting a float
	}
	switch c := raw[0]; {
	case c == '"':
		s, ok := Unquote(raw)
		if !ok {
			return "", false
		}
		if f, ok := jsNumber(s); ok {
			return numberKey(f), true
		}
		return "s:" + s, true
	case c == '-' || (c >= '0' && c <= '9'):
		f, err := strconv.ParseFloat(string(raw), 64)
		if err != nil && !isRangeError(err) { // out of range is ±Infinity, as in JavaScript
			return "", false
		}
		return numberKey(f), true
	}
	return "", false
}

// smallInteger reports whether raw is a JSON integer below a million written plainly (digits,
// no leading zero): numberKey spells such a number with the same digits. Most clients number
// their requests 1, 2, 3…, and this spares every message a float's parse and format.
func smallInteger(raw []byte) bool {
	if len(raw) > 6 || raw[0] == '0' && len(raw) > 1 {
		return false
	}
	for _, c := range raw {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func isRangeError(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

func numberKey(f float64) string {
	if f == 0 {
		f = 0 // -0 is 0 to a JavaScript Map
	}
	return "n:" + strconv.FormatFloat(f, 'g', -1, 64)
}

// jsNumber is JavaScript's Number(s) for a string: ok is false where it gives NaN.
func jsNumber(s string) (float64, bool) {
	s = strings.TrimFunc(s, isJSSpace)
	switch s {
	case "":
		return 0, true
	case "Infinity", "+Infinity":
		return math.Inf(1), true
	case "-Infinity":
		return math.Inf(-1), true
	}
	if len(s) > 2 && s[0] == '0' {
		base := map[byte]int{'x': 16, 'X': 16, 'o': 8, 'O': 8, 'b': 2, 'B': 2}[s[1]]
		if base != 0 {
			n, ok := new(big.Int).SetString(s[2:], base)
			if !ok || strings.ContainsAny(s[2:], "_+-") {
				return 0, false
			}
			f, _ := new(big.Float).SetInt(n).Float64()
			return f, true
		}
	}
	if !isDecimalLiteral(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !isRangeError(err) {
		return 0, false
	}
	return f, true
}

// isDecimalLiteral reports whether s is ECMAScript's StrDecimalLiteral without Infinity:
// [+-] (digits [. [digits]] | . digits) [(e|E) [+-] digits].
func isDecimalLiteral(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := func() int {
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - start
	}
	n := digits()
	if i < len(s) && s[i] == '.' {
		i++
		n += digits()
	}
	if n == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// isJSSpace is ECMAScript's WhiteSpace and LineTerminator, which Number() trims.
func isJSSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', '\u00a0', '\u1680', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff':
		return true
	}
	return r >= '\u2000' && r <= '\u200a'
}
