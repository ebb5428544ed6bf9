package remote

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mcptray/mcptray/internal/display"
	"golang.org/x/oauth2"
)

// Login is a completed sign-in to a remote server: its tokens and what refreshing them
// needs. It is kept in the keychain only (tokens.go), keyed by the issuer and the server.
type Login struct {
	Issuer        string    `json:"issuer"`
	Resource      string    `json:"resource"`
	ClientID      string    `json:"client_id"`
	ClientSecret  string    `json:"client_secret,omitempty"`
	TokenEndpoint string    `json:"token_endpoint"`
	AccessToken   string    `json:"access_token"`
	RefreshToken  string    `json:"refresh_token,omitempty"`
	Expiry        time.Time `json:"expiry,omitzero"`
	Scope         string    `json:"scope,omitempty"`
}

// SignInOptions says how to sign in to one remote server.
type SignInOptions struct {
	URL          string
	AllowPrivate bool
	// ClientID is the person's client id at the sign-in service. Empty uses the client ID
	// metadata document at ClientMetadataURL when the service takes such documents, and
	// registers MCP Tray there (dynamic client registration) otherwise — the order the MCP
	// authorization specification gives.
	ClientID, ClientSecret string
	// ClientMetadataURL is the https address of MCP Tray's client ID metadata document;
	// empty means DefaultClientMetadataURL, ClientMetadataOff never uses one.
	ClientMetadataURL string
	// Open shows the authorization page to the person (OpenBrowser).
	Open func(authURL string) error
	// Previous, when set, is the login kept from an earlier sign-in: signing in again asks
	// for the scopes it was granted and those the server now says it lacks.
	Previous *Login
	// Wait bounds the wait for the person to finish in the browser; 0 means 5 minutes.
	Wait time.Duration
}

// SignIn runs the OAuth 2.1 authorization code flow with PKCE for the remote server, as the
// MCP authorization specification describes, and returns the login. It blocks until the
// person finished in the browser, ctx ends or the wait runs out. The error is one sentence.
func SignIn(ctx context.Context, o SignInOptions) (*Login, error) {
	u, err := CheckURL(o.URL)
	if err != nil {
		return nil, err
	}
	r := reachFor(u, o.AllowPrivate)
	as, err := discover(ctx, u, r)
	if err != nil {
		return nil, err
	}
	as.scope = moreScope(ctx, u, r, as, o.Previous)
	// The loopback redirect: 127.0.0.1 on a port of the system's choosing (RFC 8252).
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("MCP Tray could not listen for the sign-in's answer: %w", err)
	}
	defer l.Close()
	redirect := fmt.Sprintf("http://127.0.0.1:%d/callback", l.Addr().(*net.TCPAddr).Port)
	clientID, secret := o.ClientID, o.ClientSecret
	if clientID == "" {
		if clientID, err = clientMetadataURL(as, o.ClientMetadataURL); err != nil {
			return nil, err
		}
	}
	if clientID == "" {
		if as.RegistrationEndpoint == "" {
			return nil, fmt.Errorf("the sign-in service %s does not let MCP Tray register itself; give the client id you were given with --client-id", hostOf(mustParse(as.Issuer)))
		}
		if clientID, secret, err = register(ctx, as, redirect, r); err != nil {
			return nil, err
		}
	}
	// Mix-up (RFC 9700 §4.4): a sign-in service may name another service's authorization
	// page as its own, and take the code that service gives for its token endpoint, with the
	// verifier. A client id MCP Tray did not get from the person (a metadata document's
	// address, the same at every service, or one a registration endpoint chose) may be good
	// at that other service too; so when the page is not at the issuer's own origin, the
	// answer must say which service sent it (iss, RFC 9207) and be the issuer.
	requireIss := as.IssParameterSupported || o.ClientID == "" && !sameOriginURL(as.AuthorizationEndpoint, as.Issuer)
	login := &Login{Issuer: as.Issuer, Resource: as.resource, ClientID: clientID, ClientSecret: secret,
		TokenEndpoint: as.TokenEndpoint}
	conf := login.config(as.AuthorizationEndpoint, redirect, as.scope)
	verifier := oauth2.GenerateVerifier()
	state := oauth2.GenerateVerifier() // 32 random bytes, as unguessable as the verifier
	resource := oauth2.SetAuthURLParam("resource", as.resource)
	authURL := conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), resource)
	code, err := awaitCode(ctx, l, o, authURL, state, as.Issuer, requireIss)
	if err != nil {
		return nil, err
	}
	tctx, err := login.tokenContext(ctx, r)
	if err != nil {
		return nil, err
	}
	tok, err := conf.Exchange(tctx, code, oauth2.VerifierOption(verifier), resource)
	if err != nil {
		return nil, tokenError(err, false)
	}
	login.Scope = as.scope // what was asked, unless the answer says what was granted (RFC 6749 §5.1)
	if err := login.take(tok); err != nil {
		return nil, err
	}
	return login, nil
}

// sameOriginURL reports whether the addresses a and b have the same origin.
func sameOriginURL(a, b string) bool {
	ua, erra := url.Parse(a)
	ub, errb := url.Parse(b)
	return erra == nil && errb == nil && SameOrigin(ua, ub)
}

// awaitCode opens the authorization page and waits for the redirect back to l. The answer
// must name issuer as iss when it names one, and must name one when requireIss.
func awaitCode(ctx context.Context, l net.Listener, o SignInOptions, authURL, state, issuer string, requireIss bool) (string, error) {
	type answer struct {
		code string
		err  error
	}
	got := make(chan answer, 1)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path != "/callback" {
			http.NotFound(w, req)
			return
		}
		q := req.URL.Query()
		var a answer
		switch {
		case subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(state)) != 1:
			http.Error(w, "This answer is not for MCP Tray's sign-in.", http.StatusBadRequest)
			return // not ours: keep waiting
		case q.Get("iss") != "" && strings.TrimSuffix(q.Get("iss"), "/") != strings.TrimSuffix(issuer, "/"):
			a.err = errors.New("the sign-in answer came from another sign-in service than the server's (iss); MCP Tray did not sign in")
		case q.Get("iss") == "" && requireIss:
			a.err = errors.New("the sign-in answer did not say which sign-in service sent it (iss), and the sign-in page is not at the service's own address; MCP Tray did not sign in")
		case q.Get("error") != "":
			a.err = fmt.Errorf("the sign-in service said no (%s)", displayable(q.Get("error")))
		case q.Get("code") == "":
			a.err = errors.New("the sign-in service answered without a code")
		default:
			a.code = q.Get("code")
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if a.err != nil {
			io.WriteString(w, "<!doctype html><title>MCP Tray</title><p>Signing in did not work. You can close this page and look at MCP Tray.")
		} else {
			io.WriteString(w, "<!doctype html><title>MCP Tray</title><p>You are signed in. You can close this page.")
		}
		select {
		case got <- a:
		default:
		}
	})}
	go srv.Serve(l)
	defer srv.Close()
	if o.Open == nil {
		o.Open = OpenBrowser
	}
	if err := o.Open(authURL); err != nil {
		return "", fmt.Errorf("MCP Tray could not open the browser: %w", err)
	}
	wait := o.Wait
	if wait == 0 {
		wait = 5 * time.Minute
	}
	select {
	case a := <-got:
		return a.code, a.err
	case <-time.After(wait):
		return "", errors.New("the sign-in was not finished in the browser in time; try again")
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// maxClientID bounds the client id a sign-in service registers MCP Tray with.
const maxClientID = 1 << 10

// register registers MCP Tray at the sign-in service (RFC 7591) as a public client.
func register(ctx context.Context, as *authServer, redirect string, r reach) (id, secret string, err error) {
	body, _ := json.Marshal(map[string]any{
		"client_name":                "MCP Tray",
		"redirect_uris":              []string{redirect},
		"grant_types":                []string{"authorization_code", "refresh_token"},
		"response_types":             []string{"code"},
		"token_endpoint_auth_method": "none",
	})
	var out struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	u, err := CheckURL(as.RegistrationEndpoint)
	if err == nil {
		err = doJSON(ctx, http.MethodPost, u, r, body, &out)
	}
	if err != nil {
		return "", "", fmt.Errorf("MCP Tray could not register at the sign-in service: %w", err)
	}
	if out.ClientID == "" {
		return "", "", errors.New("the sign-in service registered MCP Tray without a client id")
	}
	// The client id goes into config.json and onto screens: a short line of visible text.
	if len(out.ClientID) > maxClientID || display.Suspicious(out.ClientID) {
		return "", "", errors.New("the sign-in service registered MCP Tray with a client id that cannot be kept (too long, or with control characters)")
	}
	return out.ClientID, out.ClientSecret, nil
}

// displayable keeps a short, plain piece of what a server said.
func displayable(s string) string {
	var b strings.Builder
	for _, r := range s {
		if b.Len() >= 80 {
			break
		}
		if r >= 0x20 && r < 0x7f {
			b.WriteRune(r)
		}
	}
	return b.String()
}
