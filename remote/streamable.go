package remote

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mcptray/mcptray/internal/display"
)

// maxBody bounds a JSON answer's size.
const maxBody = 64 << 20

// send delivers one message from the relay. Requests go out concurrently (a slow tool call
// holds up nothing else); notifications, answers and the opening request go out in order, so
// the server sees initialize, then notifications/initialized, then the rest.
func (c *conn) send(msg []byte) {
	h := readHead(msg)
	c.mu.Lock()
	t, opening := c.transport, c.transport == Auto && c.endpoint == nil && c.session == "" && !c.listening
	if h.Method != nil && *h.Method == "initialize" {
		c.initID = append([]byte(nil), h.ID...)
		opening = true
	}
	c.mu.Unlock()
	if t == Auto {
		t = c.opts.Transport
	}
	if t == SSE {
		c.postSSE(msg, h)
		return
	}
	if opening || !h.isRequest() {
		c.post(msg, h)
		return
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		c.post(msg, h)
	}()
}

// post sends one message over streamable HTTP and relays what comes back.
func (c *conn) post(msg []byte, h head) {
	ctx := c.ctx
	if !h.isRequest() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, shortTimeout)
		defer cancel()
	}
	req, err := c.request(ctx, http.MethodPost, c.url.String(), bytes.NewReader(msg))
	if err != nil {
		c.answerError(h.ID, c.sentence(err))
		return
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if v := h.version(); v != "" {
		req.Header.Set("MCP-Protocol-Version", v) // a 2026-07-28 request names its own
	}
	resp, err := c.client.Do(req)
	if err != nil {
		c.answerError(h.ID, c.sentence(err))
		return
	}
	defer resp.Body.Close()
	c.mu.Lock()
	first := c.transport == Auto
	c.mu.Unlock()
	if first && c.opts.Transport == Auto && olderServer(resp.StatusCode, h) {
		// An older server: the HTTP+SSE transport at the same address.
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		c.note("the server does not take streamable HTTP (status %d); trying the older HTTP+SSE transport", resp.StatusCode)
		if err := c.openSSE(); err != nil {
			msg := c.sentence(err)
			c.answerError(h.ID, msg)
			if isInitialize(h) {
				c.fail(err, msg)
			}
			return
		}
		c.postSSE(msg, h)
		return
	}
	if first && resp.StatusCode < 300 {
		c.mu.Lock()
		c.transport = Streamable
		c.mu.Unlock()
		c.note("connected to %s over streamable HTTP", hostOf(c.url))
	}
	if resp.StatusCode == http.StatusNotFound && c.sessionID() != "" {
		c.mu.Lock()
		c.session, c.listening = "", false
		c.mu.Unlock()
		c.answerError(h.ID, "The remote server ended the session. Reconnect the AI app to start a new one.")
		return
	}
	if err := statusError(resp); err != nil {
		c.answerError(h.ID, c.sentence(err))
		return
	}
	if c.opts.SignIn != nil {
		c.opts.SignIn(false)
	}
	if sid := resp.Header.Get("Mcp-Session-Id"); sid != "" && validSessionID(sid) {
		c.mu.Lock()
		c.session = sid
		c.mu.Unlock()
	}
	switch mediaType(resp) {
	case "text/event-stream":
		err = c.readAnswer(ctx, resp.Body, h) // resumed with Last-Event-ID if it breaks (resume.go)
	case "application/json":
		var body []byte
		body, err = io.ReadAll(io.LimitReader(resp.Body, maxBody))
		if err == nil {
			err = c.fromServer(string(body))
		}
	default:
		if resp.StatusCode != http.StatusAccepted && h.isRequest() {
			c.answerError(h.ID, "The remote server answered with something that is not MCP.")
		}
	}
	var se *StatusError
	switch {
	case err == nil || ctx.Err() != nil:
	case errors.As(err, &se):
		c.answerError(h.ID, c.sentence(err))
	default:
		c.note("reading the server's answer failed: %v", err)
		c.answerError(h.ID, "The connection to the remote server broke before it answered. Try again.")
	}
	if isInitialize(h) && bytes.Equal(h.ID, c.initialID()) {
		c.listen()
	}
}

// olderServer reports whether a refusal of the first message means the server speaks only
// the older HTTP+SSE transport: 404 or 405 to any message, 400 to initialize (a streamable
// server refuses a message that is not initialize with 400 while there is no session, as it
// does server/discover, which the hub may ask first).
func olderServer(status int, h head) bool {
	return status == http.StatusNotFound || status == http.StatusMethodNotAllowed ||
		(status == http.StatusBadRequest && isInitialize(h))
}

func isInitialize(h head) bool { return h.Method != nil && *h.Method == "initialize" }

// fromServer relays one message (or legacy batch) of the server's, remembering the
// negotiated version from the initialize result.
func (c *conn) fromServer(data string) error {
	if strings.TrimSpace(data) == "" {
		return nil
	}
	c.learnVersion([]byte(data))
	return c.out.writeMessages([]byte(data))
}

func (c *conn) learnVersion(msg []byte) {
	c.mu.Lock()
	init := c.initID
	c.mu.Unlock()
	if len(init) == 0 {
		return
	}
	var r struct {
		ID     json.RawMessage `json:"id"`
		Result *struct {
			ProtocolVersion string `json:"protocolVersion"`
		} `json:"result"`
	}
	if json.Unmarshal(msg, &r) != nil || !bytes.Equal(r.ID, init) || r.Result == nil {
		return
	}
	if v := r.Result.ProtocolVersion; v != "" && validSessionID(v) {
		c.mu.Lock()
		c.version = v
		c.mu.Unlock()
	}
}

func (c *conn) initialID() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.initID
}

func (c *conn) sessionID() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.session
}

// validSessionID: visible ASCII only, as the specification says (and so it can be a header).
func validSessionID(s string) bool {
	if len(s) == 0 || len(s) > 1024 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// request builds a request with the person's headers, the session, the version and the
// token.
func (c *conn) request(ctx context.Context, method, target string, body io.Reader) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return nil, err
	}
	for k, v := range c.opts.Header {
		req.Header.Set(k, v)
	}
	c.mu.Lock()
	sid, ver := c.session, c.version
	c.mu.Unlock()
	if sid != "" {
		req.Header.Set("Mcp-Session-Id", sid)
	}
	if ver != "" {
		req.Header.Set("MCP-Protocol-Version", ver)
	}
	if c.opts.Token != nil {
		tok, err := c.opts.Token(ctx)
		if err != nil {
			return nil, err
		}
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
	}
	return req, nil
}

// listen opens the GET stream for the server's own messages once a session exists, and
// keeps it open (resuming with Last-Event-ID) until the connector ends. A server without one
// (405) is fine.
func (c *conn) listen() {
	c.mu.Lock()
	if c.listening || c.session == "" {
		c.mu.Unlock()
		return
	}
	c.listening = true
	c.mu.Unlock()
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		var cur cursor
		delay := time.Second
		for c.ctx.Err() == nil {
			req, err := c.request(c.ctx, http.MethodGet, c.url.String(), nil)
			if err != nil {
				return
			}
			req.Header.Set("Accept", "text/event-stream")
			if cur.ID != "" {
				req.Header.Set("Last-Event-ID", cur.ID)
			}
			resp, err := c.client.Do(req)
			if err == nil {
				if resp.StatusCode == http.StatusMethodNotAllowed || resp.StatusCode == http.StatusNotFound || mediaType(resp) != "text/event-stream" {
					resp.Body.Close()
					return
				}
				readStream(resp.Body, &cur, func(ev event) error {
					delay = time.Second
					return c.fromServer(ev.Data)
				})
				resp.Body.Close()
			}
			wait := max(delay, cur.Retry) // the server's own reconnection delay, or longer while it fails
			select {
			case <-c.ctx.Done():
				return
			case <-time.After(wait):
			}
			delay = min(delay*2, 30*time.Second)
		}
	}()
}

// end closes the server's session (streamable HTTP's DELETE); a server that does not allow
// it is fine.
func (c *conn) end() {
	sid := c.sessionID()
	if sid == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := c.request(ctx, http.MethodDelete, c.url.String(), nil)
	if err != nil {
		return
	}
	if resp, err := c.client.Do(req); err == nil {
		resp.Body.Close()
	}
}

func mediaType(resp *http.Response) string {
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	return strings.ToLower(mt)
}

// StatusError is a remote server's refusal of a request.
type StatusError struct {
	Status int
	// Challenge is the WWW-Authenticate header of a 401 or 403.
	Challenge string
}

func (e *StatusError) Error() string { return fmt.Sprintf("the remote server answered %d", e.Status) }

// Is makes a 401, and a 403 for lack of scope, match ErrNeedsSignIn.
func (e *StatusError) Is(target error) bool {
	return target == ErrNeedsSignIn && (e.Status == http.StatusUnauthorized ||
		(e.Status == http.StatusForbidden && strings.Contains(e.Challenge, "insufficient_scope")))
}

// ScopeAsked is the scope a WWW-Authenticate challenge names, as one line safe to show (a
// space-separated list of scope names, cut after a few hundred bytes).
func ScopeAsked(challenge string) string {
	return display.Line(cut(strings.Join(strings.Fields(authParams(challenge)["scope"]), " ")))
}

func statusError(resp *http.Response) error {
	if resp.StatusCode < 300 {
		return nil
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	return &StatusError{Status: resp.StatusCode, Challenge: resp.Header.Get("WWW-Authenticate")}
}

// sentence turns a failure into one sentence for the AI app and the person.
func (c *conn) sentence(err error) string {
	host := hostOf(c.url)
	err = withoutURL(err)
	var se *StatusError
	switch {
	case errors.As(err, &se) && se.Status == http.StatusForbidden && errors.Is(err, ErrNeedsSignIn):
		scope := ScopeAsked(se.Challenge)
		c.note("the server asks for more permission: %s", scope)
		if c.opts.MoreScope != nil {
			c.opts.MoreScope(scope)
		}
		if c.opts.SignIn != nil {
			c.opts.SignIn(true)
		}
		return fmt.Sprintf("The remote server at %s needs more permission (%s): sign in again with mcptray server login, or use Sign in in MCP Tray.", host, scope)
	case errors.Is(err, ErrNeedsSignIn):
		c.note("the server asks to sign in")
		if c.opts.SignIn != nil {
			c.opts.SignIn(true)
		}
		return fmt.Sprintf("The remote server at %s needs you to sign in: run mcptray server login, or use Sign in in MCP Tray.", host)
	case errors.As(err, &se):
		return fmt.Sprintf("The remote server at %s refused the request (HTTP %d).", host, se.Status)
	case errors.Is(err, ErrRefusedAddress):
		c.note("refused: %v", err)
		return fmt.Sprintf("MCP Tray did not connect to %s: it leads to this computer or the local network, which this server was not added for.", host)
	case errors.Is(err, ErrRedirect):
		c.note("refused: %v", err)
		return fmt.Sprintf("The remote server at %s tried to send MCP Tray to another site; MCP Tray did not follow.", host)
	case errors.Is(err, ErrUnsafeURL):
		return err.Error()
	}
	c.note("could not reach the server: %v", err)
	return fmt.Sprintf("MCP Tray could not reach the remote server at %s.", host)
}

// withoutURL drops the address net/http puts in its errors: it may carry a query value that
// is a secret, and the notes go to the log.
func withoutURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
