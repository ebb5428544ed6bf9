package control

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"runtime/debug"
	"time"
)

// CodeInternal is the code of the error a request gets when it hit a bug in MCP Tray (its
// handler panicked): the request ended, nothing else did.
const CodeInternal = "internal"

// internalMessage is what the person reads when a request hit a bug in MCP Tray.
const internalMessage = "MCP Tray hit an internal error while doing that; nothing else was affected. The details are in MCP Tray's log."

// ErrInternal returns the error a request gets when it hit a bug in MCP Tray (CodeInternal).
func ErrInternal() *Error { return &Error{Code: CodeInternal, Message: internalMessage} }

// afterPanic says what may still be written on a connection whose handler panicked.
type afterPanic int

const (
	// answerReply: the connection still speaks control lines (before a call's reply, before or
	// between a stream's events, before a connect's OK): an error Reply ends it.
	answerReply afterPanic = iota
	// answerExit: a relay of passed stdio, after which the bridge reads one Exit line.
	answerExit
	// answerNothing: the connection carries raw MCP bytes; a control line would be garbage
	// to the AI client, so the connection is only closed.
	answerNothing
)

// panicWriteWait bounds the last write to a connection whose handler panicked, so a client that
// stopped reading cannot hold the connection's goroutine.
const panicWriteWait = 5 * time.Second

// panicked logs a handler's panic v with its stack and answers the connection as after allows.
// It must run in the deferred function that recovered v, so the stack is the panic's.
func (s *Server) panicked(v any, conn net.Conn, h Hello, after afterPanic) {
	log := s.Log
	if log == nil {
		log = slog.Default()
	}
	method := h.Method
	if h.Op == OpConnect {
		method = "connect"
	}
	log.Error("a request to MCP Tray hit an internal error; only its connection ended",
		"op", h.Op, "method", method, "server", h.Server, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
	conn.SetWriteDeadline(time.Now().Add(panicWriteWait))
	switch after {
	case answerReply:
		writeLine(conn, Reply{Error: ErrInternal()})
	case answerExit:
		b, _ := json.Marshal(Exit{Code: 1, Message: internalMessage})
		conn.Write(append(b, '\n'))
	}
}

// Recover keeps a panic in a goroutine that serves one request — one a handler starts, or the
// server's own — from ending MCP Tray: it logs the panic with its stack to log, naming the
// goroutine's task with what ("checking a server's tools"), and then calls answer (when not
// nil) with ErrInternal() so whoever waits on the goroutine gets an answer. It must be deferred
// directly, first thing in the goroutine:
//
//	defer control.Recover(log, "scanning a server", func(err error) { done <- result{err: err} })
//
// Called any other way it recovers nothing. Only a goroutine whose panic cannot have left
// shared state half-changed should recover; a runtime fatal error (a concurrent map write, out
// of memory) still ends the process.
func Recover(log *slog.Logger, what string, answer func(error)) {
	v := recover()
	if v == nil {
		return
	}
	if log == nil {
		log = slog.Default()
	}
	log.Error("MCP Tray hit an internal error while "+what+"; only that ended",
		"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
	if answer != nil {
		answer(ErrInternal())
	}
}
