package telemetry

import "testing"

// The W3C traceparent is read as the OpenTelemetry propagator reads it: what is malformed
// starts a new trace instead.
func TestParseTraceparent(t *testing.T) {
	for _, c := range []struct {
		h           string
		ok, sampled bool
	}{
		{"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", true, true},
		{"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", true, false},
		{"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03", true, true},
		{"01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-later", true, true},
		{"", false, false},
		{"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-", false, false},
		{"00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", false, false},
		{"00-00000000000000000000000000000000-00f067aa0ba902b7-01", false, false},
		{"00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", false, false},
		{"ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", false, false},
		{"00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01", false, false},
		{"00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", false, false},
		{"01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x", false, false},
	} {
		tid, parent, sampled, ok := parseTraceparent(c.h)
		if ok != c.ok || sampled != c.sampled {
			t.Errorf("parseTraceparent(%q) ok %v sampled %v, want %v %v", c.h, ok, sampled, c.ok, c.sampled)
		}
		if ok && traceparent(tid, parent, sampled) != "00"+c.h[2:52]+"-0"+map[bool]string{true: "1", false: "0"}[sampled] {
			t.Errorf("%q does not format back", c.h)
		}
	}
}

// New ids are never zero and the header they make parses back.
func TestNewIDs(t *testing.T) {
	for range 100 {
		tid, sid := newTraceID(), newSpanID()
		got, parent, sampled, ok := parseTraceparent(traceparent(tid, sid, true))
		if !ok || !sampled || got != tid || parent != sid {
			t.Fatalf("%x %x did not round-trip", tid, sid)
		}
	}
}
