package socket

import (
	"context"
	"fmt"
	"net"
	"os/user"

	"github.com/Microsoft/go-winio"
	"golang.org/x/sys/windows"
)

// listen opens a named pipe whose ACL grants access to the current user and SYSTEM only.
func listen(path string) (net.Listener, error) {
	u, err := user.Current()
	if err != nil {
		return nil, err
	}
	sddl := fmt.Sprintf("D:P(A;;GA;;;%s)(A;;GA;;;SY)", u.Uid)
	return winio.ListenPipe(path, &winio.PipeConfig{SecurityDescriptor: sddl})
}

func dial(ctx context.Context, path string) (net.Conn, error) {
	return winio.DialPipeContext(ctx, path)
}

// prepareDir has nothing to do: named pipes live in no folder.
func prepareDir(string) error { return nil }

// checkPath has nothing to check for a named pipe.
func checkPath(string) error { return nil }

// checkListener refuses a pipe whose serving process runs as another user: a pipe name is
// first come, first served, and another user's program could have taken it.
func checkListener(path string, c net.Conn) error {
	f, ok := c.(interface{ Fd() uintptr })
	if !ok {
		return fmt.Errorf("unexpected connection type %T", c)
	}
	var pid uint32
	if err := windows.GetNamedPipeServerProcessId(windows.Handle(f.Fd()), &pid); err != nil {
		return fmt.Errorf("MCP Tray could not check who serves %s: %w", path, err)
	}
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, pid)
	if err != nil {
		return &UntrustedError{Path: path, Reason: "is served by a program MCP Tray may not inspect"}
	}
	defer windows.CloseHandle(h)
	var tok windows.Token
	if err := windows.OpenProcessToken(h, windows.TOKEN_QUERY, &tok); err != nil {
		return &UntrustedError{Path: path, Reason: "is served by a program MCP Tray may not inspect"}
	}
	defer tok.Close()
	them, err := tok.GetTokenUser()
	if err != nil {
		return fmt.Errorf("MCP Tray could not check who serves %s: %w", path, err)
	}
	us, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return fmt.Errorf("MCP Tray could not check who serves %s: %w", path, err)
	}
	if !them.User.Sid.Equals(us.User.Sid) {
		return &UntrustedError{Path: path, Reason: "is served by a program of another user (" + them.User.Sid.String() + ")"}
	}
	return nil
}

// peer reads the client's process id of a pipe the daemon accepted; the user is not read (the
// pipe's ACL admits only the current user and SYSTEM), so UID is 0.
func peer(c net.Conn) (Cred, error) {
	f, ok := c.(interface{ Fd() uintptr })
	if !ok {
		return Cred{UID: -1}, fmt.Errorf("unexpected connection type %T", c)
	}
	var pid uint32
	if err := windows.GetNamedPipeClientProcessId(windows.Handle(f.Fd()), &pid); err != nil {
		return Cred{UID: -1}, err
	}
	return Cred{Pid: int(pid)}, nil
}

// checkPeer relies on the pipe's ACL, which Windows enforces before a connection exists.
func checkPeer(net.Conn) error { return nil }
