package remote

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/internal/testbin"
	"github.com/mcptray/mcptray/keychain"
	"github.com/mcptray/mcptray/remote"
)

// signInServer is an MCP server and its sign-in service in one, written for the tests that
// the SDK's demo cannot serve: short-lived tokens that must be refreshed, revocation, and a
// sign-in answer from the wrong issuer.
type signInServer struct {
	*httptest.Server
	mu        sync.Mutex
	valid     map[string]bool // access tokens accepted now
	refreshes int
	wrongIss  bool
	// Incremental consent: the scope /mcp needs (none when empty), the scope each token
	// was granted, and the scope asked at each authorization.
	needScope string
	granted   map[string]string
	asked     []string
	// docs, when set, makes the service take client ID metadata documents, fetched with it;
	// clientIDs are the client ids /authorize was given, registered counts registrations.
	docs       *http.Client
	clientIDs  []string
	registered int
}

func newSignInServer(t *testing.T) *signInServer {
	s := &signInServer{valid: map[string]bool{}, granted: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/oauth-protected-resource/mcp", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"resource": s.URL + "/mcp", "authorization_servers": []string{s.URL},
			"scopes_supported": []string{"read"}})
	})
	mux.HandleFunc("/.well-known/oauth-authorization-server", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"issuer": s.URL, "authorization_endpoint": s.URL + "/authorize",
			"token_endpoint": s.URL + "/token", "registration_endpoint": s.URL + "/register",
			"code_challenge_methods_supported": []string{"S256"}, "authorization_response_iss_parameter_supported": true,
			"client_id_metadata_document_supported": s.docs != nil})
	})
	mux.HandleFunc("/register", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.registered++
		s.mu.Unlock()
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"client_id":"mcptray-client"}`)
	})
	mux.HandleFunc("/authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		iss := s.URL
		if s.wrongIss {
			iss = "https://evil.example"
		}
		if q.Get("code_challenge_method") != "S256" || q.Get("resource") != s.URL+"/mcp" {
			http.Error(w, "bad request", 400)
			return
		}
		s.mu.Lock()
		s.asked = append(s.asked, q.Get("scope"))
		s.clientIDs = append(s.clientIDs, q.Get("client_id"))
		s.mu.Unlock()
		if s.docs != nil && strings.HasPrefix(q.Get("client_id"), "https://") {
			if why := checkClientDocument(s.docs, q.Get("client_id"), q.Get("redirect_uri")); why != "" {
				http.Error(w, why, http.StatusBadRequest)
				return
			}
		}
		back, _ := url.Parse(q.Get("redirect_uri"))
		back.RawQuery = url.Values{"code": {"code-1"}, "state": {q.Get("state")}, "iss": {iss}}.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	})
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		s.mu.Lock()
		defer s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Form.Get("grant_type") == "authorization_code" && r.Form.Get("code") == "code-1" && r.Form.Get("code_verifier") != "":
			s.valid["access-1"] = true
			s.granted["access-1"] = s.asked[len(s.asked)-1]
			// Expires within the minute MCP Tray refreshes ahead: the first use refreshes.
			io.WriteString(w, `{"access_token":"access-1","token_type":"Bearer","expires_in":30,"refresh_token":"refresh-1"}`)
		case r.Form.Get("grant_type") == "refresh_token" && r.Form.Get("refresh_token") == "refresh-1" && s.valid["access-1"]:
			s.refreshes++
			delete(s.valid, "access-1")
			s.valid["access-2"] = true
			s.granted["access-2"] = s.granted["access-1"]
			io.WriteString(w, `{"access_token":"access-2","token_type":"Bearer","expires_in":3600,"refresh_token":"refresh-2"}`)
		default:
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error":"invalid_grant"}`)
		}
	})
	mux.HandleFunc("/mcp", func(w http.ResponseWriter, r *http.Request) {
		tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		s.mu.Lock()
		ok := s.valid[tok]
		lacks := s.needScope != "" && !slices.Contains(strings.Fields(s.granted[tok]), s.needScope)
		need := s.needScope
		s.mu.Unlock()
		if !ok {
			w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer resource_metadata="%s/.well-known/oauth-protected-resource/mcp"`, s.URL))
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if lacks {
			w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer error="insufficient_scope", scope="%s", resource_metadata="%s/.well-known/oauth-protected-resource/mcp"`, need, s.URL))
			w.WriteHeader(http.StatusForbidden)
			return
		}
		if r.Method != http.MethodPost {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		var m struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
		}
		json.NewDecoder(r.Body).Decode(&m)
		if m.ID == nil {
			w.WriteHeader(http.StatusAccepted)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		result := `{}`
		switch m.Method {
		case "initialize":
			result = `{"protocolVersion":"2025-11-25","capabilities":{"tools":{}},"serverInfo":{"name":"own","version":"1"}}`
		case "tools/list":
			result = `{"tools":[{"name":"hello","inputSchema":{"type":"object"},"annotations":{"readOnlyHint":true}}]}`
		}
		fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%s,"result":%s}`, m.ID, result)
	})
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

// ownUser is a person whose browser signs in to s at once, with s added to MCP Tray as the
// server "own" (server add's further arguments args).
func ownUser(t *testing.T, s *signInServer, args ...string) *testbin.User {
	t.Helper()
	u := testbin.NewUser(t)
	u.Env = append(u.Env, "BROWSER="+browser(t))
	u.OK(append([]string{"server", "add", "own", "--url", s.URL + "/mcp"}, args...)...)
	return u
}

// count reads f under the server's lock.
func (s *signInServer) count(f func() int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return f()
}

func (s *signInServer) revokeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.valid)
}

// TestLoginRefreshAndRevoke: a token about to expire is refreshed before it is used (and the
// refreshed login kept in the keychain: a restarted MCP Tray uses it without refreshing
// again); a revoked login makes the server "needs sign-in" with a sentence for the AI app,
// never a crash loop.
func TestLoginRefreshAndRevoke(t *testing.T) {
	s := newSignInServer(t)
	u := ownUser(t, s, "--transport", "http")
	// The page opened is named by its own host (the sign-in service's), not the MCP server's.
	if out := u.OK("server", "login", "own"); !strings.Contains(out, "Opening the sign-in page of own at "+strings.TrimPrefix(s.URL, "http://")+" ") {
		t.Errorf("server login said %q", out)
	}
	u.Daemon()
	c := bridge(t, u, "own")
	if names := toolNames(t, c); len(names) != 1 || names[0] != "hello" {
		t.Fatalf("tools: %v", names)
	}
	if n := s.count(func() int { return s.refreshes }); n != 1 {
		t.Fatalf("%d refreshes, want 1 (the token was about to expire)", n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	l, err := remote.LoadLogin(ctx, keychain.System(keychain.Options{}), s.URL, remote.ResourceOf(s.URL+"/mcp"))
	if err != nil || l.AccessToken != "access-2" || l.RefreshToken != "refresh-2" {
		t.Fatalf("the refreshed login in the keychain: %+v, %v", l, err)
	}
	t.Cleanup(func() {
		testbin.AssertNoSecrets(t, []string{"access-1", "access-2", "refresh-1", "refresh-2"}, u.Dir, u.Home)
	})

	s.revokeAll()
	if err := rawInitialize(t, u, "own"); err == nil || !strings.Contains(err.Error(), "sign in") {
		t.Fatalf("with a revoked login, initialize: %v", err)
	}
	st := signInState(t, u, "own")
	if !st.NeedsSignIn {
		t.Fatalf("with a revoked login, the server's state: %+v", st)
	}
	if state := u.State("own"); state.State != "running" || state.Restarts != 0 {
		t.Fatalf("a revoked login restarted the server: %+v", state)
	}
}

// TestRemoveForgetsTheSignIn: removing a remote server deletes its login from the keychain:
// no token outlives the server it was for.
func TestRemoveForgetsTheSignIn(t *testing.T) {
	s := newSignInServer(t)
	u := ownUser(t, s)
	u.OK("server", "login", "own")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	keys := keychain.System(keychain.Options{})
	if _, err := remote.LoadLogin(ctx, keys, s.URL, remote.ResourceOf(s.URL+"/mcp")); err != nil {
		t.Fatalf("the login after signing in: %v", err)
	}
	if out := u.OK("server", "remove", "own"); !strings.Contains(out, "sign-in") {
		t.Errorf("server remove does not say the sign-in went: %s", out)
	}
	if _, err := remote.LoadLogin(ctx, keys, s.URL, remote.ResourceOf(s.URL+"/mcp")); !errors.Is(err, remote.ErrNoLogin) {
		t.Fatalf("the login after removing the server: %v", err)
	}
}

// TestLoginFromAnotherIssuerIsRefused: a sign-in answer whose iss is not the server's
// sign-in service (a mix-up attack) is not taken, and nothing is kept.
func TestLoginFromAnotherIssuerIsRefused(t *testing.T) {
	s := newSignInServer(t)
	s.wrongIss = true
	u := ownUser(t, s)
	out, errs, code := u.Run("server", "login", "own")
	if code == 0 || !strings.Contains(errs, "another sign-in service") {
		t.Fatalf("server login with the wrong iss: exit %d\n%s%s", code, out, errs)
	}
	if n := s.count(func() int { return len(s.valid) }); n != 0 {
		t.Fatal("a token was issued")
	}
}

// TestSignInThroughTheDaemon: the window's "Sign in…" (servers.signin) signs in from the
// running MCP Tray, which opens the browser itself; the next connection uses the login.
func TestSignInThroughTheDaemon(t *testing.T) {
	s := newSignInServer(t)
	u := ownUser(t, s, "--transport", "http")
	u.Daemon()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := &control.Client{Path: config.Home(u.Home).SocketPath()}
	if _, err := api.Call(ctx, c, api.ServersSignIn, api.SignInParams{Name: "own"}); err != nil {
		t.Fatalf("servers.signin: %v", err)
	}
	if names := toolNames(t, bridge(t, u, "own")); len(names) != 1 {
		t.Fatalf("tools after signing in: %v", names)
	}
	_, err := api.Call(ctx, c, api.ServersSignIn, api.SignInParams{Name: "nothing"})
	if !errors.Is(err, api.ErrNotFound) {
		t.Fatalf("servers.signin of no server: %v", err)
	}
}

// TestSharedNeedsSignInDoesNotLoop: in shared mode too, a server that wants a sign-in tells
// the AI app so, and MCP Tray does not restart it over and over; once the person signs in,
// the shared connection is made again with the login.
func TestSharedNeedsSignInDoesNotLoop(t *testing.T) {
	s := newSignInServer(t)
	u := ownUser(t, s, "--transport", "http", "--mode", "shared")
	u.Daemon()
	for range 3 {
		if err := rawInitialize(t, u, "own"); err == nil || !strings.Contains(err.Error(), "sign in") {
			t.Fatalf("initialize without a sign-in: %v", err)
		}
	}
	if st := u.State("own"); st.State != "running" || st.Restarts != 0 {
		logs, _, _ := u.Run("logs", "own")
		t.Fatalf("the server's state: %+v\n%s", st, logs)
	}
	u.OK("server", "login", "own")
	u.Eventually("the shared connection uses the sign-in", func() bool { return rawInitialize(t, u, "own") == nil })
	if names := toolNames(t, bridge(t, u, "own")); len(names) != 1 {
		t.Fatalf("tools after signing in: %v", names)
	}
}

// TestMoreScopeAsksAgain: incremental consent. A server that answers 403 insufficient_scope
// for a signed-in person's token puts the server in "needs more permission", naming the
// scope, and the AI app is told so; `mcptray server login` then asks the sign-in service for
// the scope already granted and the one lacking together, and the server works again.
func TestMoreScopeAsksAgain(t *testing.T) {
	s := newSignInServer(t)
	u := ownUser(t, s, "--transport", "http")
	u.OK("server", "login", "own")
	u.Daemon()
	if names := toolNames(t, bridge(t, u, "own")); len(names) != 1 {
		t.Fatalf("tools: %v", names)
	}
	s.mu.Lock()
	s.needScope = "write"
	s.mu.Unlock()
	err := rawInitialize(t, u, "own")
	if err == nil || !strings.Contains(err.Error(), "needs more permission (write)") {
		t.Fatalf("initialize with too little permission: %v", err)
	}
	st := signInState(t, u, "own")
	if !st.NeedsSignIn || !strings.Contains(st.Error, "needs more permission (write)") || !strings.Contains(st.Error, "mcptray server login own") {
		t.Fatalf("the server's state with too little permission: %+v", st)
	}
	u.OK("server", "login", "own")
	asked := s.count(func() int { return len(s.asked) })
	s.mu.Lock()
	last := strings.Fields(s.asked[asked-1])
	s.mu.Unlock()
	if asked != 2 || !slices.Contains(last, "read") || !slices.Contains(last, "write") {
		t.Fatalf("signing in again asked for %q (%d sign-ins), want read and write", last, asked)
	}
	u.Eventually("the server works with the wider sign-in", func() bool { return rawInitialize(t, u, "own") == nil })
	if st := signInState(t, u, "own"); st.NeedsSignIn || st.Error != "" {
		t.Fatalf("the server's state after signing in again: %+v", st)
	}
}
