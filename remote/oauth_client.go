package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"
)

// MCP Tray uses golang.org/x/oauth2 for what it is made for — PKCE, the authorization
// address, the code exchange and refreshing — and adds what it has not: discovery
// (oauth_discover.go), dynamic registration, the iss check (oauth_login.go) and the resource
// indicator on every token request. Its requests go through the server's safe client
// (safety.go), so the sign-in service is held to the server's network rules.

// config is the oauth2 configuration of the login l (authURL is the authorization endpoint
// and redirect the loopback address the answer comes back to: both empty when only
// refreshing).
func (l *Login) config(authURL, redirect, scope string) *oauth2.Config {
	style := oauth2.AuthStyleInParams // a public client: client_id in the form
	if l.ClientSecret != "" {
		style = oauth2.AuthStyleInHeader
	}
	return &oauth2.Config{
		ClientID:     l.ClientID,
		ClientSecret: l.ClientSecret,
		Endpoint:     oauth2.Endpoint{AuthURL: authURL, TokenURL: l.TokenEndpoint, AuthStyle: style},
		RedirectURL:  redirect,
		Scopes:       strings.Fields(scope),
	}
}

// tokenContext is ctx carrying the HTTP client oauth2 uses for the token endpoint: the safe
// client of r, bounded by shortTimeout, which also adds the resource indicator (RFC 8707) to
// a token request without one (oauth2's refresh sends no extra parameters; the MCP
// authorization specification wants it in every token request).
func (l *Login) tokenContext(ctx context.Context, r reach) (context.Context, error) {
	u, err := CheckURL(l.TokenEndpoint)
	if err != nil {
		return nil, err
	}
	c := newClient(u, r)
	c.Timeout = shortTimeout
	c.Transport = withResource{c.Transport, l.Resource}
	return context.WithValue(ctx, oauth2.HTTPClient, c), nil
}

// withResource adds resource= to a form POST that has none.
type withResource struct {
	next     http.RoundTripper
	resource string
}

func (w withResource) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodPost || req.Body == nil || w.resource == "" ||
		!strings.HasPrefix(req.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return w.next.RoundTrip(req)
	}
	b, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	form, err := url.ParseQuery(string(b))
	if err != nil {
		return nil, err
	}
	if form.Get("resource") == "" {
		form.Set("resource", w.resource)
	}
	body := form.Encode()
	req = req.Clone(req.Context())
	req.Body = io.NopCloser(strings.NewReader(body))
	req.ContentLength = int64(len(body))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(body)), nil }
	return w.next.RoundTrip(req)
}

// take keeps the tokens of tok in l.
func (l *Login) take(tok *oauth2.Token) error {
	if tok.AccessToken == "" || !strings.EqualFold(tok.TokenType, "bearer") {
		return errors.New("the sign-in service answered without a bearer token")
	}
	l.AccessToken = tok.AccessToken
	if tok.RefreshToken != "" {
		l.RefreshToken = tok.RefreshToken
	}
	l.Expiry = tok.Expiry
	if s, _ := tok.Extra("scope").(string); s != "" {
		l.Scope = s
	}
	return nil
}

// token is l as an oauth2 token.
func (l *Login) token() *oauth2.Token {
	return &oauth2.Token{AccessToken: l.AccessToken, TokenType: "Bearer", RefreshToken: l.RefreshToken, Expiry: l.Expiry}
}

// ErrSignInExpired is wrapped by a TokenSource's error when the sign-in service no longer
// accepts the login (revoked or expired): the person signs in again.
var ErrSignInExpired = fmt.Errorf("the sign-in has expired or was withdrawn: %w", ErrNeedsSignIn)

// tokenError says in one sentence why the token endpoint gave no token; a refresh the
// service refused (invalid_grant) means the person signs in again.
func tokenError(err error, refreshing bool) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		if refreshing && re.ErrorCode == "invalid_grant" {
			return ErrSignInExpired
		}
		code := re.ErrorCode
		if code == "" && re.Response != nil {
			code = fmt.Sprint(re.Response.StatusCode)
		}
		return fmt.Errorf("the sign-in service did not give MCP Tray a token (%s)", displayable(code))
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("the sign-in service did not give MCP Tray a token: %w", withoutURL(ue))
	}
	return fmt.Errorf("the sign-in service did not give MCP Tray a token: %w", err)
}

// refresh asks for new tokens with oauth2's refresher; tctx is from tokenContext.
func (l *Login) refresh(tctx context.Context) error {
	if l.RefreshToken == "" {
		return ErrSignInExpired
	}
	// Only the refresh token: oauth2 refreshes a token without an access token at once.
	tok, err := l.config("", "", "").TokenSource(tctx, &oauth2.Token{RefreshToken: l.RefreshToken}).Token()
	if err != nil {
		return tokenError(err, true)
	}
	return l.take(tok)
}
