package daemon

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/authority"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/gateway"
)

// connect hands a bridge connection a process of the server (the warm spare when one is
// ready, or the shared process) and relays between them until either side ends. Once the
// connection is accepted, the faces are told an AI app connected (the tray prepares its window
// process ahead of a prompt).
func (d *Daemon) connect(ctx context.Context, h control.Hello, files []*os.File) (func(net.Conn, *bufio.Reader), error) {
	run, err := d.session(ctx, h, files)
	if err != nil {
		return nil, err
	}
	return func(conn net.Conn, r *bufio.Reader) {
		if conn != nil {
			d.notes.Publish(api.Note{Kind: api.NoteAppConnected, Message: h.Server})
		}
		run(conn, r)
	}, nil
}

// session is connect's work for one connection: the function that relays it (conn nil when
// the connection was not accepted after all, to release what was taken for it).
func (d *Daemon) session(ctx context.Context, h control.Hello, files []*os.File) (func(net.Conn, *bufio.Reader), error) {
	if h.Server == "" {
		return nil, &control.Error{Code: control.CodeBadRequest, Message: "mcptray connect needs the name of a server."}
	}
	if hub := d.shared.hub(h.Server); hub != nil && d.mode(h.Server) == config.ModeShared {
		return d.connectShared(ctx, hub, h, files), nil
	}
	p, err := d.sup.Take(ctx, h.Server)
	if err != nil {
		return nil, serverError(err)
	}
	sess := &gateway.Session{ID: newSessionID(), Server: h.Server, Client: h.Client, App: authority.BridgeApp(ctx)}
	logs := d.sup.Logs(h.Server)
	return func(conn net.Conn, r *bufio.Reader) {
		defer closeAll(files)
		if conn == nil {
			p.Stop()
			return
		}
		ctx, end := d.live.begin(ctx, sess.ID)
		defer end()
		if logs != nil {
			logs.Note("a client connected (session %s, pid %d)", sess.ID, p.Pid())
		}
		opts := gateway.Options{Gate: d.guard, Hooks: gateway.Hooks{
			Tools:   d.tools.record,
			Traffic: d.traffic.Record,
			Result:  d.sandboxResults(h.Server),
			Panic:   d.relayPanicked,
			Note: func(s *gateway.Session, msg string) {
				if logs != nil {
					logs.Note("%s", msg)
				}
			},
		}}
		d.eraOptions(h.Server, &opts) // a server's era is known after its first bridged session
		up := gateway.Upstream{Stdin: p.Stdin(), Stdout: p.Stdout(), Stop: p.Stop}
		if len(files) == 2 {
			// The bridge passed the client's pipes: relay them directly, and end when the
			// bridge goes away (its socket closes) even if the client keeps its pipes open.
			rctx, cancel := context.WithCancel(ctx)
			go func() {
				r.WriteTo(io.Discard)
				cancel()
			}()
			// The client's input is read raw (gateway.RawIO), like the relay's other pipes: an
			// ordinary read after an idle moment wakes the runtime's monitor thread (sysmon),
			// a futex wake-up and one more thread on the CPUs the client and the server want
			// (docs/relay-performance.md).
			err := gateway.Relay(rctx, sess, files[1], bufio.NewReaderSize(gateway.RawIO(files[0]), 64<<10), up, opts)
			cancel()
			exit := control.Exit{}
			switch {
			case ctx.Err() != nil:
				exit = control.Exit{Code: 1, Message: "MCP Tray stopped, so the connection to the server ended."}
			case errors.Is(err, gateway.ErrPanicked):
				exit = control.Exit{Code: 1, Message: "MCP Tray hit an internal error in this connection and ended it; nothing else was affected. The details are in MCP Tray's log."}
			case errors.Is(err, gateway.ErrServerGone):
				exit = control.Exit{Code: 1, Message: fmt.Sprintf("The server %q stopped; its log may say why (mcptray logs %s).", h.Server, h.Server)}
			}
			b, _ := json.Marshal(exit)
			conn.Write(append(b, '\n'))
		} else {
			gateway.Relay(ctx, sess, conn, r, up, opts)
		}
		if logs != nil {
			logs.Note("%s disconnected (session %s)", clientName(sess.ClientName()), sess.ID)
		}
	}, nil
}

func closeAll(files []*os.File) {
	for _, f := range files {
		f.Close()
	}
}

func clientName(c string) string {
	if c == "" {
		return "an AI client"
	}
	return c
}

func newSessionID() string {
	var b [6]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// toolRegistry records the tools each server presents, for the GUI, policy and pinning. It is
// safe for concurrent use.
type toolRegistry struct {
	mu    sync.Mutex
	tools map[string]map[string]api.ToolInfo
}

func newToolRegistry() *toolRegistry {
	return &toolRegistry{tools: map[string]map[string]api.ToolInfo{}}
}

func (t *toolRegistry) record(s *gateway.Session, raws []json.RawMessage, _ string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	m := t.tools[s.Server]
	if m == nil {
		m = map[string]api.ToolInfo{}
		t.tools[s.Server] = m
	}
	for _, raw := range raws {
		var ti api.ToolInfo
		if json.Unmarshal(raw, &ti) == nil && ti.Name != "" {
			m[ti.Name] = ti
		}
	}
}

func (t *toolRegistry) list(server string) []api.ToolInfo {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]api.ToolInfo, 0, len(t.tools[server]))
	for _, ti := range t.tools[server] {
		out = append(out, ti)
	}
	slices.SortFunc(out, func(a, b api.ToolInfo) int { return strings.Compare(a.Name, b.Name) })
	return out
}
