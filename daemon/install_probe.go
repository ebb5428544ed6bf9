package daemon

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/gateway"
)

// ProbeParams names the server the "probe" method checks.
type ProbeParams struct {
	Server string `json:"server"`
}

// maxProbePages bounds tools/list paging against a server that keeps handing out cursors.
const maxProbePages = 50

// probe connects to a server the way an AI client does, through the relay (so policy, tool
// pinning and tool recording apply), initializes it, lists its tools (every page) and hangs
// up. It blocks until the list arrives, the server stops, or ctx ends; the process it used
// is stopped before it returns.
func (d *Daemon) probe(ctx context.Context, server string) ([]ToolInfo, error) {
	p, err := d.sup.Take(ctx, server)
	if err != nil {
		return nil, serverError(err)
	}
	sess := &gateway.Session{ID: newSessionID(), Server: server, Client: "mcptray"}
	logs := d.sup.Logs(server)
	if logs != nil {
		logs.Note("MCP Tray is checking the server's tools (session %s, pid %d)", sess.ID, p.Pid())
	}
	toRelay, clientOut := io.Pipe()
	clientIn, fromRelay := io.Pipe()
	opts := gateway.Options{Gate: d.guard, Hooks: gateway.Hooks{Tools: d.tools.record, Traffic: d.traffic.record, Panic: d.relayPanicked}}
	d.eraOptions(server, &opts)
	up := gateway.Upstream{Stdin: p.Stdin(), Stdout: p.Stdout(), Stop: p.Stop}
	relayed := make(chan error, 1)
	go func() {
		defer control.Recover(d.log, "checking a server's tools", func(err error) { p.Stop(); fromRelay.Close(); toRelay.Close(); relayed <- err })
		err := gateway.Relay(ctx, sess, fromRelay, bufio.NewReaderSize(toRelay, 64<<10), up, opts)
		fromRelay.Close()
		toRelay.Close()
		relayed <- err
	}()
	c := &probeClient{out: clientOut, in: bufio.NewReaderSize(clientIn, 64<<10)}
	tools, err := c.listTools()
	clientOut.Close() // the client hangs up; the relay stops the process
	clientIn.Close()
	relayErr := <-relayed
	if err != nil {
		switch {
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case errors.Is(relayErr, gateway.ErrPanicked):
			return nil, errors.New("MCP Tray hit an internal error while checking the server's tools; the details are in MCP Tray's log")
		case errors.Is(relayErr, gateway.ErrServerGone) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrClosedPipe):
			return nil, fmt.Errorf("the server stopped before it listed its tools")
		}
		return nil, err
	}
	out := make([]ToolInfo, 0, len(tools))
	for _, raw := range tools {
		var ti ToolInfo
		if json.Unmarshal(raw, &ti) == nil && ti.Name != "" {
			out = append(out, ti)
		}
	}
	return out, nil
}

// probeClient is the smallest MCP client that lists tools: one request at a time, server
// requests answered with "method not found", notifications ignored.
type probeClient struct {
	out    io.Writer
	in     *bufio.Reader
	nextID int
}

type rpcMessage struct {
	ID     json.RawMessage `json:"id,omitempty"`
	Method string          `json:"method,omitempty"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  json.RawMessage `json:"error,omitempty"`
}

func (c *probeClient) send(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = c.out.Write(append(b, '\n'))
	return err
}

// call sends a request and returns its result, answering whatever the server asks meanwhile.
func (c *probeClient) call(method string, params any) (json.RawMessage, error) {
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
		var m rpcMessage
		if json.Unmarshal(line, &m) != nil {
			continue
		}
		switch {
		case m.Method != "" && len(m.ID) > 0: // a request from the server
			reply := map[string]any{"jsonrpc": "2.0", "id": m.ID}
			switch m.Method {
			case "ping":
				reply["result"] = map[string]any{}
			case "roots/list": // the handshake declares roots (gateway.Greet): there are none
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
				return nil, &rpcError{method: method, msg: e.Message, raw: m.Error}
			}
			return m.Result, nil
		}
	}
}

// ask is call as a gateway.Asker, for gateway.Greet. It waits as long as the answer takes:
// the probe's caller bounds it by stopping the process.
func (c *probeClient) ask(_ context.Context, method string, params any, _ time.Duration) (result, rpcErr json.RawMessage, err error) {
	res, err := c.call(method, params)
	if re := (*rpcError)(nil); errors.As(err, &re) {
		return nil, re.raw, nil
	}
	return res, nil, err
}

// rpcError is a JSON-RPC error answer from the server.
type rpcError struct {
	method, msg string
	raw         json.RawMessage // the error object
}

func (e *rpcError) Error() string {
	return fmt.Sprintf("the server answered %s with an error: %s", e.method, e.msg)
}

// listTools initializes the session with MCP Tray's one handshake, the shared hub's
// (gateway.Greet; servers that speak only the stateless protocol refuse initialize and are
// asked for their tools directly), and lists every page of tools.
func (c *probeClient) listTools() ([]json.RawMessage, error) {
	_, initErr := gateway.Greet(context.Background(), c.ask, func(msg []byte) { c.out.Write(msg) }, gateway.GreetOptions{})
	if initErr != nil && !errors.Is(initErr, gateway.ErrHandshakeRefused) {
		return nil, initErr
	}
	var tools []json.RawMessage
	cursor := ""
	for range maxProbePages {
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
