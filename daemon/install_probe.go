package daemon

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/gateway"
	"github.com/mcptray/mcptray/remote"
)

// probe connects to a server the way an AI client does, through the relay (so policy, tool
// pinning and tool recording apply), initializes it, lists its tools (every page) and hangs
// up. It blocks until the list arrives, the server stops, or ctx ends; the process it used
// is stopped before it returns. A remote server that refused it for want of a sign-in gives
// an error that wraps remote.ErrNeedsSignIn (the server's status then says so too).
func (d *Daemon) probe(ctx context.Context, server string) ([]api.ToolInfo, error) {
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
	opts := gateway.Options{Gate: d.guard, Hooks: gateway.Hooks{Tools: d.tools.record, Traffic: d.traffic.Record, Panic: d.relayPanicked}}
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
	tools, err := gateway.ListTools(clientOut, bufio.NewReaderSize(clientIn, 64<<10))
	clientOut.Close() // the client hangs up; the relay stops the process
	clientIn.Close()
	relayErr := <-relayed
	if err != nil {
		switch {
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case d.needsSignIn(server):
			return nil, fmt.Errorf("the server at %s %w", remote.Host(d.serverURL(server)), remote.ErrNeedsSignIn)
		case errors.Is(relayErr, gateway.ErrPanicked):
			return nil, errors.New("MCP Tray hit an internal error while checking the server's tools; the details are in MCP Tray's log")
		case errors.Is(relayErr, gateway.ErrServerGone) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrClosedPipe):
			return nil, fmt.Errorf("the server stopped before it listed its tools")
		}
		return nil, err
	}
	out := make([]api.ToolInfo, 0, len(tools))
	for _, raw := range tools {
		var ti api.ToolInfo
		if json.Unmarshal(raw, &ti) == nil && ti.Name != "" {
			out = append(out, ti)
		}
	}
	return out, nil
}

// needsSignIn reports whether the remote server name waits for the person to sign in (its
// connector said so when the server refused it).
func (d *Daemon) needsSignIn(name string) bool {
	for _, st := range d.sup.Status() {
		if st.Name == name {
			return st.NeedsSignIn
		}
	}
	return false
}

// serverURL is the address of the remote server name as MCP Tray runs it; "" for any other.
func (d *Daemon) serverURL(name string) string {
	if s := d.serverEntry(name); s != nil {
		return s.URL
	}
	return ""
}
