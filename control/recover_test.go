//go:build !windows

package control

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/mcptray/mcptray/socket"
)

// syncBuffer is a log destination the test reads while the server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// serve runs s on a real socket until the test ends and returns a client of it. The test fails
// if Serve returns before then: a panic must not stop the server.
func serve(t *testing.T, s *Server) *Client {
	t.Helper()
	path := filepath.Join(t.TempDir(), "s.sock")
	l, err := socket.Listen(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, l) }()
	t.Cleanup(func() {
		select {
		case err := <-done:
			t.Errorf("Serve returned before the test ended: %v", err)
			return
		default:
		}
		cancel()
		<-done
	})
	return &Client{Path: path}
}

func wantInternal(t *testing.T, err error) {
	t.Helper()
	var ce *Error
	if !errors.As(err, &ce) || ce.Code != CodeInternal || ce.Message != internalMessage {
		t.Fatalf("err = %v, want the internal-error sentence %q", err, internalMessage)
	}
}

// wantStack checks the daemon log holds the panic and the stack of the code that panicked.
func wantStack(t *testing.T, log *syncBuffer, panicText, frame string) {
	t.Helper()
	got := log.String()
	if !strings.Contains(got, panicText) || !strings.Contains(got, frame) || !strings.Contains(got, "stack=") {
		t.Fatalf("the log does not hold the panic %q with a stack through %s:\n%s", panicText, frame, got)
	}
}

// A call whose handler panics gets one plain sentence; a stream that was open at the time
// keeps delivering, and later calls are answered: the panic ended only its own connection.
func TestPanickingCallEndsOnlyItsConnection(t *testing.T) {
	var log syncBuffer
	s := NewServer(slog.New(slog.NewTextHandler(&log, nil)))
	s.Handle("boom", func(context.Context, json.RawMessage) (any, error) { panicInHandler(); return nil, nil })
	s.Handle("ping", func(context.Context, json.RawMessage) (any, error) { return "pong", nil })
	next := make(chan string)
	s.HandleStream("ticks", func(ctx context.Context, _ json.RawMessage, send func(any) error) error {
		for {
			select {
			case v := <-next:
				if err := send(v); err != nil {
					return err
				}
			case <-ctx.Done():
				return nil
			}
		}
	})
	c := serve(t, s)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events := make(chan string)
	streamDone := make(chan error, 1)
	go func() {
		streamDone <- c.Stream(ctx, "ticks", nil, func(raw json.RawMessage) error {
			var v string
			json.Unmarshal(raw, &v)
			events <- v
			return nil
		})
	}()
	next <- "before" // the stream's handler is running
	if got := <-events; got != "before" {
		t.Fatalf("first event %q", got)
	}

	wantInternal(t, c.Call(context.Background(), "boom", nil, nil))
	wantStack(t, &log, "handler exploded", "control.panicInHandler")

	next <- "after"
	if got := <-events; got != "after" {
		t.Fatalf("event after the panic %q", got)
	}
	var pong string
	if err := c.Call(context.Background(), "ping", nil, &pong); err != nil || pong != "pong" {
		t.Fatalf("a call after the panic: %q, %v", pong, err)
	}
	cancel()
	<-streamDone
}

func panicInHandler() { panic("handler exploded") }

// A stream that panics after an event ends with the sentence, after the event it had sent.
func TestPanickingStreamEndsWithTheSentence(t *testing.T) {
	var log syncBuffer
	s := NewServer(slog.New(slog.NewTextHandler(&log, nil)))
	s.HandleStream("events", func(_ context.Context, _ json.RawMessage, send func(any) error) error {
		send("one")
		var m map[string]int
		m["x"] = 1 // a nil map: a runtime error, as a real bug would be
		return nil
	})
	c := serve(t, s)
	var got []string
	err := c.Stream(context.Background(), "events", nil, func(raw json.RawMessage) error {
		got = append(got, string(raw))
		return nil
	})
	wantInternal(t, err)
	if len(got) != 1 || got[0] != `"one"` {
		t.Fatalf("events before the panic: %q", got)
	}
	wantStack(t, &log, "assignment to entry in nil map", "TestPanickingStreamEndsWithTheSentence")
}

// A guard that panics refuses, in the same sentence, and the handler never runs.
func TestPanickingGuard(t *testing.T) {
	var log syncBuffer
	s := NewServer(slog.New(slog.NewTextHandler(&log, nil)))
	ran := make(chan struct{}, 1)
	s.Handle("x", func(context.Context, json.RawMessage) (any, error) { ran <- struct{}{}; return nil, nil })
	s.Guard(func(context.Context, string, string, json.RawMessage) error { panic("guard exploded") })
	c := serve(t, s)
	wantInternal(t, c.Call(context.Background(), "x", nil, nil))
	select {
	case <-ran:
		t.Fatal("the handler ran after its guard panicked")
	default:
	}
	wantStack(t, &log, "guard exploded", "TestPanickingGuard")
}

// A relay of raw MCP bytes that panics is closed without a control line in the middle of the
// MCP stream; the next connect is served.
func TestPanickingRelayIsClosed(t *testing.T) {
	var log syncBuffer
	s := NewServer(slog.New(slog.NewTextHandler(&log, nil)))
	first := true
	var mu sync.Mutex
	s.HandleConnect(func(context.Context, Hello, []*os.File) (func(net.Conn, *bufio.Reader), error) {
		return func(conn net.Conn, r *bufio.Reader) {
			mu.Lock()
			boom := first
			first = false
			mu.Unlock()
			line, _ := r.ReadBytes('\n')
			if boom {
				panic("relay exploded")
			}
			conn.Write(line) // echo
		}, nil
	})
	c := serve(t, s)
	conn, r, err := c.Connect(context.Background(), "srv", "test")
	if err != nil {
		t.Fatal(err)
	}
	conn.Write([]byte(`{"jsonrpc":"2.0","id":1,"method":"ping"}` + "\n"))
	rest, err := io.ReadAll(r)
	conn.Close()
	if err != nil || len(rest) != 0 {
		t.Fatalf("after the relay panicked the client read %q, %v; want the connection closed with nothing written", rest, err)
	}
	wantStack(t, &log, "relay exploded", "TestPanickingRelayIsClosed")

	conn, r, err = c.Connect(context.Background(), "srv", "test")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	msg := `{"jsonrpc":"2.0","id":2,"method":"ping"}` + "\n"
	conn.Write([]byte(msg))
	if got, err := r.ReadString('\n'); got != msg {
		t.Fatalf("the next relay echoed %q, %v", got, err)
	}
}

// A bridge that passed its stdio hears of the panic in its Exit line, and the daemon's copies
// of the AI client's pipes are closed (else the AI client would wait for ever).
func TestPanickingPassedRelay(t *testing.T) {
	var log syncBuffer
	s := NewServer(slog.New(slog.NewTextHandler(&log, nil)))
	s.HandleConnect(func(_ context.Context, _ Hello, files []*os.File) (func(net.Conn, *bufio.Reader), error) {
		if len(files) != 2 {
			return nil, errors.New("no files passed")
		}
		return func(net.Conn, *bufio.Reader) { panic("passed relay exploded") }, nil
	})
	c := serve(t, s)
	clientStdin, bridgeStdin, err := os.Pipe() // the AI client writes to bridgeStdin's other end
	if err != nil {
		t.Fatal(err)
	}
	defer clientStdin.Close()
	defer bridgeStdin.Close()
	clientReads, bridgeStdout, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer clientReads.Close()
	conn, r, err := c.ConnectPassing(context.Background(), "srv", "test", clientStdin, bridgeStdout)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	bridgeStdout.Close() // the bridge's copy; the daemon holds the other
	line, err := r.ReadBytes('\n')
	var ex Exit
	if err != nil || json.Unmarshal(line, &ex) != nil || ex.Code != 1 || ex.Message != internalMessage {
		t.Fatalf("the bridge's last line is %q (%v), want an Exit with the internal-error sentence", line, err)
	}
	if b, err := io.ReadAll(clientReads); err != nil || len(b) != 0 {
		t.Fatalf("the AI client read %q, %v; want end of file once the daemon closed its copy", b, err)
	}
	wantStack(t, &log, "passed relay exploded", "TestPanickingPassedRelay")
}

// Recover, deferred in a goroutine a handler starts, logs the stack and answers the waiter.
func TestRecoverAnswersTheWaiter(t *testing.T) {
	var log syncBuffer
	l := slog.New(slog.NewTextHandler(&log, nil))
	got := make(chan error, 1)
	go func() {
		defer Recover(l, "listing tools", func(err error) { got <- err })
		panicInHandler()
	}()
	wantInternal(t, <-got)
	wantStack(t, &log, "handler exploded", "control.panicInHandler")
	if !strings.Contains(log.String(), "while listing tools") {
		t.Fatalf("the log does not say what was being done:\n%s", log.String())
	}
}
