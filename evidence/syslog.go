package evidence

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"strings"
	"time"
)

// syslogPriority is facility 13 (log audit) at severity 6 (informational): 13*8+6.
const syslogPriority = 110

// syslogEnterprise is the private enterprise number in the structured data's id; 32473 is the
// number IANA reserves for examples and documentation (RFC 5612).
const syslogEnterprise = "mcptray@32473"

// SyslogMessage formats one audit line as an RFC 5424 message, without framing:
//
//	<110>1 2026-12-05T00:40:00.123Z host mcptray 4242 audit [mcptray@32473 seq="12" hash="…"] {…}
//
// The message is the line exactly as written; hash is its SHA-256, which the next record
// carries as "prev".
func SyslogMessage(now time.Time, host string, pid int, seq uint64, hash string, line []byte) []byte {
	b := fmt.Appendf(nil, "<%d>1 %s %s mcptray %d audit [%s seq=\"%d\" hash=\"%s\"] ",
		syslogPriority, now.UTC().Format("2006-01-02T15:04:05.000000Z"), syslogHost(host), pid, syslogEnterprise, seq, sdEscape(hash))
	return append(b, line...)
}

// syslogHost is host as RFC 5424 takes it: printable ASCII without spaces, at most 255, "-"
// for none.
func syslogHost(host string) string {
	host = strings.Map(func(r rune) rune {
		if r <= ' ' || r > '~' {
			return -1
		}
		return r
	}, host)
	if host == "" {
		return "-"
	}
	return host[:min(len(host), 255)]
}

// sdEscape escapes a structured-data parameter value.
func sdEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, `]`, `\]`).Replace(s)
}

// syslogConn is one connection to a receiver.
type syslogConn struct {
	addr    string
	useTLS  bool
	conn    net.Conn
	host    string
	pid     int
	retryAt time.Time      // after a failed connection, none is tried before then
	roots   *x509.CertPool // the certificates a TLS receiver is checked against; nil: the system's
}

// syslogRetry is how long a receiver that could not be reached is left alone: the lines
// meanwhile are dropped from forwarding (never from the audit file), not queued behind a
// connection timeout each.
const syslogRetry = 10 * time.Second

func newSyslogConn(addr string, useTLS bool) *syslogConn {
	host, _ := os.Hostname()
	return &syslogConn{addr: addr, useTLS: useTLS, host: host, pid: os.Getpid()}
}

const syslogTimeout = 5 * time.Second

// send writes one framed message, connecting first when there is no connection; after an
// error the connection is dropped, to be made again for the next message.
func (c *syslogConn) send(seq uint64, hash string, line []byte) error {
	if c.conn == nil {
		if time.Now().Before(c.retryAt) {
			return fmt.Errorf("the syslog receiver %s could not be reached a moment ago", c.addr)
		}
		d := &net.Dialer{Timeout: syslogTimeout}
		var err error
		if c.useTLS {
			host, _, _ := net.SplitHostPort(c.addr)
			c.conn, err = tls.DialWithDialer(d, "tcp", c.addr, &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12, RootCAs: c.roots})
		} else {
			c.conn, err = d.Dial("tcp", c.addr)
		}
		if err != nil {
			c.conn = nil
			c.retryAt = time.Now().Add(syslogRetry)
			return fmt.Errorf("connecting to the syslog receiver %s: %w", c.addr, err)
		}
	}
	msg := SyslogMessage(time.Now(), c.host, c.pid, seq, hash, line)
	framed := append(fmt.Appendf(nil, "%d ", len(msg)), msg...)
	c.conn.SetWriteDeadline(time.Now().Add(syslogTimeout))
	if _, err := c.conn.Write(framed); err != nil {
		c.close()
		return fmt.Errorf("sending to the syslog receiver %s: %w", c.addr, err)
	}
	return nil
}

func (c *syslogConn) close() {
	if c.conn != nil {
		c.conn.Close()
		c.conn = nil
	}
}
