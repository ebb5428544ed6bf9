package control

import (
	"bufio"
	"context"
	"errors"
	"net"
	"os"
)

// ConnectPassing is not available on Windows; the bridge copies bytes instead.
func (c *Client) ConnectPassing(context.Context, string, string, *os.File, *os.File) (net.Conn, *bufio.Reader, error) {
	return nil, nil, errors.New("passing stdio is not supported on Windows")
}
