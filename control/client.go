package control

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/mcptray/mcptray/socket"
)

// ErrNotRunning is returned when no daemon answers; its text is the sentence a person sees.
var ErrNotRunning = errors.New("MCP Tray is not running. Open it from your applications menu, or run: mcptray daemon")

// Client talks to the daemon at a socket path. The zero value is not usable; it is cheap and
// safe for concurrent use (each operation opens its own connection).
type Client struct{ Path string }

// dialVerified connects to the daemon's socket. It returns ErrNotRunning only when nobody
// listens (socket.ErrNotRunning); any other failure — a socket that may be someone else's
// (*socket.UntrustedError), a listener that could not be checked — is returned as it is: never
// "not running" then, which would make the bridge start another daemon.
func dialVerified(ctx context.Context, path string) (net.Conn, error) {
	conn, err := socket.Dial(ctx, path)
	if errors.Is(err, socket.ErrNotRunning) {
		return nil, ErrNotRunning
	}
	return conn, err
}

func (c *Client) open(ctx context.Context, h Hello) (net.Conn, *bufio.Reader, error) {
	conn, err := dialVerified(ctx, c.Path)
	if err != nil {
		return nil, nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	b, _ := json.Marshal(h)
	if _, err := conn.Write(append(b, '\n')); err != nil {
		conn.Close()
		return nil, nil, fmt.Errorf("talking to MCP Tray: %w", err)
	}
	return conn, bufio.NewReaderSize(conn, 64<<10), nil
}

// awaitOK reads the daemon's answer to a connect hello; on a refusal or a failed read it
// closes conn and returns the error to show.
func awaitOK(conn io.Closer, r *bufio.Reader) error {
	rep, err := readReply(r)
	if err != nil {
		conn.Close()
		return fmt.Errorf("MCP Tray closed the connection before answering (%v)", err)
	}
	if rep.Error != nil {
		conn.Close()
		return rep.Error
	}
	return nil
}

func readReply(r *bufio.Reader) (*Reply, error) {
	line, err := r.ReadSlice('\n')
	if err != nil {
		if errors.Is(err, bufio.ErrBufferFull) {
			return readLongReply(r, line)
		}
		return nil, err
	}
	var rep Reply
	if err := json.Unmarshal(line, &rep); err != nil {
		return nil, fmt.Errorf("MCP Tray sent a reply this version cannot read: %w", err)
	}
	return &rep, nil
}

func readLongReply(r *bufio.Reader, first []byte) (*Reply, error) {
	buf := append([]byte(nil), first...)
	for len(buf) < 64<<20 {
		more, err := r.ReadSlice('\n')
		buf = append(buf, more...)
		if err == nil {
			var rep Reply
			if err := json.Unmarshal(buf, &rep); err != nil {
				return nil, err
			}
			return &rep, nil
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return nil, err
		}
	}
	return nil, errors.New("reply from MCP Tray too large")
}

func marshalParams(params any) (json.RawMessage, error) {
	if params == nil {
		return nil, nil
	}
	return json.Marshal(params)
}

// Call runs one method and decodes its result into result (which may be nil).
func (c *Client) Call(ctx context.Context, method string, params, result any) error {
	p, err := marshalParams(params)
	if err != nil {
		return err
	}
	conn, r, err := c.open(ctx, Hello{Op: OpCall, Method: method, Params: p})
	if err != nil {
		return err
	}
	defer conn.Close()
	rep, err := readReply(r)
	if err != nil {
		return fmt.Errorf("MCP Tray closed the connection before answering (%v)", err)
	}
	if rep.Error != nil {
		return rep.Error
	}
	if result != nil && rep.Result != nil {
		return json.Unmarshal(rep.Result, result)
	}
	return nil
}

// Stream runs a streaming method, calling each with every event until the daemon ends the
// stream (nil), each returns an error, ctx ends, or the daemon goes away.
func (c *Client) Stream(ctx context.Context, method string, params any, each func(json.RawMessage) error) error {
	p, err := marshalParams(params)
	if err != nil {
		return err
	}
	conn, r, err := c.open(ctx, Hello{Op: OpStream, Method: method, Params: p})
	if err != nil {
		return err
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	for {
		rep, err := readReply(r)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return errors.New("MCP Tray stopped (the stream ended)")
		}
		switch {
		case rep.Error != nil:
			return rep.Error
		case rep.OK && rep.Event == nil:
			return nil // end of stream
		case rep.Event != nil:
			if err := each(rep.Event); err != nil {
				return err
			}
		}
	}
}

// Connect opens a relay to a server: after it returns, the connection carries raw MCP
// messages (newline-delimited JSON-RPC) both ways. The returned reader holds any bytes
// already read past the OK line; read from it, not from the connection.
func (c *Client) Connect(ctx context.Context, server, client string) (net.Conn, *bufio.Reader, error) {
	conn, r, err := c.open(ctx, Hello{Op: OpConnect, Server: server, Client: client})
	if err != nil {
		return nil, nil, err
	}
	if err := awaitOK(conn, r); err != nil {
		return nil, nil, err
	}
	conn.SetDeadline(time.Time{})
	return conn, r, nil
}
