package remote

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
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
			c.fail(errEnded)
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
			c.answerError(h.ID, c.sentence(err))
			c.fail(err)
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
	resp, err := c.client.Do(req)
	if err != nil {
		c.answerError(h.ID, c.sentence(err))
		return
	}
	defer resp.Body.Close()
	if err := statusError(resp); err != nil {
		c.answerError(h.ID, c.sentence(err))
	}
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
