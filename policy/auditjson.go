package policy

import (
	"encoding/json"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// appendRecord appends rec as encoding/json's Marshal spells it, byte for byte, without
// reflection: the audit writer spells one record per relayed call, and Marshal was most of its
// allocations. A record it cannot spell the same way for certain (arguments kept, a time
// outside the years 0–9999, a duration that is not a finite number) goes through Marshal.
// TestAppendRecordIsMarshal holds the two together.
func appendRecord(b []byte, rec *AuditRecord) ([]byte, error) {
	if rec.Args != nil || rec.Time.Year() < 0 || rec.Time.Year() > 9999 || rec.Time.Location() != time.UTC ||
		!finite(rec.WaitMS) || !finite(rec.DurationMS) {
		line, err := json.Marshal(rec)
		return append(b, line...), err
	}
	b = append(b, `{"seq":`...)
	b = strconv.AppendUint(b, rec.Seq, 10)
	b = append(b, `,"time":"`...)
	b = rec.Time.AppendFormat(b, time.RFC3339Nano)
	b = append(b, '"')
	b = appendMember(b, "client", rec.Client, true)
	b = appendMember(b, "session", rec.Session, true)
	b = appendMember(b, "server", rec.Server, false)
	b = appendMember(b, "host", rec.Host, true)
	b = appendMember(b, "tool", rec.Tool, false)
	b = appendMember(b, "scope", rec.Scope, true)
	b = appendMember(b, "decision", string(rec.Decision), false)
	b = appendMember(b, "decided_by", string(rec.DecidedBy), false)
	b = appendMember(b, "answer", rec.Answer, true)
	b = appendMember(b, "reason", rec.Reason, true)
	b = append(b, `,"wait_ms":`...)
	b = appendFloat(b, rec.WaitMS)
	b = append(b, `,"duration_ms":`...)
	b = appendFloat(b, rec.DurationMS)
	b = appendMember(b, "outcome", string(rec.Outcome), false)
	b = appendMember(b, "note", rec.Note, true)
	b = appendMember(b, "args_sha256", rec.ArgsSHA256, false)
	b = appendMember(b, "prev", rec.Prev, false)
	return append(b, '}'), nil
}

func finite(f float64) bool { return !math.IsInf(f, 0) && !math.IsNaN(f) }

// appendMember appends ,"name":"value", or nothing for an empty value with omitEmpty.
func appendMember(b []byte, name, value string, omitEmpty bool) []byte {
	if omitEmpty && value == "" {
		return b
	}
	b = append(append(append(b, ',', '"'), name...), '"', ':')
	return appendJSONString(b, value)
}

// appendFloat spells f as encoding/json does: ECMAScript's shortest form, with an exponent
// only below 1e-6 and from 1e21.
func appendFloat(b []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

const lowerHex = "0123456789abcdef"

// appendJSONString quotes s as encoding/json does with its HTML escaping: '"' and '\\'
// escaped, control characters as \b \f \n \r \t or \u00XX, '<', '>' and '&' as \u00XX, invalid
// UTF-8 as \ufffd, U+2028 and U+2029 as \u2028 and \u2029.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', lowerHex[c>>4], lowerHex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(append(b, s[start:i]...), `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(append(b, s[start:i]...), '\\', 'u', '2', '0', '2', lowerHex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	return append(append(b, s[start:]...), '"')
}
