//go:build !windows

package socket

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"syscall"
)

// prepareDir creates the socket's folder owner-only, or checks that an existing one is the
// user's own folder (not a link) and makes it private.
func prepareDir(path string) error {
	dir := filepath.Dir(path)
	fi, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("creating the socket folder %s: %w", dir, err)
		}
		fi, err = os.Lstat(dir)
	}
	if err != nil {
		return fmt.Errorf("checking the socket folder %s: %w", dir, err)
	}
	if err := ownFolder(dir, fi); err != nil {
		return err
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("making the socket folder %s private: %w", dir, err)
	}
	return nil
}

// ownFolder refuses dir (described by fi, from Lstat) unless it is a folder of the current
// user's own, not a link.
func ownFolder(dir string, fi fs.FileInfo) error {
	if reason := foreign(fi); reason != "" {
		return &UntrustedError{Path: dir, Reason: reason}
	}
	if !fi.IsDir() {
		return &UntrustedError{Path: dir, Reason: "is not a folder"}
	}
	return nil
}

// foreign says why fi is not something of the current user's own, or "".
func foreign(fi fs.FileInfo) string {
	if fi.Mode()&fs.ModeSymlink != 0 {
		return "is a symbolic link"
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Getuid() {
		return fmt.Sprintf("belongs to user id %d", st.Uid)
	}
	return ""
}

// checkPath refuses a socket reached through a link, or in a folder that is not the user's own
// and private. A missing folder or socket is an error wrapping fs.ErrNotExist (nobody runs).
func checkPath(path string) error {
	sock, err := os.Lstat(path)
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if err := ownFolder(dir, fi); err != nil {
		return err
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return &UntrustedError{Path: dir, Reason: fmt.Sprintf("is open to other users (mode %04o)", perm)}
	}
	if reason := foreign(sock); reason != "" {
		return &UntrustedError{Path: path, Reason: reason}
	}
	return nil
}

// checkListener refuses a connection whose listening process runs as another user.
func checkListener(path string, c net.Conn) error {
	cred, err := peer(c)
	if err != nil {
		return fmt.Errorf("MCP Tray could not check who listens on %s: %w", path, err)
	}
	if cred.UID != os.Getuid() {
		return &UntrustedError{Path: path, Reason: fmt.Sprintf("is served by a program of user id %d", cred.UID)}
	}
	return nil
}

func listen(path string) (net.Listener, error) {
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

func peer(c net.Conn) (Cred, error) {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return Cred{UID: -1}, fmt.Errorf("unexpected connection type %T", c)
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return Cred{UID: -1}, err
	}
	cred, credErr := Cred{UID: -1}, errors.New("the connection is closed")
	if err := raw.Control(func(fd uintptr) { cred, credErr = peerCred(int(fd)) }); err != nil {
		return Cred{UID: -1}, err
	}
	return cred, credErr
}

// checkPeer refuses a connection whose peer is another user.
func checkPeer(c net.Conn) error {
	cred, err := peer(c)
	if err != nil {
		return fmt.Errorf("reading the peer's user id: %w", err)
	}
	return allowUID(cred.UID, os.Getuid())
}

// allowUID is the peer check itself: only the daemon's own user may connect.
func allowUID(peer, self int) error {
	if peer != self {
		return &PeerError{UID: peer, Want: self}
	}
	return nil
}
