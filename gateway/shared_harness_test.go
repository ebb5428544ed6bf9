package gateway

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"sync"
	"testing"
	"time"
)

// The shared hub's logic is tested here against a scripted server on pipes, where every
// message can be seen; test/shared runs it for real with the TypeScript SDK and a published
// server.

// msg is one decoded JSON-RPC message.
type msg map[string]any

func (m msg) str(keys ...string) string {
	var v any = map[string]any(m)
	for _, k := range keys {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i >= len(x) {
				return ""
			}
			v = x[i]
		default:
			return ""
		}
	}
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

// peer is one end of a newline-delimited JSON-RPC pipe pair, seen from a test.
type peer struct {
	t     *testing.T
	w     io.WriteCloser
	lines chan msg
}

func newPeer(t *testing.T, w io.WriteCloser, r io.Reader) *peer {
	p := &peer{t: t, w: w, lines: make(chan msg, 4096)}
	go func() {
		defer close(p.lines)
		sc := bufio.NewScanner(r)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var m msg
			if json.Unmarshal(sc.Bytes(), &m) != nil {
				m = msg{"unparsed": sc.Text()}
			}
			p.lines <- m
		}
	}()
	return p
}

func (p *peer) send(format string, args ...any) {
	p.t.Helper()
	if _, err := fmt.Fprintf(p.w, format+"\n", args...); err != nil {
		p.t.Fatalf("writing %q: %v", fmt.Sprintf(format, args...), err)
	}
}

// next returns the next message that satisfies ok, skipping others; it fails after 10 s.
func (p *peer) next(what string, ok func(msg) bool) msg {
	p.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case m, open := <-p.lines:
			if !open {
				p.t.Fatalf("waiting for %s: the connection ended", what)
			}
			if ok(m) {
				return m
			}
		case <-deadline:
			p.t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// none fails if a message satisfying bad arrives within d.
func (p *peer) none(what string, d time.Duration, bad func(msg) bool) {
	p.t.Helper()
	deadline := time.After(d)
	for {
		select {
		case m, open := <-p.lines:
			if !open {
				return
			}
			if bad(m) {
				p.t.Fatalf("unexpected %s: %v", what, m)
			}
		case <-deadline:
			return
		}
	}
}

func isID(id string) func(msg) bool {
	return func(m msg) bool { return m.str("method") == "" && m.str("id") == id }
}

func isMethod(method string) func(msg) bool {
	return func(m msg) bool { return m.str("method") == method }
}

// script is a scripted MCP server on pipes. Its handler sees every message and answers
// through the peer; the default answers the handshake and lists tools.
type script struct {
	*peer
	up      Upstream
	version string // what it answers initialize with
	tools   string // the tools/list result's tools array
	mu      sync.Mutex
	stopped bool
}

func newScript(t *testing.T) *script {
	inR, inW := io.Pipe()   // hub → server
	outR, outW := io.Pipe() // server → hub
	s := &script{version: "2025-11-25", tools: `[{"name":"echo","inputSchema":{"type":"object"}}]`}
	s.peer = newPeer(t, outW, inR)
	s.up = Upstream{Stdin: inW, Stdout: outR, Stop: func() error {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.stopped = true
		inW.Close()
		outW.Close()
		inR.Close()
		return nil
	}}
	return s
}

// handshake answers the hub's handshake: no server/discover, initialize, tools/list.
func (s *script) handshake() {
	s.t.Helper()
	d := s.next("server/discover", isMethod("server/discover"))
	s.send(`{"jsonrpc":"2.0","id":%s,"error":{"code":-32601,"message":"Method not found"}}`, d.str("id"))
	i := s.next("initialize", isMethod("initialize"))
	if i.str("params", "capabilities", "sampling") == "" {
		s.t.Errorf("the hub did not advertise sampling: %v", i)
	}
	s.send(`{"jsonrpc":"2.0","id":%s,"result":{"protocolVersion":%q,"capabilities":{"tools":{"listChanged":true},"resources":{"subscribe":true},"logging":{}},"serverInfo":{"name":"script","version":"1"},"x-unknown":{"kept":true}}}`, i.str("id"), s.version)
	s.next("initialized", isMethod("notifications/initialized"))
	l := s.next("tools/list", isMethod("tools/list"))
	s.send(`{"jsonrpc":"2.0","id":%s,"result":{"tools":%s}}`, l.str("id"), s.tools)
}

// serve runs hub.Serve on the script in the background; the returned channel gets its error.
func (s *script) serve(h *Hub) chan error {
	done := make(chan error, 1)
	go func() { done <- h.Serve(context.Background(), s.up) }()
	s.handshake()
	return done
}

// client is a test client joined to a hub.
type client struct {
	*peer
	in     *io.PipeWriter
	done   chan error
	cancel context.CancelFunc // ends the client's connection, as an app that exits does
}

// leave closes the client's input and ends its connection: the app went away.
// leave ends the client's connection as the daemon does when a bridge goes away: its context
// first, then its input. (Closed the other way round, Join could see the input's end first and
// return nil, a clean end, instead of the context's: a flake seen under load in CI.)
func (c *client) leave() {
	c.cancel()
	c.in.Close()
}

func join(t *testing.T, h *Hub, sess *Session) *client {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	c := &client{peer: newPeer(t, inW, outR), in: inW, done: make(chan error, 1), cancel: cancel}
	go func() {
		err := h.Join(ctx, sess, outW, bufio.NewReader(inR))
		outW.Close()
		inR.Close()
		c.done <- err
	}()
	t.Cleanup(c.leave)
	return c
}

// initialize performs a client's legacy handshake and returns the result.
func (c *client) initialize(version string) msg {
	c.t.Helper()
	c.send(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":%q,"capabilities":{"sampling":{}},"clientInfo":{"name":"test","version":"1"}}}`, version)
	r := c.next("initialize answer", isID("0"))
	c.send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	return r
}

// serveTwo serves a new scripted server on h and joins two clients, sessions "a" and "b",
// each through its handshake.
func serveTwo(t *testing.T, h *Hub) (s *script, a, b *client) {
	t.Helper()
	s = newScript(t)
	s.serve(h)
	a, b = join(t, h, &Session{ID: "a"}), join(t, h, &Session{ID: "b"})
	a.initialize("2025-11-25")
	b.initialize("2025-11-25")
	return s, a, b
}

func newTestHub(gate Gate) *Hub {
	return NewHub(HubOptions{Server: "script", Gate: gate, ReadyWait: 5 * time.Second, DiscoverTimeout: 5 * time.Second})
}
