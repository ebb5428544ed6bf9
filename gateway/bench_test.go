package gateway_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"os"
	"testing"
	"time"

	"github.com/mcptray/mcptray/gateway"
	"github.com/mcptray/mcptray/policy"
)

// engineGate is the daemon's gate reduced to its allow path: the real policy engine decides.
type engineGate struct{ e *policy.Engine }

func (g engineGate) Call(s *gateway.Session, tool string, args json.RawMessage) gateway.CallVerdict {
	v := g.e.Decide(policy.Call{Client: s.Client, Session: s.ID, Server: s.Server, Tool: tool, Arguments: args})
	return gateway.CallVerdict{Allow: v.Rule == policy.RuleAllow, Message: v.Reason}
}
func (g engineGate) Tools(s *gateway.Session, r json.RawMessage, complete bool) json.RawMessage {
	return r
}
func (g engineGate) End(*gateway.Session)                                      {}
func (g engineGate) Refused(*gateway.Session, string, json.RawMessage, string) {}

// echoServer answers every request line with a tiny result, like a fast MCP server.
func echoServer(in io.Reader, out io.Writer) {
	r := bufio.NewReader(in)
	for {
		line, err := r.ReadBytes('\n')
		if err != nil {
			return
		}
		var req struct {
			ID json.RawMessage `json:"id"`
		}
		json.Unmarshal(line, &req)
		out.Write([]byte(`{"jsonrpc":"2.0","id":` + string(req.ID) + `,"result":{"content":[{"type":"text","text":"ok"}]}}` + "\n"))
	}
}

// roundTrips relays n small tools/call requests through an in-process relay and returns the
// mean round trip.
func roundTrips(b *testing.B, gate gateway.Gate) time.Duration {
	return roundTripsOver(b, gate, func() (io.ReadCloser, io.WriteCloser) { return io.Pipe() })
}

// osPipe is an operating-system pipe, as the daemon relays (the raw path, fastio_linux.go).
func osPipe(b *testing.B) func() (io.ReadCloser, io.WriteCloser) {
	return func() (io.ReadCloser, io.WriteCloser) {
		r, w, err := os.Pipe()
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { r.Close(); w.Close() })
		return r, w
	}
}

func roundTripsOver(b *testing.B, gate gateway.Gate, pipe func() (io.ReadCloser, io.WriteCloser)) time.Duration {
	cIn, cInW := pipe()   // client → relay
	cOutR, cOut := pipe() // relay → client
	sIn, sInW := pipe()   // relay → server
	sOutR, sOut := pipe() // server → relay
	go echoServer(sIn, sOut)
	sess := &gateway.Session{ID: "s", Server: "bench", Client: "bench"}
	done := make(chan struct{})
	go func() {
		defer close(done)
		gateway.Relay(context.Background(), sess, cOut, bufio.NewReader(cIn), gateway.Upstream{
			Stdin: sInW, Stdout: sOutR, Stop: func() error { sInW.Close(); sOut.Close(); return nil },
		}, gateway.Options{Gate: gate})
	}()
	resp := bufio.NewReader(cOutR)
	req := []byte(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"ping"}}}` + "\n")
	var total time.Duration
	for b.Loop() {
		t0 := time.Now()
		cInW.Write(req)
		if _, err := resp.ReadBytes('\n'); err != nil {
			b.Fatal(err)
		}
		total += time.Since(t0)
	}
	cInW.Close()
	<-done
	return total / time.Duration(b.N)
}

// BenchmarkRelayToolCall is a small tools/call through the relay without policy.
func BenchmarkRelayToolCall(b *testing.B) {
	b.ReportMetric(float64(roundTrips(b, nil).Nanoseconds())/1000, "µs/call")
}

// BenchmarkRelayToolCallWithPolicyAllow is the same call decided by the policy engine (a
// read-only tool, allowed without asking). Its difference from BenchmarkRelayToolCall is what
// policy adds to an allowed call: target ≤ 20 µs.
func BenchmarkRelayToolCallWithPolicyAllow(b *testing.B) {
	e := policy.NewEngine(policy.EngineOptions{Grants: policy.NewGrants(nil, nil)})
	e.ObserveTools("bench", []json.RawMessage{json.RawMessage(`{"name":"echo","description":"Echoes.","inputSchema":{"type":"object"},"annotations":{"readOnlyHint":true}}`)}, true)
	b.ReportMetric(float64(roundTrips(b, engineGate{e}).Nanoseconds())/1000, "µs/call")
}

// BenchmarkRelayToolCallOSPipes is BenchmarkRelayToolCall over operating-system pipes, the
// daemon's case: the relay's own share of a round trip, with the kernel's pipes and wake-ups
// but no other process (docs/relay-performance.md).
func BenchmarkRelayToolCallOSPipes(b *testing.B) {
	b.ReportMetric(float64(roundTripsOver(b, nil, osPipe(b)).Nanoseconds())/1000, "µs/call")
}
