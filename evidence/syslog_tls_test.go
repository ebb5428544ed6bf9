package evidence

import (
	"bufio"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"
)

// selfSigned makes a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, priv)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: priv}, pool
}

// Over TLS the message arrives framed as over TCP; a receiver whose certificate is not trusted
// gets nothing.
func TestSyslogTLS(t *testing.T) {
	cert, pool := selfSigned(t)
	l, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	got := make(chan string, 1)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				if line, err := bufio.NewReader(c).ReadString('}'); err == nil {
					got <- line
				}
			}()
		}
	}()
	untrusted := newSyslogConn(l.Addr().String(), true)
	if err := untrusted.send(1, "h", []byte(`{"seq":1}`)); err == nil {
		t.Fatal("sent to a receiver whose certificate is not trusted")
	}
	c := newSyslogConn(l.Addr().String(), true)
	c.roots = pool
	if err := c.send(1, "abc", []byte(`{"seq":1}`)); err != nil {
		t.Fatal(err)
	}
	defer c.close()
	select {
	case m := <-got:
		if !strings.Contains(m, `audit [mcptray@32473 seq="1" hash="abc"] {"seq":1}`) {
			t.Fatalf("received %q", m)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("nothing received over TLS")
	}
}
