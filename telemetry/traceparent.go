package telemetry

import (
	"encoding/hex"
	"math/rand/v2"
)

// traceID and spanID are W3C trace context ids; all zeros is invalid.
type (
	traceID [16]byte
	spanID  [8]byte
)

// parseTraceparent reads a W3C traceparent header (version 00, or a later version's first
// four fields). ok is false for anything malformed or with an all-zero id: the call then
// starts a new trace, as the OpenTelemetry propagator does.
func parseTraceparent(h string) (tid traceID, parent spanID, sampled, ok bool) {
	if len(h) < 55 || h[2] != '-' || h[35] != '-' || h[52] != '-' || (len(h) > 55 && h[55] != '-') {
		return tid, parent, false, false
	}
	var ver, flags [1]byte
	if !lowerHex(h[0:2], ver[:]) || ver[0] == 0xff || (ver[0] == 0 && len(h) != 55) ||
		!lowerHex(h[3:35], tid[:]) || !lowerHex(h[36:52], parent[:]) || !lowerHex(h[53:55], flags[:]) ||
		tid == (traceID{}) || parent == (spanID{}) {
		return traceID{}, spanID{}, false, false
	}
	return tid, parent, flags[0]&1 == 1, true
}

// lowerHex decodes s into dst when s is lowercase hexadecimal of exactly dst's length.
func lowerHex(s string, dst []byte) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	n, err := hex.Decode(dst, []byte(s))
	return err == nil && n == len(dst)
}

// newTraceID and newSpanID are random, never zero. math/rand/v2's generator is seeded from
// the operating system's randomness per process, as the OpenTelemetry SDK's is.
func newTraceID() (t traceID) {
	for t == (traceID{}) {
		putUint64(t[:8], rand.Uint64())
		putUint64(t[8:], rand.Uint64())
	}
	return t
}

func newSpanID() (s spanID) {
	for s == (spanID{}) {
		putUint64(s[:], rand.Uint64())
	}
	return s
}

func putUint64(b []byte, v uint64) {
	for i := range 8 {
		b[i] = byte(v >> (56 - 8*i))
	}
}

// traceparent formats version 00 of the header.
func traceparent(t traceID, s spanID, sampled bool) string {
	var b [55]byte
	b[0], b[1], b[2] = '0', '0', '-'
	hex.Encode(b[3:35], t[:])
	b[35] = '-'
	hex.Encode(b[36:52], s[:])
	b[52], b[53], b[54] = '-', '0', '0'
	if sampled {
		b[54] = '1'
	}
	return string(b[:])
}
