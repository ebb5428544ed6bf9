package control

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"sync"
)

// CallFunc answers a call. A returned *Error reaches the client as is; any other error is sent
// with CodeFailed and its text, which must be a sentence for a person.
type CallFunc func(ctx context.Context, params json.RawMessage) (any, error)

// StreamFunc produces a stream by calling send for each event until it returns (nil ends the
// stream cleanly) or ctx ends (the client went away or the daemon is shutting down).
type StreamFunc func(ctx context.Context, params json.RawMessage, send func(any) error) error

// ConnectFunc decides whether a connect may proceed. An error is sent to the bridge instead of
// the OK line. Otherwise the OK line is sent and relay takes over the connection (r holds
// bytes already buffered); it returns when the relay ends, and the server then closes conn.
// files holds the bridge's stdin and stdout when it passed them (Hello.PassFDs); a handler
// that returns a relay owns and must close them (the server closes them on error).
type ConnectFunc func(ctx context.Context, h Hello, files []*os.File) (relay func(conn net.Conn, r *bufio.Reader), err error)

// Server dispatches connections to handlers. Register handlers before Serve. A panic in the
// guard, a handler or a relay ends only its own connection: its stack goes to Log, the client
// gets ErrInternal's sentence (a bridge that passed its stdio gets it in its Exit line; a relay
// of raw MCP bytes is only closed), and the server keeps serving every other connection.
type Server struct {
	// Log receives the stack of a handler that panicked.
	Log     *slog.Logger
	calls   map[string]CallFunc
	streams map[string]StreamFunc
	connect ConnectFunc
	guard   GuardFunc
	wg      sync.WaitGroup
}

// NewServer returns a server with no handlers that logs to log (nil: slog.Default()).
func NewServer(log *slog.Logger) *Server {
	if log == nil {
		log = slog.Default()
	}
	return &Server{Log: log, calls: map[string]CallFunc{}, streams: map[string]StreamFunc{}}
}

// Handle registers a call method.
func (s *Server) Handle(method string, f CallFunc) { s.calls[method] = f }

// HandleStream registers a streaming method.
func (s *Server) HandleStream(method string, f StreamFunc) { s.streams[method] = f }

// Guard registers f to decide every request before its handler runs (nil: all may proceed).
// Each handler's context carries the connection's Peer (PeerFrom) whether or not a guard is set.
func (s *Server) Guard(f GuardFunc) { s.guard = f }

// HandleConnect registers the bridge handler.
func (s *Server) HandleConnect(f ConnectFunc) { s.connect = f }

// Serve accepts connections until ctx ends or l fails, then closes l, ends every connection's
// context and waits for their handlers to return.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	stop := context.AfterFunc(ctx, func() { l.Close() })
	defer stop()
	defer s.wg.Wait()
	for {
		conn, err := l.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return err
		}
		s.wg.Go(func() { s.serveConn(ctx, conn) })
	}
}

// serveConn serves one connection, which carries one operation. A panic anywhere in it — the
// guard, a handler, a relay running on this goroutine — ends this connection only: it is
// logged with its stack, the client is told in a sentence where the connection still speaks
// control lines, the bridge's passed stdio is closed, and the server goes on serving others.
// (A connection holds one request, so ending the request and ending the connection are the
// same; there is nothing after it to continue.)
func (s *Server) serveConn(ctx context.Context, conn net.Conn) {
	defer conn.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Closing the connection is how a handler blocked on I/O learns the daemon is stopping.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	var (
		h     Hello
		files []*os.File
		after = answerReply
	)
	// Deferred last so it runs first, while the connection is still open.
	defer func() {
		if v := recover(); v != nil {
			s.panicked(v, conn, h, after)
			closeFiles(files) // closing twice is harmless: a relay may have closed them
		}
	}()
	ctx = withConnPeer(ctx, conn)
	line, files, r, err := readHello(conn)
	if err != nil {
		return
	}
	if err := json.Unmarshal(line, &h); err != nil {
		closeFiles(files)
		writeLine(conn, Reply{Error: &Error{Code: CodeBadRequest, Message: "MCP Tray could not read the request."}})
		return
	}
	if h.Op != OpConnect || len(files) != 2 {
		closeFiles(files)
		files = nil
	}
	if s.guard != nil {
		method, params := h.Method, h.Params
		if h.Op == OpConnect {
			method, params = "connect", nil
		}
		if err := s.guard(ctx, h.Op, method, params); err != nil {
			closeFiles(files)
			writeLine(conn, Reply{Error: asError(err)})
			return
		}
	}
	switch h.Op {
	case OpCall:
		f := s.calls[h.Method]
		if f == nil {
			writeLine(conn, Reply{Error: unknownMethod(h.Method)})
			return
		}
		res, err := f(ctx, h.Params)
		if err != nil {
			writeLine(conn, Reply{Error: asError(err)})
			return
		}
		b, err := json.Marshal(res)
		if err != nil {
			writeLine(conn, Reply{Error: asError(err)})
			return
		}
		writeLine(conn, Reply{Result: b})
	case OpStream:
		f := s.streams[h.Method]
		if f == nil {
			writeLine(conn, Reply{Error: unknownMethod(h.Method)})
			return
		}
		// A stream ends when the client hangs up: watch for EOF on the read side.
		go func() {
			defer cancel()
			defer Recover(s.Log, "watching a stream's connection", nil)
			r.WriteTo(discard{})
		}()
		send := func(v any) error {
			b, err := json.Marshal(v)
			if err != nil {
				return err
			}
			return writeLine(conn, Reply{Event: b})
		}
		if err := f(ctx, h.Params, send); err != nil {
			if ctx.Err() == nil {
				writeLine(conn, Reply{Error: asError(err)})
			}
			return
		}
		writeLine(conn, Reply{OK: true})
	case OpConnect:
		if s.connect == nil {
			writeLine(conn, Reply{Error: unknownMethod("connect")})
			return
		}
		relay, err := s.connect(ctx, h, files)
		if err != nil {
			closeFiles(files)
			writeLine(conn, Reply{Error: asError(err)})
			return
		}
		if writeLine(conn, Reply{OK: true}) != nil {
			after = answerNothing
			relay(nil, nil) // lets the handler release what it took
			return
		}
		after = answerNothing
		if len(files) == 2 {
			after = answerExit
		}
		relay(conn, r)
	default:
		writeLine(conn, Reply{Error: &Error{Code: CodeBadRequest, Message: fmt.Sprintf("MCP Tray does not know the operation %q; is the mcptray command newer than the running app?", h.Op)}})
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// unknownMethod is the reply to a method no handler serves, with its own code.
func unknownMethod(m string) *Error {
	return &Error{Code: CodeUnknownMethod, Message: fmt.Sprintf("MCP Tray does not know the request %q; the running app may be older than this command — restart MCP Tray.", m)}
}

func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: CodeFailed, Message: err.Error()}
}

// writeLine writes one reply line.
func writeLine(conn net.Conn, r Reply) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = conn.Write(append(b, '\n'))
	return err
}
