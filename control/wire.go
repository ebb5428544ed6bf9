// Package control is the daemon's API on the local socket, shared by the CLI, the GUI and
// the connect bridge. Each connection carries one operation: it opens with a Hello line and
// then, by operation, gets one Reply (call), a series of Replies (stream), or an OK line
// followed by raw MCP bytes (connect). Lines are JSON, one per line.
package control

import (
	"encoding/json"
	"errors"
)

// Operations a Hello can open.
const (
	OpCall    = "call"
	OpStream  = "stream"
	OpConnect = "connect"
)

// Hello opens a connection.
type Hello struct {
	Op     string          `json:"op"`
	Method string          `json:"method,omitempty"`
	Params json.RawMessage `json:"params,omitempty"`
	// Server and Client are set for OpConnect: which server to reach, and which AI client
	// (as far as the bridge can tell) is asking.
	Server string `json:"server,omitempty"`
	Client string `json:"client,omitempty"`
	// PassFDs says the bridge sent its stdin and stdout with this line (Unix only).
	PassFDs bool `json:"passFDs,omitempty"`
}

// Reply is one line from the daemon.
type Reply struct {
	Result json.RawMessage `json:"result,omitempty"`
	Event  json.RawMessage `json:"event,omitempty"`
	Error  *Error          `json:"error,omitempty"`
	OK     bool            `json:"ok,omitempty"`
}

// Error is a failure reported by the daemon: Message is one sentence for a person; Code is
// stable for programs.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return e.Message }

// Error codes.
const (
	CodeNotFound   = "not_found"
	CodeBadRequest = "bad_request"
	CodeFailed     = "failed"
	// CodeNotFromPerson refuses an approval or a loosening that did not come from the person
	// (it came from a server MCP Tray started or from an AI app, or from what they ran).
	CodeNotFromPerson = "not_from_person"
	// CodeUnknownMethod: the daemon does not know the method (the caller is newer than the
	// running daemon). Daemons built before this code answered bad_request instead.
	CodeUnknownMethod = "unknown_method"
)

// ErrUnknownServer matches a daemon error saying the server does not exist.
var ErrUnknownServer = errors.New("unknown server")

// Is lets errors.Is(err, ErrUnknownServer) work on a decoded Error.
func (e *Error) Is(target error) bool { return target == ErrUnknownServer && e.Code == CodeNotFound }

// MaxLine bounds one control line; MCP traffic after a connect is framed separately.
const MaxLine = 1 << 20
