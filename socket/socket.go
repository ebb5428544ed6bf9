// Package socket is MCP Tray's local IPC endpoint: a Unix socket in an owner-only folder with
// a peer user-id check, or a named pipe with a user-only ACL on Windows. Both the control API
// and the `mcptray connect` bridge use it.
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

// Listen opens the endpoint at path for the current user only. A stale socket left by a
// crashed daemon is replaced; a live one gives ErrAlreadyRunning. Connections from other users
// are closed at Accept and reported through onRefused (which may be nil).
func Listen(path string, onRefused func(error)) (net.Listener, error) {
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

// Dial connects to the endpoint at path. It returns ErrNotRunning when nobody listens.
func Dial(ctx context.Context, path string) (net.Conn, error) {
	c, err := dial(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", ErrNotRunning, err)
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
