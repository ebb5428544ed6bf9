package remote

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// authOptions say where a test's sign-in service departs from an honest, minimal one;
// the zero value is that honest one.
type authOptions struct {
	// challenge makes /mcp's 401 name the resource metadata's address (WWW-Authenticate
	// resource_metadata); without it MCP Tray must look at the well-known address.
	challenge bool
	// metadata, when set, edits the authorization server metadata before each answer: what
	// the service offers, or lies about.
	metadata func(m map[string]any)
	// register is the registration endpoint; nil: the service has none and does not say so.
	register http.HandlerFunc
	// authorize is the authorization page; nil: redirectBack("c", "").
	authorize http.HandlerFunc
	// token is the token endpoint; nil: issueToken.
	token http.HandlerFunc
}

// authService starts an MCP server at /mcp that wants a sign-in and is its own sign-in
// service: its protected resource metadata (RFC 9728) names itself, its authorization
// server metadata (RFC 8414) names its own endpoints, unless o says otherwise. Any other
// path is not found. The server is closed when the test ends (closing it sooner is fine).
func authService(t *testing.T, o authOptions) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	mux := http.NewServeMux()
	mux.HandleFunc("/mcp", func(w http.ResponseWriter, r *http.Request) {
		if o.challenge {
			w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer resource_metadata="%s/.well-known/oauth-protected-resource/mcp"`, srv.URL))
		}
		w.WriteHeader(http.StatusUnauthorized)
	})
	mux.HandleFunc("/.well-known/oauth-protected-resource/mcp", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"resource": srv.URL + "/mcp", "authorization_servers": []string{srv.URL}})
	})
	mux.HandleFunc("/.well-known/oauth-authorization-server", func(w http.ResponseWriter, r *http.Request) {
		m := map[string]any{"issuer": srv.URL, "authorization_endpoint": srv.URL + "/authorize",
			"token_endpoint": srv.URL + "/token", "code_challenge_methods_supported": []string{"S256"}}
		if o.register != nil {
			m["registration_endpoint"] = srv.URL + "/register"
		}
		if o.metadata != nil {
			o.metadata(m)
		}
		json.NewEncoder(w).Encode(m)
	})
	if o.register != nil {
		mux.HandleFunc("/register", o.register)
	}
	if o.authorize == nil {
		o.authorize = redirectBack("c", "")
	}
	mux.HandleFunc("/authorize", o.authorize)
	if o.token == nil {
		o.token = issueToken
	}
	mux.HandleFunc("/token", o.token)
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// redirectBack is an authorization page at which the person has signed in and allowed MCP
// Tray: it sends the browser back to redirect_uri with code and the request's state, and
// with iss when iss is not "".
func redirectBack(code, iss string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		back, _ := url.Parse(q.Get("redirect_uri"))
		v := url.Values{"code": {code}, "state": {q.Get("state")}}
		if iss != "" {
			v.Set("iss", iss)
		}
		back.RawQuery = v.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	}
}

// issueToken is a token endpoint that grants whatever it is asked.
func issueToken(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, `{"access_token":"a","token_type":"Bearer"}`)
}
