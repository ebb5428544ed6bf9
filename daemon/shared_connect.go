package daemon

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"

	"github.com/mcptray/mcptray/authority"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/gateway"
)

// mode returns the named server's mode in the configuration in effect ("" when unknown).
func (d *Daemon) mode(server string) config.Mode {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cfg == nil || d.cfg.Servers[server] == nil {
		return ""
	}
	return d.cfg.Servers[server].EffectiveMode()
}

// connectShared joins a bridge connection to the server's shared process: the client gets
// its own session (its own policy grants) on the one process every client uses.
func (d *Daemon) connectShared(ctx context.Context, hub *gateway.Hub, h control.Hello, files []*os.File) func(net.Conn, *bufio.Reader) {
	sess := &gateway.Session{ID: newSessionID(), Server: h.Server, Client: h.Client, App: authority.BridgeApp(ctx)}
	logs := d.sup.Logs(h.Server)
	return func(conn net.Conn, r *bufio.Reader) {
		defer closeAll(files)
		if conn == nil {
			return
		}
		if logs != nil {
			logs.Note("a client joined the shared process (session %s)", sess.ID)
		}
		if len(files) == 2 {
			// As in session mode: relay the client's pipes directly, and end when the bridge
			// goes away even if the client keeps its pipes open.
			rctx, cancel := context.WithCancel(ctx)
			go func() {
				r.WriteTo(io.Discard)
				cancel()
			}()
			err := hub.Join(rctx, sess, files[1], bufio.NewReaderSize(files[0], 64<<10))
			cancel()
			exit := control.Exit{}
			switch {
			case ctx.Err() != nil:
				exit = control.Exit{Code: 1, Message: "MCP Tray stopped, so the connection to the server ended."}
			case errors.Is(err, gateway.ErrHubClosed):
				exit = control.Exit{Code: 1, Message: fmt.Sprintf("The server %q was changed (removed, turned off or no longer shared); your AI app can connect again.", h.Server)}
			}
			b, _ := json.Marshal(exit)
			conn.Write(append(b, '\n'))
		} else {
			hub.Join(ctx, sess, conn, r)
		}
		if logs != nil {
			logs.Note("%s left the shared process (session %s)", clientName(sess.ClientName()), sess.ID)
		}
	}
}
