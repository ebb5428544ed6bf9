package remote

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// The legacy HTTP+SSE transport (2024-11-05): one GET stream carries every message of the
// server's; its first event, "endpoint", says where the client posts its own.

// endpointWait bounds the wait for the endpoint event.
const endpointWait = 30 * time.Second

// openSSE opens the event stream and waits for the endpoint. The stream is read until the
// connector ends; when the server closes it, the connection has ended.
func (c *conn) openSSE() error {
	req, err := c.request(c.ctx, http.MethodGet, c.url.String(), nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "text/event-stream")
	resp, err := c.client.Do(req)
	if err != nil {
		return withoutURL(err)
	}
	if err := statusError(resp); err != nil {
		resp.Body.Close()
		return err
	}
	if mediaType(resp) != "text/event-stream" {
		resp.Body.Close()
		return fmt.Errorf("the server at %s speaks neither streamable HTTP nor HTTP+SSE", hostOf(c.url))
	}
	got := make(chan error, 1)
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		defer resp.Body.Close()
		found := false
		err := readEvents(resp.Body, func(ev event) error {
			switch {
			case ev.Type == "endpoint" && !found:
				ep, err := c.url.Parse(ev.Data)
				if err != nil || !SameOrigin(c.url, ep) {
					return fmt.Errorf("%w: the server named %s for its messages", ErrRedirect, quoted(ev.Data))
				}
				c.mu.Lock()
				c.endpoint, c.transport = ep, SSE
				c.mu.Unlock()
				found = true
				got <- nil
			case ev.Type == "" || ev.Type == "message":
				if found {
					c.answered([]byte(ev.Data))
					return c.fromServer(ev.Data)
				}
			}
			return nil
		})
		if !found {
			if err == nil {
				err = errors.New("the server closed its event stream before saying where to send messages")
			}
			got <- err
			return
		}
		if c.ctx.Err() == nil {
			c.note("the server closed its event stream")
			msg := fmt.Sprintf("The remote server at %s closed the connection before it answered. Try again.", hostOf(c.url))
			c.fail(errEnded, msg)
			c.answerWaiting(msg)
		}
	}()
	select {
	case err := <-got:
		if err == nil {
			c.note("connected to %s over HTTP+SSE", hostOf(c.url))
		}
		return err
	case <-time.After(endpointWait):
		return fmt.Errorf("the server at %s did not say where to send messages", hostOf(c.url))
	case <-c.ctx.Done():
		return c.ctx.Err()
	}
}

// postSSE posts one message to the endpoint; the answer comes on the event stream.
func (c *conn) postSSE(msg []byte, h head) {
	c.mu.Lock()
	ep := c.endpoint
	c.mu.Unlock()
	if ep == nil {
		if err := c.openSSE(); err != nil {
			msg := c.sentence(err)
			c.answerError(h.ID, msg)
			c.fail(err, msg)
			return
		}
		c.mu.Lock()
		ep = c.endpoint
		c.mu.Unlock()
	}
	ctx, cancel := context.WithTimeout(c.ctx, shortTimeout)
	defer cancel()
	req, err := c.request(ctx, http.MethodPost, withQuery(ep, c.url), bytes.NewReader(msg))
	if err != nil {
		c.answerError(h.ID, c.sentence(err))
		return
	}
	req.Header.Set("Content-Type", "application/json")
	if h.isRequest() {
		c.wait(h.ID)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		c.unwait(h.ID)
		c.answerError(h.ID, c.sentence(err))
		return
	}
	defer resp.Body.Close()
	if err := statusError(resp); err != nil {
		c.unwait(h.ID)
		c.answerError(h.ID, c.sentence(err))
	}
}

// wait records that the answer to the request id is to come on the event stream; a stream
// that ended already answers it at once.
func (c *conn) wait(id json.RawMessage) {
	k, ok := idKey(id)
	if !ok {
		return
	}
	c.mu.Lock()
	ended := c.fatal != nil
	if !ended {
		if c.waiting == nil {
			c.waiting = map[string]json.RawMessage{}
		}
		c.waiting[k] = id
	}
	msg := c.fatalMsg
	c.mu.Unlock()
	if ended {
		c.answerError(id, msg)
	}
}

func (c *conn) unwait(id json.RawMessage) {
	if k, ok := idKey(id); ok {
		c.mu.Lock()
		delete(c.waiting, k)
		c.mu.Unlock()
	}
}

// answered takes the requests msg (one message or a batch from the stream) answers off the
// waiting list.
func (c *conn) answered(msg []byte) {
	c.mu.Lock()
	none := len(c.waiting) == 0
	c.mu.Unlock()
	if none {
		return
	}
	var batch []json.RawMessage
	if msg = bytes.TrimSpace(msg); len(msg) > 0 && msg[0] == '[' {
		if json.Unmarshal(msg, &batch) != nil {
			return
		}
	} else {
		batch = []json.RawMessage{msg}
	}
	for _, m := range batch {
		var r struct {
			ID     json.RawMessage `json:"id"`
			Method *string         `json:"method"`
		}
		if json.Unmarshal(m, &r) == nil && r.Method == nil {
			c.unwait(r.ID)
		}
	}
}

// answerWaiting answers every request still waiting with msg: the stream that would have
// carried the answers ended.
func (c *conn) answerWaiting(msg string) {
	c.mu.Lock()
	ids := slices.Collect(maps.Values(c.waiting))
	c.waiting = nil
	c.mu.Unlock()
	for _, id := range ids {
		c.answerError(id, msg)
	}
}

// idKey is a JSON-RPC id as a map key: a server may write 7 as 7.0, or escape a string
// differently (sameID).
func idKey(id json.RawMessage) (string, bool) {
	var v any
	if len(id) == 0 || json.Unmarshal(id, &v) != nil {
		return "", false
	}
	switch v := v.(type) {
	case string:
		return "s" + v, true
	case float64:
		return "n" + strconv.FormatFloat(v, 'g', -1, 64), true
	}
	return "", false
}

// withQuery keeps the person's query values (a key in the address) on the endpoint too.
func withQuery(ep, base *url.URL) string {
	if base.RawQuery == "" {
		return ep.String()
	}
	u := *ep
	q := u.Query()
	for k, vs := range base.Query() {
		if !q.Has(k) {
			q[k] = vs
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}
