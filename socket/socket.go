// Package socket is MCP Tray's local IPC endpoint: a Unix socket in an owner-only folder with
// a peer user-id check, or a named pipe with a user-only ACL on Windows. Both the control API
// and the `mcptray connect` bridge use it.
//
// It is verified from both ends. The daemon refuses connections from other users, and refuses
// to listen in a folder that is not its user's own. A client refuses a socket whose folder is
// not its user's own and private, that is reached through a symbolic link, or whose listening
// process runs as another user: another user who created the folder first must not receive
// the bridge's traffic or answer the CLI.
package socket

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"
)

// ErrAlreadyRunning is returned by Listen when another daemon answers on the socket.
var ErrAlreadyRunning = errors.New("MCP Tray is already running for this home")

// ErrNotRunning is returned by Dial when no daemon listens.
var ErrNotRunning = errors.New("MCP Tray is not running")

// PeerError is a connection refused because it came from another user.
type PeerError struct{ UID, Want int }

func (e *PeerError) Error() string {
	return fmt.Sprintf("refused a connection from user id %d; only user id %d may use MCP Tray's socket", e.UID, e.Want)
}

// Cred is who is at the other end of a connection.
type Cred struct {
	UID int
	Pid int // 0 when the system does not say
}

// Peer returns the other end's credentials: for a connection from Accept, the client process;
// for one from Dial, the daemon (as of when it started listening).
func Peer(c net.Conn) (Cred, error) { return peer(c) }

// UntrustedError is a socket, or its folder, that may belong to someone else: MCP Tray neither
// listens nor connects there.
type UntrustedError struct {
	Path   string
	Reason string // completes "it …", such as "belongs to user id 65534"
}

func (e *UntrustedError) Error() string {
	return fmt.Sprintf("MCP Tray will not use %s because it %s, so another user could stand in for MCP Tray (remove it, or set XDG_RUNTIME_DIR to a folder of your own)", e.Path, e.Reason)
}

// Listen opens the endpoint at path for the current user only. A stale socket left by a
// crashed daemon is replaced; a live one gives ErrAlreadyRunning. Connections from other users
// are closed at Accept and reported through onRefused (which may be nil).
//
// The socket's folder is created owner-only; an existing one must belong to the current user
// and not be a symbolic link, or Listen returns an *UntrustedError (it never changes the mode of
// a folder that is not the user's own).
func Listen(path string, onRefused func(error)) (net.Listener, error) {
	if err := prepareDir(path); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if c, err := Dial(ctx, path); err == nil {
		c.Close()
		return nil, ErrAlreadyRunning
	}
	l, err := listen(path)
	if err != nil {
		return nil, err
	}
	return &checkedListener{Listener: l, onRefused: onRefused}, nil
}

// Dial connects to the endpoint at path. It returns ErrNotRunning when nobody listens, and an
// *UntrustedError, without sending anything, when the socket or its folder may not be the
// current user's own or the process listening runs as another user.
func Dial(ctx context.Context, path string) (net.Conn, error) {
	if err := checkPath(path); err != nil {
		var ue *UntrustedError
		if errors.As(err, &ue) {
			return nil, err
		}
		return nil, fmt.Errorf("%w (%v)", ErrNotRunning, err)
	}
	c, err := dial(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", ErrNotRunning, err)
	}
	if err := checkListener(path, c); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

type checkedListener struct {
	net.Listener
	onRefused func(error)
}

// Accept returns the next connection from the current user, closing any from another user.
func (l *checkedListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if err := checkPeer(c); err != nil {
			c.Close()
			if l.onRefused != nil {
				l.onRefused(err)
			}
			continue
		}
		return c, nil
	}
}
