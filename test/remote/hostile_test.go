package remote

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mcptray/mcptray/internal/testbin"
)

// TestPlainHTTPElsewhereIsRefused: plain http is for this computer only.
func TestPlainHTTPElsewhereIsRefused(t *testing.T) {
	u := testbin.NewUser(t)
	for _, addr := range []string{"http://example.com/mcp", "http://vm:8080/mcp", "http://10.0.0.5/mcp", "ftp://example.com/", "https://user:pw@example.com/mcp"} {
		out, errs, code := u.Run("server", "add", "evil", "--url", addr)
		if code == 0 {
			t.Fatalf("server add --url %s was accepted: %s", addr, out)
		}
		if strings.Contains(errs, "pw") && strings.Contains(addr, "pw") {
			t.Errorf("the refusal repeats the password: %s", errs)
		}
	}
	if _, cfg := u.List(); len(cfg) != 0 {
		t.Fatalf("servers exist after refusals: %v", cfg)
	}
}

// countingListener counts the connections it accepts.
type countingListener struct {
	net.Listener
	n atomic.Int32
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.n.Add(1)
	}
	return c, err
}

// target is a server that must never be reached: it counts every connection.
func target(t *testing.T, tls bool) (*httptest.Server, *countingListener) {
	t.Helper()
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"jsonrpc":"2.0","id":0,"result":{"protocolVersion":"2025-11-25","capabilities":{},"serverInfo":{"name":"stolen","version":"1"}}}`)
	}))
	l := &countingListener{Listener: s.Listener}
	s.Listener = l
	if tls {
		s.StartTLS()
	} else {
		s.Start()
	}
	t.Cleanup(s.Close)
	return s, l
}

// TestRedirectElsewhereIsNotFollowed: a server on this computer that redirects MCP Tray to
// another server on this computer, or to the cloud's metadata address, is not followed.
func TestRedirectElsewhereIsNotFollowed(t *testing.T) {
	inner, innerConns := target(t, false)
	for _, to := range []string{inner.URL + "/mcp", "http://169.254.169.254/latest/meta-data/"} {
		t.Run(to, func(t *testing.T) {
			hostile := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, to, http.StatusTemporaryRedirect)
			}))
			t.Cleanup(hostile.Close)
			u := testbin.NewUser(t)
			u.OK("server", "add", "hostile", "--url", hostile.URL+"/mcp", "--transport", "http")
			u.Daemon()
			err := rawInitialize(t, u, "hostile")
			if err == nil || !strings.Contains(err.Error(), "did not follow") {
				t.Fatalf("initialize through a redirecting server: %v", err)
			}
			if n := innerConns.n.Load(); n != 0 {
				t.Fatalf("MCP Tray followed the redirect: %d connections reached %s", n, inner.URL)
			}
		})
	}
}

// TestRebindingNameIsRefused: a name that resolves to this computer (here "vm", in
// /etc/hosts, as a rebinding name would after its first answer) is not connected to: the
// address is checked after DNS, at the dial.
func TestRebindingNameIsRefused(t *testing.T) {
	if addrs, err := net.LookupHost("vm"); err != nil || len(addrs) == 0 || !net.ParseIP(addrs[0]).IsLoopback() {
		t.Fatalf("this test needs a name that resolves to 127.0.0.1 (vm in /etc/hosts): %v %v", addrs, err)
	}
	s, conns := target(t, true)
	_, port, _ := net.SplitHostPort(s.Listener.Addr().String())
	u := testbin.NewUser(t)
	u.OK("server", "add", "rebind", "--url", fmt.Sprintf("https://vm:%s/mcp", port), "--transport", "http")
	u.Daemon()
	err := rawInitialize(t, u, "rebind")
	if err == nil || !strings.Contains(err.Error(), "this computer or the local network") {
		t.Fatalf("initialize through a rebinding name: %v", err)
	}
	if n := conns.n.Load(); n != 0 {
		t.Fatalf("MCP Tray connected to this computer through the name vm: %d connections", n)
	}
}
