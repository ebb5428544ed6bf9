package supervisor

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// TestRemoteServerIsAUnitWithoutProcess: a remote server runs no program: it is Running
// without a pid, a client takes a connector whose pipes speak to the server, header secrets
// come from Options.Secrets, and Stop ends the server's session (DELETE) and returns once the
// connector is gone.
func TestRemoteServerIsAUnitWithoutProcess(t *testing.T) {
	var mu sync.Mutex
	var methods []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		methods = append(methods, r.Method)
		mu.Unlock()
		if r.Header.Get("X-Key") != "k-123" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		switch r.Method {
		case http.MethodPost:
			w.Header().Set("Mcp-Session-Id", "s")
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-11-25"}}`)
		case http.MethodGet:
			w.WriteHeader(http.StatusMethodNotAllowed)
		}
	}))
	defer srv.Close()
	secrets := func(_ context.Context, server string, keys []string) (map[string]string, error) {
		return map[string]string{"KEY": "k-123"}, nil
	}
	s := newSup(t, Options{Secrets: secrets})
	s.Apply([]Spec{{Name: "r", Secrets: []string{"KEY"},
		Remote: RemoteSpec{URL: srv.URL + "/mcp", Transport: "http", Header: map[string]string{"X-Key": "${secret:KEY}"}}}})
	st := waitStatus(t, s, "r", "running", func(st Status) bool { return st.State == Running })
	if st.Pid != 0 {
		t.Fatalf("a remote server has a pid: %+v", st)
	}
	if want := strings.TrimPrefix(srv.URL, "http://"); st.Remote != want {
		t.Fatalf("the status says it runs at %q, want %q", st.Remote, want)
	}
	p, err := s.Take(context.Background(), "r")
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(p.Stdin(), `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`+"\n")
	line, err := bufio.NewReader(p.Stdout()).ReadString('\n')
	if err != nil || !strings.Contains(line, `"protocolVersion":"2025-11-25"`) {
		t.Fatalf("answer: %q, %v", line, err)
	}
	if err := p.Stop(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.Done():
	default:
		t.Fatal("Stop returned before the connector ended")
	}
	mu.Lock()
	defer mu.Unlock()
	if methods[len(methods)-1] != http.MethodDelete {
		t.Fatalf("requests %v: the session was not ended", methods)
	}
}

// TestUnsafeRemoteAddressFails: an address MCP Tray will not reach fails with a sentence and
// is not retried.
func TestUnsafeRemoteAddressFails(t *testing.T) {
	s := newSup(t, Options{})
	s.Apply([]Spec{{Name: "r", Remote: RemoteSpec{URL: "http://example.com/mcp"}}})
	st := waitStatus(t, s, "r", "failed", func(st Status) bool { return st.State == Failed })
	if !strings.Contains(st.Error, "plain http") || st.Restarts != 0 {
		t.Fatalf("status: %+v", st)
	}
}
