package gateway

import (
	"bytes"
	"encoding/json"

	"github.com/mcptray/mcptray/internal/jsonwire"
)

// TracedGate is a Gate that also takes the W3C trace context an AI app sent with a tool call
// (params._meta.traceparent, "" for none), for telemetry. The relay calls CallTraced instead
// of Call when the gate has it.
type TracedGate interface {
	Gate
	CallTraced(s *Session, tool string, args json.RawMessage, traceparent string) CallVerdict
}

// consultGate asks g about tools/call c, with its trace context when g takes one.
func consultGate(g Gate, s *Session, c toolCallParams) CallVerdict {
	if tg, ok := g.(TracedGate); ok {
		return tg.CallTraced(s, c.name, c.args, c.traceparent)
	}
	return g.Call(s, c.name, c.args)
}

// stamp returns the tools/call request msg (with or without its line ending) carrying
// v.Traceparent in params._meta.traceparent, replacing the app's; msg itself when there is
// none to set or msg has no params object.
func (v CallVerdict) stamp(msg []byte) []byte {
	if v.Traceparent == "" {
		return msg
	}
	line, nl := bytes.CutSuffix(msg, []byte{'\n'})
	tp, _ := json.Marshal(v.Traceparent)
	var out []byte
	switch {
	case jsonwire.ValueAt(line, "params", "_meta", "traceparent") != nil:
		out = jsonwire.ReplaceAt(line, tp, "params", "_meta", "traceparent")
	case jsonwire.ValueAt(line, "params", "_meta") != nil:
		out = openObject(line, []byte(`"traceparent":`+string(tp)), "params", "_meta")
	default:
		out = openObject(line, []byte(`"_meta":{"traceparent":`+string(tp)+`}`), "params")
	}
	if out == nil {
		return msg
	}
	if nl {
		out = append(out, '\n')
	}
	return out
}

// openObject returns line with member put first in the object at keys; nil when the value
// there is not an object.
func openObject(line, member []byte, keys ...string) []byte {
	s, e, ok := jsonwire.Path(line, keys...)
	if !ok || line[s] != '{' {
		return nil
	}
	inner := jsonwire.SkipSpace(line, s+1)
	v := append([]byte{'{'}, member...)
	if line[inner] != '}' {
		v = append(v, ',')
	}
	v = append(v, line[s+1:e]...)
	return jsonwire.Splice(line, s, e, v)
}
