package remote

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// Tests that play a hostile or broken remote server (red team).

// notes collects a connector's notes for the server's log.
type notes struct {
	mu    sync.Mutex
	lines []string
}

func (n *notes) note(format string, args ...any) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.lines = append(n.lines, fmtLine(format, args...))
}

func (n *notes) all() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return strings.Join(n.lines, "\n")
}

// holdsSecret reports whether s holds secret as it is or as an address writes it.
func holdsSecret(s, secret string) bool {
	return strings.Contains(s, secret) || strings.Contains(s, url.QueryEscape(secret))
}

// TestConnectionErrorNamesNoSecret: a server that refuses streamable HTTP and then breaks
// the HTTP+SSE stream makes the connection fail; why it failed (Run's error, which the
// supervisor puts in the server's status and log) and the notes name neither the address's
// query values nor anything else the person keeps secret (red team: Run returned net/http's
// `Get "https://…/mcp?key=THE-KEY": EOF`).
func TestConnectionErrorNamesNoSecret(t *testing.T) {
	const secret = "q-SECRET+/=value654321"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		c, _, _ := w.(http.Hijacker).Hijack()
		c.Close() // the event stream breaks before it starts
	}))
	defer srv.Close()
	var n notes
	in, sc, wait := relay(t, Options{URL: srv.URL + "/mcp", Query: map[string]string{"key": secret}, Note: n.note})
	io.WriteString(in, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`+"\n")
	if got := next(t, sc); !strings.Contains(got, `"error"`) || holdsSecret(got, secret) {
		t.Fatalf("the answer to initialize: %s", got)
	}
	io.WriteString(in, `{"jsonrpc":"2.0","method":"notifications/initialized"}`+"\n")
	in.Close()
	err := wait()
	if err == nil {
		t.Fatal("Run reported no failure")
	}
	if holdsSecret(err.Error(), secret) {
		t.Errorf("Run's error holds the secret: %v", err)
	}
	if holdsSecret(n.all(), secret) {
		t.Errorf("the notes hold the secret:\n%s", n.all())
	}
}

func fmtLine(format string, args ...any) string { return fmt.Sprintf(format, args...) }
