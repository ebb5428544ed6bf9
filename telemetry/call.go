package telemetry

import (
	"encoding/hex"
	"time"

	"github.com/mcptray/mcptray/telemetry/wire"
)

// The attributes of a tool call's span, and its name (package wire holds them).
const (
	AttrApp       = wire.AttrApp
	AttrClient    = wire.AttrClient
	AttrServer    = wire.AttrServer
	AttrTool      = wire.AttrTool
	AttrMethod    = wire.AttrMethod
	AttrDecision  = wire.AttrDecision
	AttrDecidedBy = wire.AttrDecidedBy
	AttrWaitMS    = wire.AttrWaitMS
	AttrRunMS     = wire.AttrRunMS
	AttrOutcome   = wire.AttrOutcome
	SpanName      = wire.SpanName
)

// Call is one tool call's span, from its arrival to its end. A nil *Call does nothing. Its
// methods are not for concurrent use.
type Call struct {
	t       *Telemetry
	start   time.Time
	trace   traceID
	span    spanID
	parent  spanID // zero: the call starts a new trace
	sampled bool
	info    CallInfo
}

// CallInfo names a call: who made it, to which tool of which server.
type CallInfo struct {
	App, Client, Server, Tool string
}

// StartCall starts the span of a call that arrived at arrived, as a child of the AI app's
// traceparent when it sent a valid one (a new, sampled trace otherwise). nil on a nil
// Telemetry. It never blocks.
func (t *Telemetry) StartCall(arrived time.Time, traceparent string, c CallInfo) *Call {
	if t == nil {
		return nil
	}
	call := &Call{t: t, start: arrived, span: newSpanID(), sampled: true, info: c}
	if tid, parent, sampled, ok := parseTraceparent(traceparent); ok {
		call.trace, call.parent, call.sampled = tid, parent, sampled
	} else {
		call.trace = newTraceID()
	}
	return call
}

// Traceparent is the W3C traceparent of the call's span, for the server to continue; "" on
// a nil Call.
func (c *Call) Traceparent() string {
	if c == nil {
		return ""
	}
	return traceparent(c.trace, c.span, c.sampled)
}

// End ends the span with the decision and how the call came out, and hands it to the
// exporter. It never blocks: when the exporter has fallen behind, the call is dropped and
// counted.
func (c *Call) End(decision, decidedBy, outcome string, wait, run time.Duration) {
	if c == nil {
		return
	}
	r := wire.Record{
		TraceID: hex.EncodeToString(c.trace[:]), SpanID: hex.EncodeToString(c.span[:]), Sampled: c.sampled,
		Start: c.start.UnixNano(), End: time.Now().UnixNano(),
		App: c.info.App, Client: c.info.Client, Server: c.info.Server, Tool: c.info.Tool,
		Decision: decision, DecidedBy: decidedBy, Outcome: outcome, WaitMS: ms(wait), RunMS: ms(run),
	}
	if c.parent != (spanID{}) {
		r.ParentSpanID = hex.EncodeToString(c.parent[:])
	}
	c.t.enqueue(&r)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1e3 }
