package control

import (
	"bufio"
	"net"
	"os"
)

// readHello reads the first line of a connection; named pipes carry no file descriptors.
func readHello(conn net.Conn) ([]byte, []*os.File, *bufio.Reader, error) {
	r := bufio.NewReaderSize(conn, 64<<10)
	line, err := r.ReadSlice('\n')
	return line, nil, r, err
}
