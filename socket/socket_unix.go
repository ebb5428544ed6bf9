//go:build !windows

package socket

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"syscall"
)

func listen(path string) (net.Listener, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating the socket folder %s: %w", dir, err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, fmt.Errorf("making the socket folder %s private: %w", dir, err)
	}
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		return nil, fmt.Errorf("removing the stale socket %s: %w", path, err)
	}
	// The umask makes the socket 0600 from birth: no instant where another user could connect.
	old := syscall.Umask(0o177)
	l, err := net.Listen("unix", path)
	syscall.Umask(old)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		l.Close()
		return nil, err
	}
	l.(*net.UnixListener).SetUnlinkOnClose(true)
	return l, nil
}

func dial(ctx context.Context, path string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, "unix", path)
}

// checkPeer refuses a connection whose peer is another user.
func checkPeer(c net.Conn) error {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return fmt.Errorf("unexpected connection type %T", c)
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return err
	}
	uid := -1
	var credErr error
	raw.Control(func(fd uintptr) { uid, credErr = peerUID(int(fd)) })
	if credErr != nil {
		return fmt.Errorf("reading the peer's user id: %w", credErr)
	}
	return allowUID(uid, os.Getuid())
}

// allowUID is the peer check itself: only the daemon's own user may connect.
func allowUID(peer, self int) error {
	if peer != self {
		return &PeerError{UID: peer, Want: self}
	}
	return nil
}
