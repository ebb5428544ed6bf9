// Package gateway is what sits between an AI client and a server process: the `mcptray
// connect` bridge on the client's side and the relay in the daemon. The relay forwards
// newline-delimited JSON-RPC byte for byte, decoding only what it must — method and id, and
// the results of tools/list — so fields no Go type knows reach the other side intact.
package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/mcptray/mcptray/internal/jsonwire"
)

// kind is what a JSON-RPC message is.
type kind int

const (
	kindInvalid kind = iota
	kindRequest
	kindNotification
	kindResponse
	kindBatch
)

// envelope is the little the relay reads of every message. Unknown members are skipped by
// the decoder, not copied.
type envelope struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
}

// classify decodes the envelope of one message.
func classify(line []byte) (kind, envelope, error) {
	m, err := jsonwire.ReadMessage(line, nil, "")
	return kindOf(line, m, err)
}

// read is one message as the relay's pumps read it: its envelope, and, for a single message,
// its top level checked for ambiguity in the same pass.
type read struct {
	kind kind
	env  envelope
	err  error // why the message is kindInvalid
	// top is the first ambiguity among a single message's top-level members (reads as
	// jsonwire.CheckLevel), nil for none.
	top *ambiguity
	// child is the value of the top-level member asked for (params), nil for none.
	child []byte
	// call is a tools/call request's tool call, read by checkedAmbiguity in the same walk
	// over its params as the levels below the top (readCallParams); named is false when
	// the params name no tool.
	call  toolCallParams
	named bool
}

// readChecked classifies line and, in the same pass, checks its top level against reads and
// finds its member child (jsonwire.ReadMessage).
func readChecked(line []byte, reads []string, child string) read {
	m, err := jsonwire.ReadMessage(line, reads, child)
	k, env, err := kindOf(line, m, err)
	return read{kind: k, env: env, err: err, top: m.Ambiguity, child: m.Child}
}

// kindOf is the kind and envelope of line, read as m (err from jsonwire.ReadMessage).
func kindOf(line []byte, m jsonwire.Message, err error) (kind, envelope, error) {
	if err != nil {
		return kindInvalid, envelope{}, err
	}
	if !m.IsObject {
		if trimmed := bytes.TrimLeft(line, " \t\r\n"); len(trimmed) > 0 && trimmed[0] == '[' {
			return kindBatch, envelope{}, nil
		}
		return kindInvalid, envelope{}, errors.New("neither a request, a notification nor a response")
	}
	env := envelope{ID: m.ID, Method: m.Method}
	hasID := len(env.ID) > 0 && string(env.ID) != "null"
	switch {
	case env.Method != "" && hasID:
		return kindRequest, env, nil
	case env.Method != "":
		return kindNotification, env, nil
	case hasID:
		return kindResponse, env, nil
	}
	return kindInvalid, env, errors.New("neither a request, a notification nor a response")
}

// JSON-RPC error codes used by the relay.
const (
	codeParseError     = -32700
	codeInvalidRequest = -32600
	codeInternal       = -32603
	// codeServerGone is in the implementation-defined server error range.
	codeServerGone  = -32001
	codeTooLarge    = -32002
	codeUnavailable = -32003
	codeUnreadable  = -32004 // a server answer MCP Tray could not read unambiguously
)

// errorResponse builds a JSON-RPC error response; id may be nil for null.
func errorResponse(id json.RawMessage, code int, msg string) []byte {
	if len(id) == 0 {
		id = json.RawMessage("null")
	}
	b, _ := json.Marshal(struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Error   struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}{JSONRPC: "2.0", ID: id, Error: struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}{code, msg}})
	return append(b, '\n')
}

// idFromPrefix finds the top-level "id" of a message of which only a prefix is at hand (an
// oversized message), so the sender can still be answered. It returns nil if the prefix ends
// before the id.
func idFromPrefix(prefix []byte) json.RawMessage {
	dec := json.NewDecoder(bytes.NewReader(prefix))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil
		}
		var v json.RawMessage
		if key == "id" {
			if dec.Decode(&v) != nil {
				return nil
			}
			return v
		}
		if dec.Decode(&v) != nil {
			return nil
		}
	}
	return nil
}

// describe shortens a bad line for a log message.
func describe(line []byte) string {
	const max = 120
	s := string(bytes.TrimSpace(line))
	if len(s) > max {
		s = s[:max] + fmt.Sprintf("… (%d bytes)", len(line))
	}
	return fmt.Sprintf("%q", s)
}
