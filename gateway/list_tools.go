package gateway

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// maxToolPages bounds tools/list paging against a server that keeps handing out cursors.
const maxToolPages = 50

// ListTools is the smallest MCP client, for MCP Tray's own look at a server (the install
// check through the relay, the scanner on a confined process): it greets the server at the
// other end of out and in with the one handshake the shared hub uses (Greet; a server that
// speaks only the stateless protocol refuses initialize and is asked for its tools directly),
// lists every page of tools, and returns them as the server wrote them. One request at a
// time; requests from the server are answered (ping, an empty roots/list, "method not found"
// for the rest), notifications ignored. It blocks until the list is read or a read or write
// fails: the caller bounds it by closing the stream or stopping the server.
func ListTools(out io.Writer, in *bufio.Reader) ([]json.RawMessage, error) {
	return (&toolLister{out: out, in: in}).listTools()
}

type toolLister struct {
	out    io.Writer
	in     *bufio.Reader
	nextID int
}

type listerMessage struct {
	ID     json.RawMessage `json:"id,omitempty"`
	Method string          `json:"method,omitempty"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  json.RawMessage `json:"error,omitempty"`
}

func (c *toolLister) send(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = c.out.Write(append(b, '\n'))
	return err
}

// call sends a request and returns its result, answering whatever the server asks meanwhile.
func (c *toolLister) call(method string, params any) (json.RawMessage, error) {
	c.nextID++
	id := c.nextID
	if err := c.send(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params}); err != nil {
		return nil, err
	}
	want := fmt.Sprint(id)
	for {
		line, err := c.in.ReadBytes('\n')
		if err != nil {
			return nil, err
		}
		var m listerMessage
		if json.Unmarshal(line, &m) != nil {
			continue
		}
		switch {
		case m.Method != "" && len(m.ID) > 0: // a request from the server
			reply := map[string]any{"jsonrpc": "2.0", "id": m.ID}
			switch m.Method {
			case "ping":
				reply["result"] = map[string]any{}
			case "roots/list": // the handshake declares roots (Greet): there are none
				reply["result"] = map[string]any{"roots": []any{}}
			default:
				reply["error"] = map[string]any{"code": -32601, "message": "MCP Tray's install check does not support " + m.Method}
			}
			if err := c.send(reply); err != nil {
				return nil, err
			}
		case m.Method != "": // a notification
		case string(m.ID) == want:
			if m.Error != nil && string(m.Error) != "null" {
				var e struct {
					Message string `json:"message"`
				}
				json.Unmarshal(m.Error, &e)
				return nil, &listerError{method: method, msg: e.Message, raw: m.Error}
			}
			return m.Result, nil
		}
	}
}

// ask is call as an Asker, for Greet. It waits as long as the answer takes: ListTools's
// caller bounds it.
func (c *toolLister) ask(_ context.Context, method string, params any, _ time.Duration) (result, rpcErr json.RawMessage, err error) {
	res, err := c.call(method, params)
	if re := (*listerError)(nil); errors.As(err, &re) {
		return nil, re.raw, nil
	}
	return res, nil, err
}

// listerError is a JSON-RPC error answer from the server.
type listerError struct {
	method, msg string
	raw         json.RawMessage // the error object
}

func (e *listerError) Error() string {
	return fmt.Sprintf("the server answered %s with an error: %s", e.method, e.msg)
}

func (c *toolLister) listTools() ([]json.RawMessage, error) {
	_, initErr := Greet(context.Background(), c.ask, func(msg []byte) { c.out.Write(msg) }, GreetOptions{})
	if initErr != nil && !errors.Is(initErr, ErrHandshakeRefused) {
		return nil, initErr
	}
	var tools []json.RawMessage
	cursor := ""
	for range maxToolPages {
		params := map[string]any{}
		if cursor != "" {
			params["cursor"] = cursor
		}
		res, err := c.call("tools/list", params)
		if err != nil {
			if initErr != nil {
				return nil, initErr
			}
			return nil, err
		}
		var page struct {
			Tools      []json.RawMessage `json:"tools"`
			NextCursor string            `json:"nextCursor"`
		}
		if err := json.Unmarshal(res, &page); err != nil {
			return nil, fmt.Errorf("the server's tool list could not be read: %v", err)
		}
		tools = append(tools, page.Tools...)
		if page.NextCursor == "" || page.NextCursor == cursor {
			break
		}
		cursor = page.NextCursor
	}
	return tools, nil
}
