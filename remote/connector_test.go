package remote

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// relay runs a connector to url and returns its input and a reader of its lines.
// The returned function waits for Run to return and gives its error.
func relay(t *testing.T, opts Options) (io.WriteCloser, *bufio.Scanner, func() error) {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	finished := make(chan struct{})
	var runErr error
	go func() {
		defer close(finished)
		runErr = Run(context.Background(), opts, inR, outW)
		outW.Close()
	}()
	wait := func() error { <-finished; return runErr }
	t.Cleanup(func() { inW.Close(); outR.Close(); wait() })
	return inW, bufio.NewScanner(outR), wait
}

func next(t *testing.T, sc *bufio.Scanner) string {
	t.Helper()
	if !sc.Scan() {
		t.Fatalf("the connector wrote nothing more: %v", sc.Err())
	}
	return sc.Text()
}

// TestConnectorKeepsBytes: what a server sends reaches the relay as it was sent (ids of any
// form, unknown members), one message per line even when the server pretty-prints or
// batches; session ids and the negotiated version go back on later requests; the session
// is ended with DELETE.
func TestConnectorKeepsBytes(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Method+" "+r.Header.Get("Mcp-Session-Id")+" "+r.Header.Get("MCP-Protocol-Version"))
		mu.Unlock()
		switch r.Method {
		case http.MethodGet:
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		case http.MethodDelete:
			return
		}
		body, _ := io.ReadAll(r.Body)
		var m struct {
			ID     json.RawMessage
			Method string
		}
		json.Unmarshal(body, &m)
		switch m.Method {
		case "initialize":
			w.Header().Set("Mcp-Session-Id", "s-1")
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, "{\n  \"jsonrpc\": \"2.0\",\n  \"id\": %s,\n  \"result\": {\"protocolVersion\": \"2025-06-18\", \"x-odd\": [1,2]}\n}", m.ID)
		case "notifications/initialized":
			w.WriteHeader(http.StatusAccepted)
		case "tools/list":
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprintf(w, "event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{}}\n\n")
			fmt.Fprintf(w, "data: [{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":{\"tools\":[]},\"unknown\":true}]\n\n", m.ID)
		}
	}))
	defer srv.Close()
	in, out, done := relay(t, Options{URL: srv.URL + "/mcp", Transport: Streamable})
	io.WriteString(in, `{"jsonrpc":"2.0","id":1.50,"method":"initialize","params":{}}`+"\n")
	if got := next(t, out); got != `{"jsonrpc":"2.0","id":1.50,"result":{"protocolVersion":"2025-06-18","x-odd":[1,2]}}` {
		t.Fatalf("initialize answer: %s", got)
	}
	io.WriteString(in, `{"jsonrpc":"2.0","method":"notifications/initialized"}`+"\n")
	io.WriteString(in, `{"jsonrpc":"2.0","id":"\u0041","method":"tools/list"}`+"\n")
	if got := next(t, out); !strings.Contains(got, "notifications/progress") {
		t.Fatalf("progress: %s", got)
	}
	if got := next(t, out); got != `{"jsonrpc":"2.0","id":"\u0041","result":{"tools":[]},"unknown":true}` {
		t.Fatalf("tools/list answer: %s", got)
	}
	in.Close()
	if err := done(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if last := seen[len(seen)-1]; last != "DELETE s-1 2025-06-18" {
		t.Fatalf("requests: %q", seen)
	}
}

// TestConnectorAnswersRefusals: a request the server refuses (401, 500, a broken stream) is
// answered at once with an error under the request's own id, so the AI app never waits.
func TestConnectorAnswersRefusals(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		body, _ := io.ReadAll(r.Body)
		switch {
		case strings.Contains(string(body), `"a"`):
			w.Header().Set("WWW-Authenticate", `Bearer resource_metadata="x"`)
			w.WriteHeader(http.StatusUnauthorized)
		case strings.Contains(string(body), `"b"`):
			w.WriteHeader(http.StatusInternalServerError)
		default:
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, "hello")
		}
	}))
	defer srv.Close()
	in, out, _ := relay(t, Options{URL: srv.URL, Transport: Streamable})
	for _, c := range []struct{ id, want string }{{`"a"`, "sign in"}, {`"b"`, "HTTP 500"}, {`{"odd":1}`, "not MCP"}} {
		io.WriteString(in, `{"jsonrpc":"2.0","id":`+c.id+`,"method":"tools/call"}`+"\n")
		got := next(t, out)
		if !strings.HasPrefix(got, `{"jsonrpc":"2.0","id":`+c.id+`,"error":`) || !strings.Contains(got, c.want) {
			t.Errorf("answer to %s: %s", c.id, got)
		}
	}
}

// TestTokenSourceRefreshes: a token about to expire is refreshed before it is used, the new
// login is saved, and a refused refresh means signing in again.
func TestTokenSourceRefreshes(t *testing.T) {
	refusing := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		if refusing || r.Form.Get("grant_type") != "refresh_token" || r.Form.Get("refresh_token") != "r1" || r.Form.Get("resource") != "http://127.0.0.1/mcp" {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error":"invalid_grant"}`)
			return
		}
		io.WriteString(w, `{"access_token":"a2","token_type":"Bearer","expires_in":3600,"refresh_token":"r2"}`)
	}))
	defer srv.Close()
	l := &Login{Issuer: srv.URL, Resource: "http://127.0.0.1/mcp", ClientID: "c", TokenEndpoint: srv.URL + "/token",
		AccessToken: "a1", RefreshToken: "r1", Expiry: time.Now().Add(10 * time.Second)}
	var saved *Login
	src := TokenSource(l, "http://127.0.0.1/mcp", false, func(_ context.Context, l *Login) error { saved = l; return nil })
	tok, err := src(context.Background())
	if err != nil || tok != "a2" || saved == nil || saved.RefreshToken != "r2" {
		t.Fatalf("refresh: %q %v %+v", tok, err, saved)
	}
	refusing = true
	l.Expiry = time.Now().Add(-time.Second)
	src = TokenSource(l, "http://127.0.0.1/mcp", false, nil)
	if _, err := src(context.Background()); err == nil || !errorsIsSignIn(err) {
		t.Fatalf("a refused refresh: %v", err)
	}
}

func errorsIsSignIn(err error) bool { return errors.Is(err, ErrNeedsSignIn) }

// TestModernRequestNamesItsVersion: a 2026-07-28 request (no session, its version in _meta)
// carries that version in the MCP-Protocol-Version header.
func TestModernRequestNamesItsVersion(t *testing.T) {
	got := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get("MCP-Protocol-Version") + " " + r.Header.Get("Mcp-Session-Id")
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"jsonrpc":"2.0","id":1,"result":{}}`)
	}))
	defer srv.Close()
	in, out, _ := relay(t, Options{URL: srv.URL})
	io.WriteString(in, `{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}`+"\n")
	if line := next(t, out); line != `{"jsonrpc":"2.0","id":1,"result":{}}` {
		t.Fatalf("answer: %s", line)
	}
	if h := <-got; h != "2026-07-28 " {
		t.Fatalf("headers: %q", h)
	}
}
