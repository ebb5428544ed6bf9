package remote

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
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
	srv := brokenStream(t)
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

// brokenStream starts a server that refuses streamable HTTP (405 to a POST) and breaks the
// HTTP+SSE event stream before it starts; it is closed when the test ends.
func brokenStream(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		c, _, _ := w.(http.Hijacker).Hijack()
		c.Close()
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestServerTextIsBounded: what a server says and MCP Tray quotes — a 403's scope, the
// HTTP+SSE endpoint, a redirect's host, the sign-in metadata's resource and issuer — is
// quoted in a few hundred bytes, in the notes (the server's log), the AI app's answer, the
// status (MoreScope) and the sign-in's error (red team: a megabyte of scope, endpoint or
// issuer went whole into each; the log kept 1,000 such lines in memory).
func TestServerTextIsBounded(t *testing.T) {
	big := strings.Repeat("admin:everything ", 60000) // about 1 MB
	const most = 2 << 10
	short := func(what, s string) {
		t.Helper()
		if len(s) > most {
			t.Errorf("%s is %d bytes: %.120q…", what, len(s), s)
		}
	}
	var other *httptest.Server
	other = httptest.NewServer(http.NotFoundHandler())
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		switch {
		case r.URL.Path == "/scope":
			w.Header().Set("WWW-Authenticate", `Bearer error="insufficient_scope", scope="`+big+`"`)
			w.WriteHeader(http.StatusForbidden)
		case r.URL.Path == "/away":
			w.Header().Set("Location", "http://"+strings.Repeat("a", 1<<20)+".example/mcp")
			w.WriteHeader(http.StatusTemporaryRedirect)
		case r.URL.Path == "/sse" && r.Method == http.MethodPost:
			w.WriteHeader(http.StatusNotFound)
		case r.URL.Path == "/sse":
			w.Header().Set("Content-Type", "text/event-stream")
			io.WriteString(w, "event: endpoint\ndata: "+other.URL+"/"+strings.Repeat("A", 1<<20)+"\n\n")
		default:
			t.Errorf("unexpected %s %s %s", r.Method, r.URL, body)
		}
	}))
	defer srv.Close()
	for _, path := range []string{"/scope", "/away", "/sse"} {
		var n notes
		var scope string
		in, sc, wait := relay(t, Options{URL: srv.URL + path, Note: n.note, MoreScope: func(s string) { scope = s }})
		sc.Buffer(nil, 16<<20)
		io.WriteString(in, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`+"\n")
		answer := next(t, sc)
		in.Close()
		err := wait()
		short(path+": the answer", answer)
		short(path+": the scope for the status", scope)
		for _, l := range n.lines {
			short(path+": a note", l)
		}
		if err != nil {
			short(path+": Run's error", err.Error())
		}
	}

	// The sign-in: a resource that is not the server, an issuer that calls itself otherwise.
	var as *httptest.Server
	as = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"issuer":"`+as.URL+strings.Repeat("/x", 400<<10)+`","code_challenge_methods_supported":["S256"]}`)
	}))
	defer as.Close()
	for name, prm := range map[string]string{
		"resource": `{"resource":"https://elsewhere.example/` + strings.Repeat("r", 900<<10) + `","authorization_servers":["` + as.URL + `"]}`,
		"issuer":   `{"authorization_servers":["` + as.URL + `"]}`,
	} {
		mcp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/.well-known/oauth-protected-resource") {
				io.WriteString(w, prm)
				return
			}
			w.WriteHeader(http.StatusUnauthorized)
		}))
		_, err := SignIn(context.Background(), SignInOptions{URL: mcp.URL + "/mcp", Open: func(string) error { return nil }, Wait: time.Second})
		mcp.Close()
		if err == nil {
			t.Fatalf("%s: signed in", name)
		}
		short(name+": the sign-in's error", err.Error())
	}
}

// TestFailedConnectionAnswersWhatComesNext: once the connection cannot go on (the server
// refused streamable HTTP, then broke the HTTP+SSE stream), the next request is answered
// with why, not dropped: the relay answers the AI app's initialize only after its own
// handshake in the other era is answered (red team: the AI app's initialize was never
// answered).
func TestFailedConnectionAnswersWhatComesNext(t *testing.T) {
	srv := brokenStream(t)
	in, sc, wait := relay(t, Options{URL: srv.URL + "/mcp"})
	io.WriteString(in, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`+"\n")
	next(t, sc)
	io.WriteString(in, `{"jsonrpc":"2.0","id":"mcptray-era-1","method":"server/discover","params":{}}`+"\n")
	if got := next(t, sc); !strings.Contains(got, `"id":"mcptray-era-1","error"`) || !strings.Contains(got, "could not reach") {
		t.Fatalf("the request after the failure: %s", got)
	}
	if err := wait(); err == nil {
		t.Fatal("Run reported no failure")
	}
}

// TestClosedEventStreamAnswersWaitingCalls: an HTTP+SSE server that takes a call (202) and
// closes its event stream before the answer leaves no call waiting: each is answered with
// an error at once (red team: the AI app waited until it sent something else).
func TestClosedEventStreamAnswersWaitingCalls(t *testing.T) {
	closeStream := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodGet:
			w.Header().Set("Content-Type", "text/event-stream")
			io.WriteString(w, "event: endpoint\ndata: /messages\n\n")
			w.(http.Flusher).Flush()
			<-closeStream
		case r.URL.Path == "/messages":
			body, _ := io.ReadAll(r.Body)
			w.WriteHeader(http.StatusAccepted)
			if strings.Contains(string(body), `"tools/call"`) {
				close(closeStream) // took the call; the answer never comes
			}
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	defer srv.Close()
	in, sc, _ := relay(t, Options{URL: srv.URL + "/sse", Transport: SSE})
	io.WriteString(in, `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"slow"}}`+"\n")
	got := make(chan string, 1)
	go func() {
		if sc.Scan() {
			got <- sc.Text()
		}
		close(got)
	}()
	select {
	case line := <-got:
		if !strings.Contains(line, `"id":7,"error"`) || !strings.Contains(line, "closed the connection") {
			t.Fatalf("the waiting call: %s", line)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the call is still waiting after the server closed its event stream")
	}
}

// TestTokenEndpointCannotSendTokensElsewhere: a sign-in service whose token endpoint
// redirects (307, which resends the form) to another site gets no refresh token, code or
// verifier there: the token requests follow redirects only within the token endpoint's
// own origin (red team; it held).
func TestTokenEndpointCannotSendTokensElsewhere(t *testing.T) {
	var mu sync.Mutex
	var leaked []string
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		leaked = append(leaked, string(body))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"access_token":"stolen","token_type":"Bearer"}`)
	}))
	defer elsewhere.Close()
	as := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.URL+"/token", http.StatusTemporaryRedirect)
	}))
	defer as.Close()
	l := &Login{Issuer: as.URL, Resource: "http://127.0.0.1/mcp", ClientID: "c", TokenEndpoint: as.URL + "/token",
		AccessToken: "a1", RefreshToken: "refresh-SECRET", Expiry: time.Now().Add(-time.Second)}
	src := TokenSource(l, "http://127.0.0.1/mcp", false, nil)
	if tok, err := src(context.Background()); err == nil || tok == "stolen" {
		t.Fatalf("the refresh through a redirect: %q, %v", tok, err)
	} else if strings.Contains(err.Error(), "refresh-SECRET") {
		t.Fatalf("the refresh's error names the refresh token: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(leaked) > 0 {
		t.Fatalf("the other site got %q", leaked)
	}
}

// TestUnsendableEventIDIsNotResumedFrom: an answer stream whose last event id cannot be sent
// back (a control character, or megabytes) is resumed from the id before it, the one MCP
// Tray can send, instead of failing every resumption with an unsendable Last-Event-ID
// (red team: the call was answered with an error after five failed tries, or MCP Tray sent
// a megabyte header).
func TestUnsendableEventIDIsNotResumedFrom(t *testing.T) {
	for name, bad := range map[string]string{"control character": "e\x01bad", "huge": strings.Repeat("e", 1<<20)} {
		var mu sync.Mutex
		var asked []string
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.Method {
			case http.MethodDelete:
				return
			case http.MethodGet:
				last := r.Header.Get("Last-Event-ID")
				mu.Lock()
				asked = append(asked, cut(last))
				mu.Unlock()
				if last != "e1" {
					w.WriteHeader(http.StatusMethodNotAllowed)
					return
				}
				w.Header().Set("Content-Type", "text/event-stream")
				io.WriteString(w, "id: e3\ndata: {\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"done\"}]}}\n\n")
				return
			}
			body, _ := io.ReadAll(r.Body)
			if !strings.Contains(string(body), `"tools/call"`) {
				w.WriteHeader(http.StatusAccepted)
				return
			}
			w.Header().Set("Content-Type", "text/event-stream")
			io.WriteString(w, "retry: 10\nid: e1\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{}}\n\n")
			io.WriteString(w, "id: "+bad+"\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{}}\n\n")
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler)
		}))
		in, sc, _ := relay(t, Options{URL: srv.URL + "/mcp", Transport: Streamable})
		io.WriteString(in, `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"slow"}}`+"\n")
		next(t, sc)
		next(t, sc)
		if got := next(t, sc); !strings.Contains(got, `"text":"done"`) {
			mu.Lock()
			t.Errorf("%s: the call got %s; resumptions asked from %q", name, got, asked)
			mu.Unlock()
		}
		in.Close()
		srv.Close()
	}
}

// TestRegisteredClientIDIsBounded: a sign-in service that registers MCP Tray with a client id
// of a megabyte, or with a line break and escape sequences in it, is refused before anything
// is kept: the client id goes into config.json and onto screens (red team).
func TestRegisteredClientIDIsBounded(t *testing.T) {
	for name, id := range map[string]string{"huge": strings.Repeat("c", 512<<10), "escapes": "client\n\x1b[2Jowned"} {
		srv := authService(t, authOptions{register: func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusCreated)
			b, _ := json.Marshal(map[string]string{"client_id": id})
			w.Write(b)
		}})
		l, err := SignIn(context.Background(), SignInOptions{URL: srv.URL + "/mcp", ClientMetadataURL: ClientMetadataOff, Open: follow, Wait: 10 * time.Second})
		srv.Close()
		if err == nil {
			t.Errorf("%s: signed in with the client id %.40q", name, l.ClientID)
		}
	}
}

// TestMixUpIsRefused: a hostile server's sign-in service names an honest service's
// authorization page as its own (the mix-up attack, RFC 9700 §4.4). The person signs in
// there — to MCP Tray, as far as the honest page says: the client id is MCP Tray's metadata
// document, the same at every service — and the honest service, which does not send iss,
// redirects back with a code for the person's account. That code and the PKCE verifier must
// not reach the hostile token endpoint, which could redeem them at the honest service (red
// team: they did, and the sign-in succeeded).
func TestMixUpIsRefused(t *testing.T) {
	var mu sync.Mutex
	var stolen []string
	honest := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/authorize" {
			http.NotFound(w, r)
			return
		}
		redirectBack("honest-code", "")(w, r) // the person signs in and allows "MCP Tray"
	}))
	defer honest.Close()
	hostile := authService(t, authOptions{
		metadata: func(m map[string]any) {
			m["authorization_endpoint"] = honest.URL + "/authorize"
			m["client_id_metadata_document_supported"] = true
		},
		token: func(w http.ResponseWriter, r *http.Request) {
			r.ParseForm()
			mu.Lock()
			stolen = append(stolen, r.Form.Get("code")+" "+r.Form.Get("code_verifier"))
			mu.Unlock()
			issueToken(w, r)
		},
	})
	took := func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), stolen...)
	}
	_, err := SignIn(context.Background(), SignInOptions{URL: hostile.URL + "/mcp", Open: follow, Wait: 10 * time.Second})
	if err == nil || len(took()) > 0 {
		t.Fatalf("sign-in: %v; the hostile token endpoint got %q", err, took())
	}

	// A client id the person gave is theirs to vouch for: it still signs in without iss.
	if _, err := SignIn(context.Background(), SignInOptions{URL: hostile.URL + "/mcp", ClientID: "mine", Open: follow, Wait: 10 * time.Second}); err != nil {
		t.Fatalf("with the person's client id: %v", err)
	}
}
