package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// The hub's own requests to the server (handshake, listings, subscriptions after a restart).

// tell sends the server a request whose answer nobody waits for.
func (h *Hub) tell(st *hubState, method string, params any) {
	id := h.seq.Add(1)
	h.register(id, &call{method: method})
	if h.writeUp(st, request(id, method, params)) != nil {
		h.settle(id)
	}
}

// ask sends the server a request of the hub's own and waits for the answer: its result, or
// the raw error object the server answered with.
func (h *Hub) ask(ctx context.Context, conn *upstreamConn, pumpDone <-chan struct{}, method string, params any, timeout time.Duration) (result, rpcErr json.RawMessage, err error) {
	c := &call{method: method, answer: make(chan []byte, 1)}
	id := h.seq.Add(1)
	h.register(id, c)
	if err := conn.write(request(id, method, params)); err != nil {
		h.settle(id)
		return nil, nil, ErrServerGone
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case line := <-c.answer:
		var resp struct {
			Result json.RawMessage `json:"result"`
			Error  json.RawMessage `json:"error"`
		}
		json.Unmarshal(line, &resp)
		if resp.Error != nil {
			return nil, resp.Error, nil
		}
		return resp.Result, nil, nil
	case <-t.C:
		h.settle(id)
		return nil, nil, &noAnswerError{method, timeout}
	case <-pumpDone:
		return nil, nil, ErrServerGone
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	case <-h.quit:
		return nil, nil, ErrHubClosed
	}
}

func (h *Hub) register(id int64, c *call) {
	c.start = time.Now()
	h.mu.Lock()
	h.calls[id] = c
	h.mu.Unlock()
}

func request(id int64, method string, params any) []byte {
	b, _ := json.Marshal(struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Method  string          `json:"method"`
		Params  any             `json:"params,omitempty"`
	}{"2.0", json.RawMessage(strconv.FormatInt(id, 10)), method, params})
	return append(b, '\n')
}

func (h *Hub) note(format string, args ...any) {
	if h.opts.Hooks.Note != nil {
		h.opts.Hooks.Note(&Session{ID: "shared", Server: h.opts.Server}, fmt.Sprintf(format, args...))
	}
}

// noAnswerError is a request of the hub's own that the server left unanswered (ErrNoAnswer).
type noAnswerError struct {
	method  string
	timeout time.Duration
}

func (e *noAnswerError) Error() string {
	return fmt.Sprintf("the server did not answer %s within %s", e.method, e.timeout)
}

func (e *noAnswerError) Is(target error) bool { return target == ErrNoAnswer }
