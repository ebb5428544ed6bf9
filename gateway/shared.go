package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// HubOptions configure a Hub. The zero value of every field but Server is a sensible default.
type HubOptions struct {
	Server     string // the server's name, for sentences and sessions
	MaxMessage int    // 0 means DefaultMaxMessage
	Hooks      Hooks
	// Gate decides every client's tool calls, each with its own *Session; nil forwards all.
	Gate Gate
	// Version is MCP Tray's version, sent in the clientInfo of the hub's own handshake.
	Version string
	// HandshakeTimeout bounds the server's answer to initialize; 0 means 60 s.
	HandshakeTimeout time.Duration
	// DiscoverTimeout bounds the server/discover probe; 0 means 5 s. A legacy server answers
	// an unknown method at once; one that ignores it costs this long once per start.
	DiscoverTimeout time.Duration
	// ReadyWait bounds how long a client's request waits for a restarting server; 0 means 30 s.
	ReadyWait time.Duration
	// MaxHeld bounds each client's calls waiting for the person; 0 means DefaultMaxHeld.
	MaxHeld int
}

// Hub runs one server process for every connected client (shared mode). The daemon feeds it
// processes with Serve, one after another as they die; clients Join and stay joined across
// those restarts. The hub performs the MCP handshake itself, answers each client's handshake
// from the server's, rewrites request ids and progress tokens per client and maps answers
// back, routes notifications to the clients they concern, and passes server-to-client
// requests (sampling, elicitation, roots) to the client whose call is in flight.
//
// Policy is per client exactly as in Relay: each client's tool calls go to the Gate with that
// client's own Session, and a held call reaches the server only after approval.
//
// A Hub is safe for concurrent use.
type Hub struct {
	opts HubOptions
	seq  atomic.Int64 // hub request ids, also used as forwarded progress tokens

	// answering is held from taking an answered request out of calls until its answer is in
	// its client's queue: a client that ended its input waits on it (finish), or it could be
	// let go between the two and lose the answer.
	answering sync.Mutex

	mu        sync.Mutex
	up        *upstreamConn // nil while no process is being served
	state     *hubState     // the current process's handshake, once it is ready
	wake      chan struct{} // closed (and replaced) whenever state, down or closed change
	down      string        // why there is no server, when the daemon said so
	members   map[*member]struct{}
	calls     map[int64]*call     // forwarded requests awaiting the server's answer
	outbound  map[string]*call    // server-to-client requests awaiting a client's answer
	tokens    map[string]int64    // progress tokens (by jsonwire.IDKey) of forwarded requests, to their hub ids
	early     [][]byte            // list changes the server announced during the handshake
	roots     rootsState          // whose roots the current process holds
	tasks     map[string]*member  // the server's tasks, by id, to the client whose request created them
	needs     map[string]need     // what tools were seen to need of a client, by tool name
	states    map[string]*heldAsk // the request states the hub gave modern apps, by state
	rootsMu   sync.Mutex          // one roots change at a time (see syncRoots)
	listenID  int64               // the hub's subscriptions/listen request to a modern-only server, 0 for none
	subs      map[string]map[*member]struct{}
	levelSent string       // the log level the server was last told, "" for none
	tools     []byte       // fingerprint of the last complete tool list seen, nil until one is
	blocked   blockedTools // tools the server listed twice
	closed    bool
	quit      chan struct{} // closed by Close
}

// call is one request in flight: from a client (or the hub itself) to the server, or from
// the server to a client (outbound).
type call struct {
	m        *member // nil for the hub's own requests
	id       json.RawMessage
	method   string
	start    time.Time
	token    json.RawMessage // the client's progress token, when the hub replaced it
	tokenKey string          // the progress token the server knows the call by, in h.tokens
	cursor   bool            // a tools/list request that asked for a later page
	tool     string          // the tool a tools/call calls
	line     []byte          // a legacy app's request as sent to a modern-only server, for retries
	rounds   int             // how often the server answered it input_required
	input    *inputRound     // for the hub's input request to an app: the round it belongs to
	key      string          // and the key the server gave that request
	// For a modern app's request while the app is asked for the input a legacy server
	// needs (shared_modern.go): its first answer was input_required, the server's final
	// answer waits in parked until the app's retry takes it.
	detached bool
	parked   []byte
	finished func(CallOutcome, time.Duration)
	retry    *callIdentity // what a modern app's retry of this approved tools/call names (shared_retry.go)
	answer   chan []byte   // for the hub's own requests
}

// ErrHubClosed is returned by Join and Serve once the hub was closed.
var ErrHubClosed = errors.New("the shared server was closed")

// NewHub returns a hub with no server process and no clients.
func NewHub(opts HubOptions) *Hub {
	return &Hub{opts: opts, wake: make(chan struct{}), members: map[*member]struct{}{},
		calls: map[int64]*call{}, outbound: map[string]*call{}, tokens: map[string]int64{}, tasks: map[string]*member{}, needs: map[string]need{}, states: map[string]*heldAsk{}, subs: map[string]map[*member]struct{}{},
		blocked: blockedTools{}, quit: make(chan struct{})}
}

// SetDown tells clients why there is no server process (the person stopped it, it keeps
// crashing): their requests are answered with reason at once instead of waiting. An empty
// reason means a process is coming, and requests wait for it. Safe to call at any time.
func (h *Hub) SetDown(reason string) {
	h.mu.Lock()
	h.down = reason
	h.wakeLocked()
	h.mu.Unlock()
}

// wakeLocked lets every waitReady look again.
func (h *Hub) wakeLocked() {
	close(h.wake)
	h.wake = make(chan struct{})
}

// Clients returns how many clients are joined.
func (h *Hub) Clients() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.members)
}

// Close disconnects every client (their Join returns ErrHubClosed) and makes a running Serve
// return. It is idempotent and does not wait.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	h.closed = true
	close(h.quit)
	h.wakeLocked()
}

// waitReady returns the ready handshake, waiting up to the hub's ReadyWait for a restarting
// server; it fails at once with the daemon's sentence when the server is down on purpose.
func (h *Hub) waitReady(ctx context.Context) (*hubState, error) {
	wait := h.opts.ReadyWait
	if wait <= 0 {
		wait = 30 * time.Second
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		h.mu.Lock()
		st, wake, down, closed := h.state, h.wake, h.down, h.closed
		h.mu.Unlock()
		switch {
		case closed:
			return nil, ErrHubClosed
		case st != nil:
			return st, nil
		case down != "":
			return nil, errors.New(down)
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-timer.C:
			return nil, fmt.Errorf("The server %q is still starting; try again in a moment (its log may say more: mcptray logs %s).", h.opts.Server, h.opts.Server)
		}
	}
}

// settle removes and returns a forwarded request.
func (h *Hub) settle(id int64) (*call, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	c, ok := h.calls[id]
	if ok {
		delete(h.calls, id)
		h.releaseTokenLocked(id, c)
	}
	return c, ok
}

// failCalls answers every forwarded request of the process that ended, and tells clients that
// the server's own requests to them are void.
func (h *Hub) failCalls(msg string) {
	h.mu.Lock()
	calls, outbound := h.calls, h.outbound
	h.calls, h.outbound, h.tokens = map[int64]*call{}, map[string]*call{}, map[string]int64{}
	h.mu.Unlock()
	for _, c := range calls {
		if c.m == nil {
			continue // the hub's own request: its asker sees the process end
		}
		c.m.send(errorResponse(c.id, codeServerGone, msg))
		if c.finished != nil {
			c.finished(CallFailed, time.Since(c.start))
		}
	}
	for _, c := range outbound {
		c.m.send(cancelledNote(c.id, "the server stopped"))
		if c.input != nil && c.input.c.m != nil { // the request that needed the input failed too
			o := c.input.c
			o.m.send(errorResponse(o.id, codeServerGone, msg))
			if o.finished != nil {
				o.finished(CallFailed, time.Since(o.start))
			}
		}
	}
}

func (h *Hub) goneMessage() string {
	return fmt.Sprintf("The MCP server %q stopped while handling this request. MCP Tray is starting it again; try once more in a moment (its log may say why: mcptray logs %s).", h.opts.Server, h.opts.Server)
}

func (h *Hub) max() int {
	if h.opts.MaxMessage > 0 {
		return h.opts.MaxMessage
	}
	return DefaultMaxMessage
}

// cancelledNote builds a notifications/cancelled for a request id.
func cancelledNote(id json.RawMessage, reason string) []byte {
	b, _ := json.Marshal(struct {
		JSONRPC string `json:"jsonrpc"`
		Method  string `json:"method"`
		Params  struct {
			RequestID json.RawMessage `json:"requestId"`
			Reason    string          `json:"reason,omitempty"`
		} `json:"params"`
	}{JSONRPC: "2.0", Method: "notifications/cancelled", Params: struct {
		RequestID json.RawMessage `json:"requestId"`
		Reason    string          `json:"reason,omitempty"`
	}{id, reason}})
	return append(b, '\n')
}

// resultResponse builds a JSON-RPC response with a raw result.
func resultResponse(id, result json.RawMessage) []byte {
	b, _ := json.Marshal(struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Result  json.RawMessage `json:"result"`
	}{"2.0", id, result})
	return append(b, '\n')
}
