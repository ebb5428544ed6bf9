// Package evidencetest is a syslog receiver on 127.0.0.1 for tests of audit forwarding.
package evidencetest

import (
	"bufio"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
)

// Syslog listens on 127.0.0.1 for octet-counted RFC 5424 messages over TCP (RFC 6587) until
// the end of t. It returns the address and the messages received, in order per connection; a
// frame that is not octet-counted arrives as "bad frame: …" and ends its connection.
func Syslog(t testing.TB) (addr string, msgs <-chan string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	ch := make(chan string, 100)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go read(c, ch)
		}
	}()
	return l.Addr().String(), ch
}

// read sends the octet-counted messages c carries to ch until c ends, then closes c.
func read(c net.Conn, ch chan<- string) {
	defer c.Close()
	r := bufio.NewReader(c)
	for {
		n, err := r.ReadString(' ')
		if err != nil {
			return
		}
		size, err := strconv.Atoi(strings.TrimSpace(n))
		if err != nil {
			ch <- "bad frame: " + n
			return
		}
		buf := make([]byte, size)
		if _, err := io.ReadFull(r, buf); err != nil {
			return
		}
		ch <- string(buf)
	}
}
