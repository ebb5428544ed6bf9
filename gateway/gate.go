package gateway

import (
	"context"
	"encoding/json"
	"time"

	"github.com/mcptray/mcptray/internal/jsonwire"
)

// Gate decides tool calls for the relay. The gateway only enforces what the gate says: the
// daemon implements it with the policy engine, the approval broker and the audit log.
type Gate interface {
	// Call decides a tools/call before it is forwarded. It must not block: a call that needs
	// the person's answer returns a verdict with Ask set.
	Call(s *Session, tool string, args json.RawMessage) CallVerdict
	// Tools is given each tools/list result (complete is false when more pages follow) and
	// returns the result to forward: the same bytes, or a copy without hidden tools.
	Tools(s *Session, result json.RawMessage, complete bool) json.RawMessage
	// Refused records a tools/call the relay refused without asking Call, so that the audit
	// log has it: one without a usable id, one beyond the bound of held calls, one to a tool
	// the server listed twice. It must not block.
	Refused(s *Session, tool string, args json.RawMessage, reason string)
	// End is called once when the session ends.
	End(s *Session)
}

// CallVerdict is a gate's word on one call.
type CallVerdict struct {
	// Allow forwards the call. Otherwise the client gets an isError tool result with Message,
	// or nothing at all when Message is "" (the call was withdrawn: the client cancelled it).
	Allow   bool
	Message string
	// Ask, when set, holds the call: the relay calls it off its pumps (it blocks until the
	// person answers, the deadline passes, or ctx ends because the client cancelled the call
	// or went away) and acts on the verdict it returns, whose Ask is ignored.
	Ask func(ctx context.Context) CallVerdict
	// Finished, when set, is told how a forwarded call ended; or, for a call never
	// forwarded, that it did not run.
	Finished func(outcome CallOutcome, took time.Duration)
	// Timeout, when more than zero, bounds how long a forwarded call may run at the server:
	// past it the client gets an isError result saying so, the server a notifications/cancelled
	// for the call, Finished CallTimedOut, and a late answer is dropped (see timeout.go).
	Timeout time.Duration
	// Traceparent, when set on an allowed call, is the W3C traceparent the server gets in
	// params._meta.traceparent in place of the app's (telemetry's span of the call).
	Traceparent string
	// Result, when set on an allowed call, is given the server's answer (the whole JSON-RPC
	// response, valid only during the call) and returns what the client gets instead: the
	// same bytes, or a copy with secrets redacted (see result.go).
	Result func(response []byte) []byte
}

// CallOutcome is how a tool call ended, for the audit log.
type CallOutcome string

// The outcomes of a tool call.
const (
	CallOK        CallOutcome = "ok"         // a result
	CallToolError CallOutcome = "tool_error" // a result with isError
	CallFailed    CallOutcome = "failed"     // a JSON-RPC error, or the server went away
	CallNotRun    CallOutcome = "not_run"    // denied or withdrawn
	CallTimedOut  CallOutcome = "timed_out"  // ran past CallVerdict.Timeout; the server was told to cancel it
)

// deniedResult is a tools/call answer the client shows as a failed tool run: a result with
// isError and one sentence, as the MCP spec asks for tool-level refusals.
func deniedResult(id json.RawMessage, msg string) []byte {
	b, _ := json.Marshal(struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Result  struct {
			Content []struct {
				Type string `json:"type"`
				Text string `json:"text"`
			} `json:"content"`
			IsError bool `json:"isError"`
		} `json:"result"`
	}{JSONRPC: "2.0", ID: id, Result: struct {
		Content []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		} `json:"content"`
		IsError bool `json:"isError"`
	}{Content: []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}{{Type: "text", Text: msg}}, IsError: true}})
	return append(b, '\n')
}

// toolCall reads the tool name and arguments of a tools/call request (already validated).
func toolCall(line []byte) (name string, args json.RawMessage, ok bool) {
	c, ok := readToolCall(line)
	return c.name, c.args, ok
}

// toolCallParams is what the relay reads of a tools/call's params.
type toolCallParams struct {
	name        string
	args        json.RawMessage // a copy: a held call outlives the reader's buffer
	traceparent string          // params._meta.traceparent, "" for none
}

// readToolCall reads a tools/call request's tool name, arguments and trace context; ok is
// false when it names no tool. line must be valid JSON (classify read it), so its members
// are walked, not validated again.
func readToolCall(line []byte) (c toolCallParams, ok bool) {
	return readToolCallParams(jsonwire.ValueAt(line, "params"))
}

// readCallParams is ambiguousBelow and readToolCallParams in one walk over a tools/call's
// params (and one over its _meta): the first ambiguity of those levels (a, with its path as
// ambiguousBelow gives it), or else the call as readToolCallParams reads it. Each tool call
// once walked its params three times: validated with the message, checked for ambiguity,
// read for the call.
func readCallParams(params []byte) (c toolCallParams, ok bool, a *ambiguity) {
	var nameRaw, args, meta, tp []byte
	if a = walkLevel(params, levels[1].reads, func(name []byte, v []byte) {
		switch string(name) {
		case "name":
			nameRaw = v
		case "arguments":
			args = v
		case levels[2].name:
			meta = v
		}
	}); a != nil {
		return toolCallParams{}, false, a.Within(levels[1].path)
	}
	if a = walkLevel(meta, levels[2].reads, func(name []byte, v []byte) {
		if string(name) == "traceparent" {
			tp = v
		}
	}); a != nil {
		return toolCallParams{}, false, a.Within(levels[2].path)
	}
	c.name, ok = jsonwire.Unquote(nameRaw)
	if !ok || c.name == "" {
		return toolCallParams{}, false, nil
	}
	c.args = append(json.RawMessage(nil), args...)
	if tp != nil {
		c.traceparent, _ = jsonwire.Unquote(tp)
	}
	return c, true, nil
}

// walkLevel is jsonwire.CheckLevel(obj, reads, …) calling visit with each member's unescaped
// name and value until the first ambiguity, which it returns.
func walkLevel(obj []byte, reads []string, visit func(name, value []byte)) (a *ambiguity) {
	lv := jsonwire.Level{Reads: reads}
	jsonwire.Members(obj, func(key []byte, vs, ve int) bool {
		name := jsonwire.MemberName(key)
		if a = lv.Member(name); a != nil {
			return false
		}
		visit(name, obj[vs:ve])
		return true
	})
	return a
}

// readToolCallParams is readToolCall given the request's params (readCallParams): params
// that are ambiguous name no tool, though every caller has refused them before.
func readToolCallParams(params []byte) (c toolCallParams, ok bool) {
	c, ok, _ = readCallParams(params)
	return c, ok
}

// cancelledID reads params.requestId of a notifications/cancelled.
func cancelledID(line []byte) json.RawMessage {
	var n struct {
		Params struct {
			RequestID json.RawMessage `json:"requestId"`
		} `json:"params"`
	}
	json.Unmarshal(line, &n)
	return n.Params.RequestID
}

// callOutcome reads how a tools/call response came out.
func callOutcome(line []byte) CallOutcome {
	var result []byte
	jsonwire.Object(line, func(key, value []byte) {
		if jsonwire.KeyIs(key, "result") {
			result = value
		}
	})
	if result == nil || string(result) == "null" {
		return CallFailed
	}
	outcome := CallOK
	isObject, _ := jsonwire.Object(result, func(key, value []byte) {
		if jsonwire.KeyIs(key, "isError") {
			outcome = CallOK
			if string(value) == "true" {
				outcome = CallToolError
			}
		}
	})
	if !isObject {
		return CallFailed
	}
	return outcome
}
