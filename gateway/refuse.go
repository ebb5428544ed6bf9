package gateway

import (
	"encoding/json"
	"fmt"
)

// Tool calls the relay refuses before policy sees them. Each is recorded through
// Gate.Refused with one of these reasons, so the audit log has every call an app tried.
const (
	reasonNoID    = "the app sent this tool call without a usable id (as a notification, or with a null id), so it could not be answered; MCP Tray refused it"
	reasonBadID   = "the app sent this tool call with an id that is neither text nor a number; MCP Tray refused it"
	reasonBatch   = "the app sent this tool call in a batch, which MCP Tray does not pass on; MCP Tray refused it"
	reasonTwice   = "the server listed two tools under this name, so MCP Tray could not tell which one would run; MCP Tray refused the call"
	reasonTooMany = "the app already had as many calls waiting for approval as MCP Tray holds for one connection; MCP Tray refused this one"
)

// DefaultMaxHeld is how many tool calls one connection may have waiting for the person at
// once. Each held call keeps its request in memory, so an app must not hold thousands.
const DefaultMaxHeld = 32

func tooManyMessage(max int) string {
	return fmt.Sprintf("MCP Tray refused this call: %d calls from this app are already waiting for your approval. Answer those first, then try again.", max)
}

// seenCall is a tools/call as far as it could be read, for the audit log.
type seenCall struct {
	name string
	args json.RawMessage
}

// readSeenCall reads what it can of a tools/call; the name is "" when it names none.
func readSeenCall(line []byte) seenCall {
	name, args, _ := toolCall(line)
	return seenCall{name, args}
}

// batchOfMessages reports whether a JSON-RPC batch holds messages only, one or more, each an
// object: a batch inside a batch, or a bare value, is nothing JSON-RPC defines, and the relay
// reads no further than one level, so it would pass unread.
func batchOfMessages(line []byte) bool {
	var msgs []json.RawMessage
	if json.Unmarshal(line, &msgs) != nil || len(msgs) == 0 {
		return false
	}
	for _, m := range msgs {
		if k, _, _ := classify(m); k == kindInvalid || k == kindBatch {
			return false
		}
	}
	return true
}

// batchCalls reads a JSON-RPC batch with the strict reader: the tool calls it holds and the
// ids of its requests, which are each owed an answer.
func batchCalls(line []byte) (calls []seenCall, ids []json.RawMessage) {
	var msgs []json.RawMessage
	if json.Unmarshal(line, &msgs) != nil {
		return nil, nil
	}
	for _, m := range msgs {
		k, env, _ := classify(m)
		if env.Method == "tools/call" {
			calls = append(calls, readSeenCall(m))
		}
		if k == kindRequest {
			ids = append(ids, env.ID)
		}
	}
	return calls, ids
}
