//go:build !windows

package control

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"

	"golang.org/x/sys/unix"
)

// ConnectPassing is Connect for a bridge that hands its own stdin and stdout to the daemon
// (SCM_RIGHTS), so the daemon reads and writes the AI client's pipes directly and no byte is
// copied through the bridge. After it returns, the connection carries only the daemon's final
// Exit line.
func (c *Client) ConnectPassing(ctx context.Context, server, client string, stdin, stdout *os.File) (net.Conn, *bufio.Reader, error) {
	conn, err := dialUnix(ctx, c.Path)
	if err != nil {
		return nil, nil, err
	}
	b, _ := json.Marshal(Hello{Op: OpConnect, Server: server, Client: client, PassFDs: true})
	rights := unix.UnixRights(int(stdin.Fd()), int(stdout.Fd()))
	if _, _, err := conn.WriteMsgUnix(append(b, '\n'), rights, nil); err != nil {
		conn.Close()
		return nil, nil, fmt.Errorf("talking to MCP Tray: %w", err)
	}
	r := bufio.NewReader(conn)
	if err := awaitOK(conn, r); err != nil {
		return nil, nil, err
	}
	return conn, r, nil
}

// dialUnix dials the daemon as open does, with the socket verified before anything (here the
// client's own pipes) is sent.
func dialUnix(ctx context.Context, path string) (*net.UnixConn, error) {
	c, err := dialVerified(ctx, path)
	if err != nil {
		return nil, err
	}
	uc, ok := c.(*net.UnixConn)
	if !ok {
		c.Close()
		return nil, fmt.Errorf("unexpected connection type %T", c)
	}
	return uc, nil
}

// readHello reads the first line of a connection, collecting any file descriptors sent with
// it. Bytes after the line stay in the returned reader.
func readHello(conn net.Conn) (line []byte, files []*os.File, r *bufio.Reader, err error) {
	uc, ok := conn.(*net.UnixConn)
	if !ok {
		r = bufio.NewReaderSize(conn, 64<<10)
		line, err = r.ReadSlice('\n')
		return line, nil, r, err
	}
	buf := make([]byte, 64<<10)
	oob := make([]byte, unix.CmsgSpace(4*8))
	var got []byte
	for {
		n, oobn, _, _, err := uc.ReadMsgUnix(buf, oob)
		if oobn > 0 {
			files = append(files, parseRights(oob[:oobn])...)
		}
		if n > 0 { // n is -1 when the read failed
			got = append(got, buf[:n]...)
		}
		if i := indexNewline(got); i >= 0 {
			rest := got[i+1:]
			r = bufio.NewReaderSize(io2(rest, conn), 64<<10)
			return got[:i+1], files, r, nil
		}
		if err != nil || n == 0 || len(got) > MaxLine {
			closeFiles(files)
			if err == nil {
				err = fmt.Errorf("no request line")
			}
			return nil, nil, nil, err
		}
	}
}

func parseRights(oob []byte) []*os.File {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return nil
	}
	var files []*os.File
	for _, m := range msgs {
		fds, err := unix.ParseUnixRights(&m)
		if err != nil {
			continue
		}
		for _, fd := range fds {
			unix.CloseOnExec(fd)
			// Non-blocking, so the runtime's poller serves it instead of a blocked thread.
			unix.SetNonblock(fd, true)
			files = append(files, os.NewFile(uintptr(fd), "client-stdio"))
		}
	}
	return files
}
