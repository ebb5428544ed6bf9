package gateway

import (
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
)

// A panic in one relayed session ends that session only, never MCP Tray with every other
// connection. Each goroutine of a session runs its work through catch; what it recovers is
// reported (Hooks.Panic, or the default logger with the stack when no hook is set) and ends
// the session as if its server had stopped: the client gets an error for every request it
// was waiting on, the process is stopped, and Relay (or Join) returns an error wrapping
// ErrPanicked. In shared mode, a panic on a client's goroutines ends that client's
// connection; one on the hub's server side (reading the server, the handshake) is handled
// like a crash of the server process: the process is stopped, every client's request in
// flight is answered with an error, Serve returns an error wrapping ErrPanicked, the clients
// stay joined and the daemon starts the next process as after any crash. Locks the relay
// takes are released by deferred unlocks wherever code that can panic (a hook, a write) runs
// under them, so what remains of the session can still be cleaned up.

// ErrPanicked is wrapped by the error Relay, Join or Serve returns when code of theirs, or a
// hook they called, panicked.
var ErrPanicked = errors.New("MCP Tray ran into an internal error and ended the connection")

// panicError is a recovered panic: its value and the stack of the goroutine it happened on.
type panicError struct {
	value any
	stack []byte
}

func (e *panicError) Error() string { return fmt.Sprintf("%v (%v)", ErrPanicked, e.value) }
func (e *panicError) Unwrap() error { return ErrPanicked }

// catch runs f and returns the panic it recovered, or nil.
func catch(f func()) (p *panicError) {
	defer func() {
		if v := recover(); v != nil {
			p = &panicError{value: v, stack: debug.Stack()}
		}
	}()
	f()
	return nil
}

// reportPanic hands a recovered panic to hook, or logs it with its stack when there is no
// hook. A hook that panics in turn is logged, not followed.
func reportPanic(hook func(*Session, any, []byte), s *Session, p *panicError) {
	if hook != nil && catch(func() { hook(s, p.value, p.stack) }) == nil {
		return
	}
	slog.Error("MCP Tray recovered from an internal error and ended one connection", "server", s.Server, "session", s.ID, "panic", fmt.Sprint(p.value), "stack", string(p.stack))
}

// panicMessage is what a client is told of a request the ended session will not answer.
const panicMessage = "MCP Tray ran into an internal error and ended this connection, so this request was not answered. Reconnecting to the server in your AI app starts a fresh connection; MCP Tray's log has the details."
