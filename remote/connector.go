// Package remote reaches MCP servers that run elsewhere, over streamable HTTP (2025-03-26
// and later, the 2026-07-28 stateless protocol included) or the legacy HTTP+SSE transport.
//
// A connector looks to the rest of MCP Tray like a server process: it reads newline-delimited
// JSON-RPC messages from the relay and writes the server's messages back the same way, so
// policy, pins, the scanner, approvals and the audit apply to a remote server unchanged. The
// bytes of every message pass through as they are; the connector reads only a request's id
// (to answer it with an error when the server cannot be reached) and the initialize result's
// protocol version (for the MCP-Protocol-Version header).
package remote

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// Transport names the wire a remote server speaks.
type Transport string

const (
	// Auto tries streamable HTTP and falls back to HTTP+SSE when the server answers the
	// first message with 400, 404 or 405, as the specification's backwards-compatibility
	// section says.
	Auto Transport = ""
	// Streamable is the streamable HTTP transport (2025-03-26 and later).
	Streamable Transport = "http"
	// SSE is the legacy HTTP+SSE transport (2024-11-05).
	SSE Transport = "sse"
)

// Options says how to reach one remote server. Header and query values are the real ones
// (secrets already read from the keychain): they are sent and never logged.
type Options struct {
	URL       string
	Transport Transport
	Header    map[string]string
	Query     map[string]string
	// AllowPrivate lets connections go to the local network (RFC 1918 and unique local
	// addresses); loopback is reached only when URL itself names this computer, and
	// link-local addresses (cloud metadata) never.
	AllowPrivate bool
	// Token, when set, gives the access token sent as "Authorization: Bearer"; it is asked
	// before every request, so a refreshed token is used at once.
	Token func(ctx context.Context) (string, error)
	// Note, when set, receives one-line notes for the server's log (no secret in them).
	Note func(format string, args ...any)
	// SignIn, when set, is told true when the server asks for a (new) sign-in, and false
	// when it answers a request again.
	SignIn func(needed bool)
	// MoreScope, when set, is told the scopes a 403 insufficient_scope names (RFC 6750 §3.1:
	// the sign-in is good but does not allow enough), before SignIn(true).
	MoreScope func(scope string)
}

// ErrNeedsSignIn is wrapped by errors that mean the server wants a (new) sign-in.
var ErrNeedsSignIn = errors.New("needs sign-in")

// Run relays between in (messages for the server, one per line) and out (the server's
// messages, one per line) until in ends or ctx is cancelled, then ends the server's session
// (DELETE) and returns. It returns nil when in ended; an error says why the connection to the
// server ended otherwise. Run does not close out.
func Run(ctx context.Context, opts Options, in io.Reader, out io.Writer) error {
	u, err := CheckURL(opts.URL)
	if err != nil {
		return err
	}
	if len(opts.Query) > 0 {
		q := u.Query()
		for k, v := range opts.Query {
			q.Set(k, v)
		}
		u.RawQuery = q.Encode()
	}
	c := &conn{opts: opts, url: u, client: newClient(u, reachFor(u, opts.AllowPrivate)), out: &lineWriter{w: out}}
	defer closeIdle(c.client)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	c.ctx = ctx
	err = c.pump(in)
	cancel()
	c.wg.Wait()
	c.end()
	if err == nil {
		err = c.failed()
	}
	return err
}

// conn is one connection to a remote server.
type conn struct {
	opts   Options
	url    *url.URL
	client *http.Client
	out    *lineWriter
	ctx    context.Context
	wg     sync.WaitGroup

	mu        sync.Mutex
	transport Transport
	session   string   // Mcp-Session-Id
	version   string   // the negotiated protocol version
	initID    []byte   // the id of the initialize request in flight
	listening bool     // the GET stream was started
	endpoint  *url.URL // HTTP+SSE: where messages are posted
	fatal     error    // the connection cannot go on
	fatalMsg  string   // why, as the sentence a request gets after it
	// waiting are the requests posted over HTTP+SSE whose answers have not come on the
	// stream yet, by idKey: they are answered with an error if the stream ends first.
	waiting map[string]json.RawMessage
}

// maxNote bounds one note: notes quote what a server said, and a server can say a lot.
const maxNote = 1 << 10

func (c *conn) note(format string, args ...any) {
	if c.opts.Note == nil {
		return
	}
	line := fmt.Sprintf(format, args...)
	if len(line) > maxNote {
		line = strings.ToValidUTF8(line[:maxNote], "") + "…"
	}
	c.opts.Note("%s", line)
}

// pump reads messages from in and sends each on.
func (c *conn) pump(in io.Reader) error {
	br := bufio.NewReaderSize(in, 64<<10)
	for {
		line, err := br.ReadBytes('\n')
		if msg := bytes.TrimSpace(line); len(msg) > 0 {
			if ferr := c.failed(); ferr != nil {
				// Answered, not dropped: the relay may be waiting on it to answer the AI app
				// (its other-era handshake after the server refused initialize).
				c.answerError(readHead(msg).ID, c.fatalSentence())
				return ferr
			}
			c.send(msg)
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		if c.ctx.Err() != nil {
			return c.failed()
		}
	}
}

func (c *conn) failed() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fatal
}

// fail ends the connection with err, which Run returns: the supervisor shows and logs it,
// so it is kept without the address net/http puts in its errors (the query may hold a key).
// sentence is what a request that comes after is answered.
func (c *conn) fail(err error, sentence string) {
	err = withoutURL(err)
	c.mu.Lock()
	if c.fatal == nil {
		c.fatal, c.fatalMsg = err, sentence
	}
	c.mu.Unlock()
}

func (c *conn) fatalSentence() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fatalMsg
}

// head is what the connector reads of a message.
type head struct {
	ID     json.RawMessage `json:"id"`
	Method *string         `json:"method"`
	Params *struct {
		Meta *struct {
			// Version is a 2026-07-28 request's own protocol version: it goes in the
			// MCP-Protocol-Version header of that request.
			Version string `json:"io.modelcontextprotocol/protocolVersion"`
		} `json:"_meta"`
	} `json:"params"`
}

func readHead(msg []byte) head {
	var h head
	if len(msg) > 0 && msg[0] == '{' {
		if json.Unmarshal(msg, &h) != nil { // unreadable: sent on as it is, the server answers it
			h = head{}
		}
	}
	if string(h.ID) == "null" {
		h.ID = nil
	}
	return h
}

// version is the protocol version the message names for itself ("" when none).
func (h head) version() string {
	if h.Params == nil || h.Params.Meta == nil || !validSessionID(h.Params.Meta.Version) {
		return ""
	}
	return h.Params.Meta.Version
}

// isRequest reports whether a message expects an answer.
func (h head) isRequest() bool { return h.Method != nil && len(h.ID) > 0 }

// answerError writes a JSON-RPC error answer to the request with id (kept byte for byte),
// so the AI app is told at once instead of waiting.
func (c *conn) answerError(id json.RawMessage, msg string) {
	if len(id) == 0 {
		return
	}
	body, _ := json.Marshal(struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}{-32001, msg})
	var b bytes.Buffer
	b.WriteString(`{"jsonrpc":"2.0","id":`)
	b.Write(id)
	b.WriteString(`,"error":`)
	b.Write(body)
	b.WriteString("}")
	c.out.write(b.Bytes())
}

// lineWriter writes whole messages, one per line, from many goroutines.
type lineWriter struct {
	mu sync.Mutex
	w  io.Writer
}

// write writes msg followed by a newline; a message that holds a newline of its own (pretty
// printed JSON) is compacted first, so the relay reads exactly one message per line.
func (l *lineWriter) write(msg []byte) error {
	msg = bytes.TrimSpace(msg)
	if len(msg) == 0 {
		return nil
	}
	if bytes.ContainsAny(msg, "\r\n") {
		var b bytes.Buffer
		if err := json.Compact(&b, msg); err == nil {
			msg = b.Bytes()
		} else {
			msg = bytes.ReplaceAll(bytes.ReplaceAll(msg, []byte("\r"), nil), []byte("\n"), nil)
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, err := l.w.Write(append(msg[:len(msg):len(msg)], '\n')); err != nil {
		return err
	}
	return nil
}

// writeMessages writes one message or, for a JSON array (a legacy batch), each element.
func (l *lineWriter) writeMessages(body []byte) error {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '[' {
		return l.write(body)
	}
	var batch []json.RawMessage
	if err := json.Unmarshal(body, &batch); err != nil {
		return l.write(body)
	}
	for _, m := range batch {
		if err := l.write(m); err != nil {
			return err
		}
	}
	return nil
}

// hostOf is the host the notes and the audit name.
func hostOf(u *url.URL) string { return strings.ToLower(u.Host) }

// Host returns the host (with port, if any) of a remote server's address, for the log, the
// audit and the window; "" when raw is not a usable address.
func Host(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return hostOf(u)
}

var errEnded = fmt.Errorf("the connection to the remote server ended")
