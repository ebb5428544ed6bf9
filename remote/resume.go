package remote

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// A request's answer may come as an event stream (streamable HTTP). When that stream breaks
// before the answer — a proxy cuts a long call, the server closes it on purpose to be polled
// (SEP-1699) — the streamable HTTP transport's resumability applies: the server gave its
// events ids, so MCP Tray asks for the rest with a GET carrying Last-Event-ID, after the
// delay the server named with "retry:", and the server replays what was missed and goes on.
// The call is answered with an error only when that cannot work.

// maxResumes bounds how many resumptions in a row may bring nothing new before the call is
// given up.
const maxResumes = 5

// defaultRetry is the wait before resuming when the server named no "retry:".
const defaultRetry = time.Second

// errNoAnswer is readAnswer's when the stream ended without the answer and could not be
// resumed.
var errNoAnswer = errors.New("the answer stream ended before the answer")

// errCannotResume wraps a refusal to resume (the server keeps no events, or the session
// is gone): trying again would not help.
var errCannotResume = errors.New("the server cannot resume the stream")

// readAnswer relays the event stream a POST of h was answered with, resuming it (above)
// until the answer to h has come, ctx ends, the server refuses to resume, or maxResumes
// resumptions in a row bring nothing new. A stream without event ids cannot be resumed. It
// returns nil once the answer came (or, for a message that is not a request, when the
// stream ended); otherwise why there is no answer (a *StatusError when the server refused).
func (c *conn) readAnswer(ctx context.Context, body io.Reader, h head) error {
	var cur cursor
	answered, seen, relayBroken := false, 0, false
	emit := func(ev event) error {
		seen++
		if !answered && h.isRequest() && answers([]byte(ev.Data), h.ID) {
			answered = true
		}
		if err := c.fromServer(ev.Data); err != nil {
			relayBroken = true
			return err
		}
		return nil
	}
	err := readStream(body, &cur, emit)
	for misses := 0; h.isRequest() && !answered && !relayBroken && cur.ID != "" && ctx.Err() == nil; {
		if errors.Is(err, errCannotResume) || errors.Is(err, errEventTooLarge) || misses >= maxResumes {
			break
		}
		var se *StatusError
		if errors.As(err, &se) {
			break
		}
		if err != nil {
			c.note("the server's answer stream broke (%v); resuming it", withoutURL(err))
		} else {
			c.note("the server ended its answer stream before the answer; resuming it")
		}
		wait := cur.Retry
		if wait == 0 {
			wait = defaultRetry
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		before := seen
		err = c.resume(ctx, &cur, emit)
		if seen > before {
			misses = 0
		} else {
			misses++
		}
	}
	switch {
	case answered || (!h.isRequest() && err == nil):
		return nil
	case err != nil:
		return err
	}
	return errNoAnswer
}

// resume asks the server for the events after cur.ID (GET with Last-Event-ID) and reads
// them to emit until that stream ends.
func (c *conn) resume(ctx context.Context, cur *cursor, emit func(event) error) error {
	req, err := c.request(ctx, http.MethodGet, c.url.String(), nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Last-Event-ID", cur.ID)
	resp, err := c.client.Do(req)
	if err != nil {
		return withoutURL(err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return statusError(resp)
	case resp.StatusCode >= 500:
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		return fmt.Errorf("the server answered %d to resuming", resp.StatusCode)
	case resp.StatusCode >= 300:
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		return fmt.Errorf("%w (it answered %d)", errCannotResume, resp.StatusCode)
	case mediaType(resp) != "text/event-stream":
		return fmt.Errorf("%w (it answered with %s)", errCannotResume, quoted(mediaType(resp)))
	}
	return readStream(resp.Body, cur, emit)
}

// answers reports whether msg (one message, or a legacy batch) holds the answer to the
// request with id: a result or error with that id, not a request of the server's that
// happens to use the same id.
func answers(msg []byte, id json.RawMessage) bool {
	msg = bytes.TrimSpace(msg)
	if len(msg) == 0 || len(id) == 0 {
		return false
	}
	var batch []json.RawMessage
	if msg[0] == '[' {
		if json.Unmarshal(msg, &batch) != nil {
			return false
		}
	} else {
		batch = []json.RawMessage{msg}
	}
	for _, m := range batch {
		var r struct {
			ID     json.RawMessage `json:"id"`
			Method *string         `json:"method"`
		}
		if json.Unmarshal(m, &r) == nil && r.Method == nil && sameID(r.ID, id) {
			return true
		}
	}
	return false
}

// sameID compares two JSON-RPC ids as values (a server may write 7 as 7.0, or escape a
// string differently).
func sameID(a, b json.RawMessage) bool {
	if bytes.Equal(a, b) {
		return len(a) > 0
	}
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return false
	}
	switch va.(type) {
	case string, float64:
		return va == vb
	}
	return false
}
