package gateway

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/internal/prose"
)

// BridgeOptions configure the stdio bridge that AI clients spawn (`mcptray connect NAME`).
type BridgeOptions struct {
	Control    *control.Client
	Server     string
	ClientName string // which AI client this is, if known
	// StartDaemon starts MCP Tray in the background when it is not running; nil disables it.
	StartDaemon func() error
	// Wait is how long to keep trying after starting the daemon; 0 means 10 s.
	Wait time.Duration
	// AnswerWait bounds how long a refused bridge waits for the client's first request.
	AnswerWait time.Duration
	Stdin      io.Reader
	Stdout     io.Writer
	Stderr     io.Writer
	// StdinFile and StdoutFile, when set and both pipes or sockets, are handed to the daemon
	// (Unix), which then reads and writes the client's pipes itself: no byte is copied
	// through the bridge. Stdin and Stdout must be the same files.
	StdinFile, StdoutFile *os.File
}

// ErrDaemonGone is returned by Bridge when MCP Tray went away before the client finished.
var ErrDaemonGone = errors.New("MCP Tray stopped, so the connection to the server ended")

// Bridge connects stdin/stdout to the named server through the daemon and copies bytes both
// ways until the client closes stdin (nil) or the daemon goes away (ErrDaemonGone). Stdout
// carries only protocol bytes; diagnostics go to Stderr. If it cannot connect, it answers the
// client's first request with a JSON-RPC error saying why in one sentence, and returns that
// error.
func Bridge(ctx context.Context, o BridgeOptions) error {
	pass := canPass(o.StdinFile) && canPass(o.StdoutFile)
	conn, r, err := dialWithStart(ctx, o, pass)
	if err != nil {
		if pass {
			blockAgain(o.StdinFile)
		}
		refuse(o, err)
		return err
	}
	defer conn.Close()
	if pass {
		// The daemon holds the client's pipes now; drop ours so that the client sees end of
		// file exactly when the daemon closes them.
		o.StdinFile.Close()
		o.StdoutFile.Close()
		return waitExit(r)
	}
	clientEnded := make(chan struct{}) // closed when the client closed stdin (not on errors)
	go func() {
		// io.Copy returns nil only at end of input; an error means the daemon went away.
		if _, err := io.Copy(conn, o.Stdin); err == nil {
			close(clientEnded)
		}
		if hc, ok := conn.(interface{ CloseWrite() error }); ok {
			hc.CloseWrite() // the daemon sees end of input and lets the server finish
		} else {
			conn.Close()
		}
	}()
	io.Copy(o.Stdout, r)
	select {
	case <-clientEnded:
		return nil
	default:
		return ErrDaemonGone
	}
}

func dialWithStart(ctx context.Context, o BridgeOptions, pass bool) (io.ReadWriteCloser, *bufio.Reader, error) {
	connect := func() (io.ReadWriteCloser, *bufio.Reader, error) {
		if pass {
			return o.Control.ConnectPassing(ctx, o.Server, o.ClientName, o.StdinFile, o.StdoutFile)
		}
		return o.Control.Connect(ctx, o.Server, o.ClientName)
	}
	conn, r, err := connect()
	if !errors.Is(err, control.ErrNotRunning) || o.StartDaemon == nil {
		return conn, r, err
	}
	fmt.Fprintln(o.Stderr, "mcptray: MCP Tray is not running; starting it.")
	if serr := o.StartDaemon(); serr != nil {
		return nil, nil, fmt.Errorf("MCP Tray is not running and could not be started: %v", serr)
	}
	wait := o.Wait
	if wait <= 0 {
		wait = 10 * time.Second
	}
	deadline := time.Now().Add(wait)
	for delay := 20 * time.Millisecond; ; delay = min(delay*2, 250*time.Millisecond) {
		conn, r, err = connect()
		if !errors.Is(err, control.ErrNotRunning) {
			return conn, r, err
		}
		if time.Now().After(deadline) {
			return nil, nil, fmt.Errorf("MCP Tray did not start within %s; open it from your applications menu and try again", wait)
		}
		select {
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		case <-time.After(delay):
		}
	}
}

// waitExit waits for the daemon's last line after a passed-stdio relay.
func waitExit(r *bufio.Reader) error {
	line, err := r.ReadBytes('\n')
	if err != nil {
		return ErrDaemonGone
	}
	var ex control.Exit
	if json.Unmarshal(line, &ex) != nil || ex.Code != 0 {
		if ex.Message != "" {
			return errors.New(ex.Message)
		}
		return ErrDaemonGone
	}
	return nil
}

// refuse answers the client's first request with err as a JSON-RPC error, so the person sees
// the reason in their AI app instead of a silent failure.
func refuse(o BridgeOptions, err error) {
	fmt.Fprintf(o.Stderr, "mcptray: %v\n", err)
	wait := o.AnswerWait
	if wait <= 0 {
		wait = 30 * time.Second
	}
	lines := make(chan []byte)
	go func() {
		lr := newLineReader(bufio.NewReader(o.Stdin), DefaultMaxMessage)
		for {
			line, _, err := lr.next()
			if err != nil {
				close(lines)
				return
			}
			lines <- append([]byte(nil), line...)
		}
	}()
	timeout := time.After(wait)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				return
			}
			if k, env, _ := classify(line); k == kindRequest {
				o.Stdout.Write(errorResponse(env.ID, codeUnavailable, prose.Sentence(err)))
				return
			}
		case <-timeout:
			return
		}
	}
}
