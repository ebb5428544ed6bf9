package control

import (
	"context"
	"encoding/json"
	"net"

	"github.com/mcptray/mcptray/internal/proc"
	"github.com/mcptray/mcptray/socket"
)

// Peer is the process at the other end of a connection, as the operating system reports it
// (never as the client describes itself).
type Peer struct {
	Pid int // 0 when the system does not say
	UID int
	// Start is when the process Pid started, read as the connection was taken (proc.ID's
	// Start); 0 when it could not be read. A program can hand its connection to a child and
	// exit, and its pid then be given to another process: Start tells them apart.
	Start uint64
}

type peerKey struct{}

// PeerFrom returns the peer of the connection a handler serves; ok is false when the server
// could not read it (handlers that decide on it must then refuse).
func PeerFrom(ctx context.Context) (p Peer, ok bool) {
	p, ok = ctx.Value(peerKey{}).(Peer)
	return p, ok
}

// WithPeer returns ctx carrying p, as the server gives it to handlers (for tests of handlers).
func WithPeer(ctx context.Context, p Peer) context.Context {
	return context.WithValue(ctx, peerKey{}, p)
}

// GuardFunc decides, before any handler runs, whether the connection's peer may make the
// request: a returned error is sent instead of running the handler. op is OpCall, OpStream or
// OpConnect; for OpConnect method is "connect" and params is nil.
type GuardFunc func(ctx context.Context, op, method string, params json.RawMessage) error

// withConnPeer returns ctx carrying conn's peer, or ctx unchanged when it cannot be read.
func withConnPeer(ctx context.Context, conn net.Conn) context.Context {
	cred, err := socket.Peer(conn)
	if err != nil {
		return ctx
	}
	p := Peer{Pid: cred.Pid, UID: cred.UID}
	if id, err := proc.Identify(cred.Pid); err == nil {
		p.Start = id.Start
	}
	return WithPeer(ctx, p)
}
