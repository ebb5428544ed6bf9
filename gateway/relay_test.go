package gateway

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcptray/mcptray/internal/jsonwire"
)

// The session relay on its own: a client and a scripted server on in-memory pipes, every
// byte each side receives visible to the test. test/e2e runs the same relay through the real
// binary with real clients and servers.

// end is one side of a relayed session as the test sees it: what it writes, and each line it
// receives, byte for byte.
type end struct {
	t     *testing.T
	w     io.WriteCloser
	lines chan []byte
}

func newEnd(t *testing.T, w io.WriteCloser, r io.Reader) *end {
	e := &end{t: t, w: w, lines: make(chan []byte, 1024)}
	go func() {
		defer close(e.lines)
		br := bufio.NewReader(r)
		for {
			line, err := br.ReadBytes('\n')
			if len(line) > 0 {
				e.lines <- line
			}
			if err != nil {
				return
			}
		}
	}()
	return e
}

func (e *end) send(format string, args ...any) {
	e.t.Helper()
	if _, err := fmt.Fprintf(e.w, format+"\n", args...); err != nil {
		e.t.Fatalf("writing %q: %v", fmt.Sprintf(format, args...), err)
	}
}

// next returns the next line this side receives; it fails when the pipe ends, or after 10 s.
func (e *end) next(what string) []byte {
	e.t.Helper()
	select {
	case l, ok := <-e.lines:
		if !ok {
			e.t.Fatalf("waiting for %s: the pipe ended", what)
		}
		return l
	case <-time.After(10 * time.Second):
		e.t.Fatalf("timed out waiting for %s", what)
	}
	return nil
}

// closed waits until this side's input ends, failing on any line that arrives first.
func (e *end) closed(what string) {
	e.t.Helper()
	select {
	case l, ok := <-e.lines:
		if ok {
			e.t.Fatalf("waiting for %s, got %s", what, l)
		}
	case <-time.After(10 * time.Second):
		e.t.Fatalf("timed out waiting for %s", what)
	}
}

// rig is one relayed session: the client, the server, and Relay's result.
type rig struct {
	cli, srv *end
	cliIn    io.WriteCloser // closing it is the client's EOF
	srvOut   io.WriteCloser // closing it is the server's death
	done     chan error
	stopped  chan struct{} // closed when the relay stopped the server
	notes    chan string
}

// relayRig starts Relay between a new client and a new scripted server.
func relayRig(t *testing.T, opts Options) *rig {
	t.Helper()
	cliR, cliW := io.Pipe() // client → relay
	outR, outW := io.Pipe() // relay → client
	srvR, srvW := io.Pipe() // relay → server
	upR, upW := io.Pipe()   // server → relay
	rg := &rig{cli: newEnd(t, cliW, outR), srv: newEnd(t, upW, srvR), cliIn: cliW, srvOut: upW,
		done: make(chan error, 1), stopped: make(chan struct{}), notes: make(chan string, 100)}
	var stopOnce sync.Once
	up := Upstream{Stdin: srvW, Stdout: upR, Stop: func() error {
		stopOnce.Do(func() {
			srvW.Close()
			upW.Close()
			srvR.Close()
			close(rg.stopped)
		})
		return nil
	}}
	if opts.Hooks.Note == nil {
		opts.Hooks.Note = func(_ *Session, msg string) {
			select {
			case rg.notes <- msg:
			default:
			}
		}
	}
	go func() {
		rg.done <- Relay(context.Background(), &Session{ID: "s1", Server: "script", Client: "test"}, outW, bufio.NewReader(cliR), up, opts)
		outW.Close()
		cliR.Close()
	}()
	t.Cleanup(func() {
		cliW.Close()
		rg.wait()
	})
	return rg
}

// wait returns Relay's result, failing after 10 s.
func (rg *rig) wait() error {
	select {
	case err := <-rg.done:
		rg.done <- err
		return err
	case <-time.After(10 * time.Second):
		panic("Relay did not return within 10 s")
	}
}

func (rg *rig) note(t *testing.T, contains string) {
	t.Helper()
	for {
		select {
		case n := <-rg.notes:
			if strings.Contains(n, contains) {
				return
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no note saying %q", contains)
		}
	}
}

func eq(t *testing.T, what string, got []byte, want string) {
	t.Helper()
	if string(got) != want {
		t.Errorf("%s:\n got %s\nwant %s", what, got, want)
	}
}

func TestRelayPassesEveryKindOfMessageThroughByteForByte(t *testing.T) {
	rg := relayRig(t, Options{})
	// The client's handshake and the server's answer, with members no Go type knows and the
	// spacing each side chose.
	init := `{"jsonrpc":"2.0", "id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"c","version":"1"},"x-vendor":{"kept":[1,2.50]}}}`
	rg.cli.send("%s", init)
	eq(t, "the server got", rg.srv.next("initialize"), init+"\n")
	answer := `{"jsonrpc":"2.0","id":0,"result":{"protocolVersion":"2025-11-25","capabilities":{"tools":{}},"serverInfo":{"name":"s","version":"1"},"x-extra":"\u00e9"}}`
	rg.srv.send("%s", answer)
	eq(t, "the client got", rg.cli.next("the initialize answer"), answer+"\n")
	// A notification each way.
	rg.cli.send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	eq(t, "the server got", rg.srv.next("initialized"), `{"jsonrpc":"2.0","method":"notifications/initialized"}`+"\n")
	rg.srv.send(`{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"hi"}}`)
	eq(t, "the client got", rg.cli.next("a log message"), `{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"hi"}}`+"\n")
	// A request of the server's and the client's answer.
	rg.srv.send(`{"jsonrpc":"2.0","id":"s-1","method":"roots/list"}`)
	eq(t, "the client got", rg.cli.next("roots/list"), `{"jsonrpc":"2.0","id":"s-1","method":"roots/list"}`+"\n")
	rg.cli.send(`{"jsonrpc":"2.0","id":"s-1","result":{"roots":[]}}`)
	eq(t, "the server got", rg.srv.next("the roots answer"), `{"jsonrpc":"2.0","id":"s-1","result":{"roots":[]}}`+"\n")
	// A CRLF line ending reaches the server as it was sent.
	rg.cli.send("{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"method\":\"ping\"}\r")
	eq(t, "the server got", rg.srv.next("ping"), "{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"method\":\"ping\"}\r\n")
	rg.srv.send(`{"jsonrpc":"2.0","id":"abc","result":{}}`)
	eq(t, "the client got", rg.cli.next("the ping answer"), `{"jsonrpc":"2.0","id":"abc","result":{}}`+"\n")
}

func TestRelayMatchesIDsAsTheClientDoes(t *testing.T) {
	rg := relayRig(t, Options{})
	// A server that re-spells the id: the TypeScript SDK takes "7" for 7, so the relay does
	// too, and the client gets the answer under the id it sent.
	rg.cli.send(`{"jsonrpc":"2.0","id":7,"method":"prompts/list"}`)
	rg.srv.next("prompts/list")
	rg.srv.send(`{"jsonrpc":"2.0","id":"7","result":{"prompts":[]}}`)
	eq(t, "the client got", rg.cli.next("the answer"), `{"jsonrpc":"2.0","id":7,"result":{"prompts":[]}}`+"\n")

	// Two requests under one id at once: the second is refused, the first still answered.
	rg.cli.send(`{"jsonrpc":"2.0","id":8,"method":"resources/list"}`)
	rg.srv.next("resources/list")
	rg.cli.send(`{"jsonrpc":"2.0","id":8.0,"method":"prompts/list"}`)
	refused := rg.cli.next("the refusal")
	if string(jsonwire.ValueAt(refused, "error", "code")) != fmt.Sprint(codeInvalidRequest) || string(jsonwire.ValueAt(refused, "id")) != "8.0" ||
		!strings.Contains(jsonwire.StringAt(refused, "error", "message"), "same id") {
		t.Errorf("a second request under a running id was answered %s", refused)
	}
	rg.srv.send(`{"jsonrpc":"2.0","id":8,"result":{"resources":[]}}`)
	eq(t, "the client got", rg.cli.next("the first answer"), `{"jsonrpc":"2.0","id":8,"result":{"resources":[]}}`+"\n")

	// An id that is neither text nor a number never reaches the server.
	rg.cli.send(`{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}`)
	bad := rg.cli.next("the refusal")
	if string(jsonwire.ValueAt(bad, "id")) != "null" || string(jsonwire.ValueAt(bad, "error", "code")) != "-32600" {
		t.Errorf("a request with an object id was answered %s", bad)
	}
	// An answer nobody waits for is dropped, not passed on.
	rg.srv.send(`{"jsonrpc":"2.0","id":99,"result":{}}`)
	rg.note(t, "not waiting for an answer")
	rg.cli.send(`{"jsonrpc":"2.0","id":9,"method":"ping"}`)
	eq(t, "the server's next message", rg.srv.next("ping"), `{"jsonrpc":"2.0","id":9,"method":"ping"}`+"\n")
	rg.srv.send(`{"jsonrpc":"2.0","id":9,"result":{}}`)
	eq(t, "the client's next message", rg.cli.next("the ping answer"), `{"jsonrpc":"2.0","id":9,"result":{}}`+"\n")
}

func TestRelayCancelGoesToTheServerOrWithdrawsAHeldCall(t *testing.T) {
	g := &strictGate{ask: "write"}
	rg := relayRig(t, Options{Gate: g})
	// A call at the server: the cancellation is the server's to act on.
	rg.cli.send(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"read","arguments":{}}}`)
	rg.srv.next("the allowed call")
	rg.cli.send(`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1,"reason":"x"}}`)
	eq(t, "the server got", rg.srv.next("the cancellation"), `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1,"reason":"x"}}`+"\n")
	// A call held for the person: the cancellation withdraws it and never reaches the server,
	// and neither does the call.
	rg.cli.send(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"write","arguments":{}}}`)
	var held context.Context
	for held == nil {
		g.mu.Lock()
		if len(g.held) > 0 {
			held = g.held[0]
		}
		g.mu.Unlock()
		if held == nil {
			rg.cli.send(`{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"sync","progress":1}}`)
			rg.srv.next("a notification that orders the pipes")
		}
	}
	rg.cli.send(`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"2"}}`)
	<-held.Done()
	rg.cli.send(`{"jsonrpc":"2.0","id":3,"method":"ping"}`)
	eq(t, "the server's next message", rg.srv.next("ping"), `{"jsonrpc":"2.0","id":3,"method":"ping"}`+"\n")
}

func TestRelayAnswersPendingCallsWhenTheServerDies(t *testing.T) {
	rg := relayRig(t, Options{})
	rg.cli.send(`{"jsonrpc":"2.0","id":"a","method":"tools/call","params":{"name":"slow","arguments":{}}}`)
	rg.srv.next("the call")
	rg.srvOut.Close() // the server's stdout ends: it died
	got := rg.cli.next("the error for the pending call")
	if string(jsonwire.ValueAt(got, "id")) != `"a"` || string(jsonwire.ValueAt(got, "error", "code")) != fmt.Sprint(codeServerGone) ||
		!strings.Contains(jsonwire.StringAt(got, "error", "message"), "stopped while handling this request") {
		t.Errorf("the pending call was answered %s", got)
	}
	if err := rg.wait(); !errors.Is(err, ErrServerGone) {
		t.Errorf("Relay returned %v, want ErrServerGone", err)
	}
	rg.cli.closed("the end of the client's connection")
}

func TestRelayEndsWhenTheClientHangsUp(t *testing.T) {
	rg := relayRig(t, Options{})
	rg.cli.send(`{"jsonrpc":"2.0","id":1,"method":"ping"}`)
	rg.srv.next("ping")
	rg.cliIn.Close()
	if err := rg.wait(); err != nil {
		t.Errorf("Relay returned %v after the client hung up, want nil", err)
	}
	<-rg.stopped // the server process was stopped
	// The request the server never answered is still answered.
	got := rg.cli.next("the error for the pending ping")
	if string(jsonwire.ValueAt(got, "id")) != "1" || jsonwire.ValueAt(got, "error") == nil {
		t.Errorf("the pending ping was answered %s", got)
	}
}

func TestRelayRefusesOversizedMessagesAndGoesOn(t *testing.T) {
	rg := relayRig(t, Options{MaxMessage: 256})
	big := strings.Repeat("x", 100<<10) // more than the readers' buffers, too
	rg.cli.send(`{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"echo","arguments":{"text":%q}}}`, big)
	got := rg.cli.next("the refusal")
	if string(jsonwire.ValueAt(got, "id")) != "5" || string(jsonwire.ValueAt(got, "error", "code")) != fmt.Sprint(codeTooLarge) {
		t.Errorf("an oversized request was answered %s", got)
	}
	// One that fits in the reader's buffer is refused all the same.
	rg.cli.send(`{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"echo","arguments":{"text":%q}}}`, big[:1000])
	got = rg.cli.next("the refusal")
	if string(jsonwire.ValueAt(got, "id")) != "8" || string(jsonwire.ValueAt(got, "error", "code")) != fmt.Sprint(codeTooLarge) {
		t.Errorf("an oversized request shorter than the read buffer was answered %s", got)
	}
	// An oversized answer of the server's settles its request with an error.
	rg.cli.send(`{"jsonrpc":"2.0","id":6,"method":"resources/read","params":{"uri":"file:///big"}}`)
	eq(t, "the server got", rg.srv.next("resources/read"), `{"jsonrpc":"2.0","id":6,"method":"resources/read","params":{"uri":"file:///big"}}`+"\n")
	rg.srv.send(`{"jsonrpc":"2.0","id":6,"result":{"contents":[{"uri":"file:///big","text":%q}]}}`, big)
	got = rg.cli.next("the error for the oversized answer")
	if string(jsonwire.ValueAt(got, "id")) != "6" || string(jsonwire.ValueAt(got, "error", "code")) != fmt.Sprint(codeTooLarge) {
		t.Errorf("an oversized answer reached the client as %s", got)
	}
	rg.cli.send(`{"jsonrpc":"2.0","id":7,"method":"ping"}`)
	eq(t, "the server's next message", rg.srv.next("ping"), `{"jsonrpc":"2.0","id":7,"method":"ping"}`+"\n")
}

func TestRelayDropsJunkLinesAndGoesOn(t *testing.T) {
	rg := relayRig(t, Options{})
	// From the client: not JSON (answered with a parse error), JSON that is no message (an
	// invalid request when it has an id), and an empty line (nothing at all).
	rg.cli.send(`this is not json`)
	got := rg.cli.next("the parse error")
	if string(jsonwire.ValueAt(got, "id")) != "null" || string(jsonwire.ValueAt(got, "error", "code")) != fmt.Sprint(codeParseError) {
		t.Errorf("a line that is not JSON was answered %s", got)
	}
	rg.cli.send(`{"jsonrpc":"2.0","id":null}`)
	got = rg.cli.next("the invalid-request error")
	if string(jsonwire.ValueAt(got, "id")) != "null" || string(jsonwire.ValueAt(got, "error", "code")) != fmt.Sprint(codeInvalidRequest) {
		t.Errorf("a message that is neither request nor answer was answered %s", got)
	}
	rg.cli.send(``)
	// From the server: a log line on stdout is dropped with a note.
	rg.srv.send(`Server listening on stdio`)
	rg.note(t, "not JSON-RPC")
	rg.cli.send(`{"jsonrpc":"2.0","id":1,"method":"ping"}`)
	eq(t, "the server's first message", rg.srv.next("ping"), `{"jsonrpc":"2.0","id":1,"method":"ping"}`+"\n")
	rg.srv.send(`{"jsonrpc":"2.0","id":1,"result":{}}`)
	eq(t, "the client's next message", rg.cli.next("the ping answer"), `{"jsonrpc":"2.0","id":1,"result":{}}`+"\n")
}

// The relay decodes what it forwards with the one strict reader (internal/jsonwire): an
// ambiguous client message never reaches the server.
func TestRelayRefusesAmbiguousClientMessages(t *testing.T) {
	rg := relayRig(t, Options{})
	rg.cli.send(`{"jsonrpc":"2.0","id":1,"method":"ping","METHOD":"tools/call"}`)
	got := rg.cli.next("the refusal")
	if string(jsonwire.ValueAt(got, "id")) != "1" || !strings.Contains(jsonwire.StringAt(got, "error", "message"), `spells "method" as "METHOD"`) {
		t.Errorf("an ambiguous request was answered %s", got)
	}
	rg.cli.send(`{"jsonrpc":"2.0","id":2,"method":"ping"}`)
	eq(t, "the server's first message", rg.srv.next("ping"), `{"jsonrpc":"2.0","id":2,"method":"ping"}`+"\n")
}

// A batch inside a batch (or a bare value in one) is nothing JSON-RPC defines, and the relay
// reads a batch one level deep: refused whole, never forwarded unread (red team: a nested
// batch carried a tool call with "METHOD" past the gate).
func TestRelayRefusesBatchesOfAnythingButMessages(t *testing.T) {
	rg := relayRig(t, Options{})
	for _, batch := range []string{
		`[[{"jsonrpc":"2.0","id":7,"METHOD":"tools/call","params":{"name":"danger","arguments":{}}}]]`,
		`[{"jsonrpc":"2.0","id":8,"method":"ping"},[{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"danger"}}]]`,
		`[1]`,
		`[]`,
	} {
		rg.cli.send("%s", batch)
		got := rg.cli.next("the refusal of " + batch)
		if string(jsonwire.ValueAt(got, "error", "code")) != fmt.Sprint(codeInvalidRequest) {
			t.Errorf("the batch %s was answered %s", batch, got)
		}
	}
	rg.cli.send(`{"jsonrpc":"2.0","id":10,"method":"ping"}`)
	eq(t, "the server's first message", rg.srv.next("ping"), `{"jsonrpc":"2.0","id":10,"method":"ping"}`+"\n")
}

// A batch's request under an id still running, or two of its requests under one id, would
// replace the running request's record, so its answer would pass as another method's (the
// relay reads tool results by the method it recorded): the batch is refused whole, each of
// its requests answered, and nothing reaches the server.
func TestRelayRefusesABatchReusingARunningID(t *testing.T) {
	rg := relayRig(t, Options{})
	rg.cli.send(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`)
	eq(t, "the first request", rg.srv.next("tools/list"), `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`+"\n")
	for _, batch := range []string{
		`[{"jsonrpc":"2.0","id":2,"method":"ping"},{"jsonrpc":"2.0","id":1,"method":"ping"}]`,
		`[{"jsonrpc":"2.0","id":3,"method":"ping"},{"jsonrpc":"2.0","id":3,"method":"resources/list"}]`,
	} {
		rg.cli.send("%s", batch)
		for range 2 {
			got := rg.cli.next("the refusal of " + batch)
			if string(jsonwire.ValueAt(got, "error", "code")) != fmt.Sprint(codeInvalidRequest) ||
				!strings.Contains(jsonwire.StringAt(got, "error", "message"), "same id as another request still running") {
				t.Errorf("the batch %s was answered %s", batch, got)
			}
		}
	}
	rg.cli.send(`[{"jsonrpc":"2.0","id":4,"method":"ping"}]`)
	eq(t, "the server's next message", rg.srv.next("the good batch"), `[{"jsonrpc":"2.0","id":4,"method":"ping"}]`+"\n")
}
