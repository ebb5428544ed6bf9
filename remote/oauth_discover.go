package remote

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Discovery follows the MCP authorization specification: the server's 401 names its
// protected resource metadata (RFC 9728) in WWW-Authenticate, or it is looked for at the
// well-known addresses; that names the authorization server, whose own metadata (RFC 8414,
// or OpenID Connect discovery) gives the endpoints. Every address met on the way is held to
// the same rules as the server's (https, no private addresses unless allowed).

// authServer is what discovery found.
type authServer struct {
	Issuer                string   `json:"issuer"`
	AuthorizationEndpoint string   `json:"authorization_endpoint"`
	TokenEndpoint         string   `json:"token_endpoint"`
	RegistrationEndpoint  string   `json:"registration_endpoint"`
	CodeChallengeMethods  []string `json:"code_challenge_methods_supported"`
	IssParameterSupported bool     `json:"authorization_response_iss_parameter_supported"`
	ScopesSupported       []string `json:"scopes_supported"`
	// ClientIDMetadataDocumentSupported: the service takes a metadata document's https
	// address as client id (oauth_cimd.go).
	ClientIDMetadataDocumentSupported bool `json:"client_id_metadata_document_supported"`

	resource string // the server's resource identifier (RFC 8707)
	scope    string // the scope to ask for
}

// protectedResource is RFC 9728's metadata.
type protectedResource struct {
	Resource             string   `json:"resource"`
	AuthorizationServers []string `json:"authorization_servers"`
	ScopesSupported      []string `json:"scopes_supported"`
}

// ErrNoSignIn is wrapped by SignIn's error for a server that does not ask anyone to sign in.
var ErrNoSignIn = errors.New("the server does not ask to sign in")

// discover finds the authorization server of the MCP server at u.
func discover(ctx context.Context, u *url.URL, r reach) (*authServer, error) {
	challenge, err := probe(ctx, u, r)
	if err != nil {
		return nil, err
	}
	params := authParams(challenge)
	var candidates []string
	if m := params["resource_metadata"]; m != "" {
		candidates = append(candidates, m)
	}
	origin := u.Scheme + "://" + u.Host
	if p := strings.TrimSuffix(u.EscapedPath(), "/"); p != "" {
		candidates = append(candidates, origin+"/.well-known/oauth-protected-resource"+p)
	}
	candidates = append(candidates, origin+"/.well-known/oauth-protected-resource")
	var prm protectedResource
	if err := getFirstJSON(ctx, r, candidates, &prm); err != nil {
		return nil, fmt.Errorf("the server at %s asks to sign in but does not say where: %w", hostOf(u), err)
	}
	resource := canonicalResource(u)
	if prm.Resource != "" && canonicalResource(mustParse(prm.Resource)) != resource {
		return nil, fmt.Errorf("the server at %s describes itself as %s, which is not its own address; MCP Tray did not sign in", hostOf(u), quoted(prm.Resource))
	}
	if len(prm.AuthorizationServers) == 0 {
		return nil, fmt.Errorf("the server at %s names no sign-in service", hostOf(u))
	}
	issuer := prm.AuthorizationServers[0]
	iu, err := CheckURL(issuer)
	if err != nil {
		return nil, fmt.Errorf("the sign-in service of %s is not safe to use: %v", hostOf(u), err)
	}
	var as authServer
	if err := getFirstJSON(ctx, r, metadataURLs(iu), &as); err != nil {
		return nil, fmt.Errorf("the sign-in service %s does not describe itself: %w", shownHost(iu), err)
	}
	if strings.TrimSuffix(as.Issuer, "/") != strings.TrimSuffix(issuer, "/") {
		return nil, fmt.Errorf("the sign-in service at %s calls itself %s; MCP Tray did not sign in", shownHost(iu), quoted(as.Issuer))
	}
	for _, e := range []string{as.AuthorizationEndpoint, as.TokenEndpoint} {
		if _, err := CheckURL(e); err != nil {
			return nil, fmt.Errorf("the sign-in service %s gave an address that is not safe to use: %v", shownHost(iu), err)
		}
	}
	if as.RegistrationEndpoint != "" {
		if _, err := CheckURL(as.RegistrationEndpoint); err != nil {
			as.RegistrationEndpoint = ""
		}
	}
	if !slices.Contains(as.CodeChallengeMethods, "S256") {
		return nil, fmt.Errorf("the sign-in service %s does not support PKCE (S256), which MCP requires; MCP Tray did not sign in", shownHost(iu))
	}
	as.resource = resource
	switch {
	case params["scope"] != "":
		as.scope = params["scope"]
	case len(prm.ScopesSupported) > 0:
		as.scope = strings.Join(prm.ScopesSupported, " ")
	}
	return &as, nil
}

// probe asks the server something without a token and returns its WWW-Authenticate.
func probe(ctx context.Context, u *url.URL, r reach) (string, error) {
	status, challenge, err := probeWith(ctx, u, r, "")
	if err != nil {
		return "", err
	}
	if status != http.StatusUnauthorized {
		return "", fmt.Errorf("%w (it answered %d)", ErrNoSignIn, status)
	}
	return challenge, nil
}

// probeWith asks the server something, with the access token token when not empty, and
// returns its status and WWW-Authenticate.
func probeWith(ctx context.Context, u *url.URL, r reach, token string) (int, string, error) {
	body := `{"jsonrpc":"2.0","id":"mcptray-sign-in","method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"MCP Tray","version":"1"}}}`
	ctx, cancel := context.WithTimeout(ctx, shortTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	c := newClient(u, r)
	defer closeIdle(c)
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", withoutURL(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("WWW-Authenticate"), nil
}

// moreScope is the scope to ask for when signing in again over the login prev: what prev
// was granted, what discovery found, and what the server's 403 insufficient_scope names
// for prev's token (incremental consent: the person is asked for the union, once).
func moreScope(ctx context.Context, u *url.URL, r reach, as *authServer, prev *Login) string {
	scopes := strings.Fields(as.scope)
	if prev != nil && prev.Issuer == as.Issuer && prev.Resource == as.resource {
		scopes = append(scopes, strings.Fields(prev.Scope)...)
		if status, challenge, err := probeWith(ctx, u, r, prev.AccessToken); err == nil && status == http.StatusForbidden {
			scopes = append(scopes, strings.Fields(authParams(challenge)["scope"])...)
		}
	}
	var out []string
	for _, s := range scopes {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return strings.Join(out, " ")
}

// authParams reads the auth-params of a Bearer challenge (RFC 6750 §3).
func authParams(h string) map[string]string {
	out := map[string]string{}
	_, rest, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(strings.TrimSpace(h[:len(h)-len(rest)]), "bearer") {
		return out
	}
	for rest = strings.TrimSpace(rest); rest != ""; rest = strings.TrimLeft(strings.TrimSpace(rest), ",") {
		rest = strings.TrimSpace(rest)
		k, v, ok := strings.Cut(rest, "=")
		if !ok {
			break
		}
		k = strings.ToLower(strings.TrimSpace(k))
		v = strings.TrimSpace(v)
		if strings.HasPrefix(v, `"`) {
			var b strings.Builder
			i := 1
			for ; i < len(v) && v[i] != '"'; i++ {
				if v[i] == '\\' && i+1 < len(v) {
					i++
				}
				b.WriteByte(v[i])
			}
			out[k] = b.String()
			rest = v[min(i+1, len(v)):]
		} else {
			val, after, _ := strings.Cut(v, ",")
			out[k] = strings.TrimSpace(val)
			rest = after
		}
	}
	return out
}

// metadataURLs are where an issuer's metadata may be, in the order the MCP specification
// gives.
func metadataURLs(iu *url.URL) []string {
	origin := iu.Scheme + "://" + iu.Host
	p := strings.TrimSuffix(iu.EscapedPath(), "/")
	if p == "" {
		return []string{origin + "/.well-known/oauth-authorization-server", origin + "/.well-known/openid-configuration"}
	}
	return []string{origin + "/.well-known/oauth-authorization-server" + p, origin + "/.well-known/openid-configuration" + p,
		origin + p + "/.well-known/openid-configuration"}
}

// getFirstJSON decodes the first of urls that answers 2xx with JSON.
func getFirstJSON(ctx context.Context, r reach, urls []string, v any) error {
	last := errors.New("no address answered")
	for _, raw := range urls {
		u, err := CheckURL(raw)
		if err != nil {
			last = err
			continue
		}
		if err := doJSON(ctx, http.MethodGet, u, r, nil, v); err != nil {
			last = err
			continue
		}
		return nil
	}
	return last
}

// doJSON sends a request to u with the JSON body (a GET when body is nil) and decodes the
// JSON answer into out; an answer other than 2xx is an error naming u's host.
func doJSON(ctx context.Context, method string, u *url.URL, r reach, body []byte, out any) error {
	ctx, cancel := context.WithTimeout(ctx, shortTimeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	c := newClient(u, r)
	defer closeIdle(c)
	resp, err := c.Do(req)
	if err != nil {
		return withoutURL(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s answered %d", shownHost(u), resp.StatusCode)
	}
	return json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(out)
}

// canonicalResource is the server's address as a resource identifier: lower-case scheme
// and host, no query or fragment, no trailing slash.
func canonicalResource(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := url.URL{Scheme: strings.ToLower(u.Scheme), Host: strings.ToLower(u.Host), Path: u.Path}
	return strings.TrimSuffix(c.String(), "/")
}

func mustParse(raw string) *url.URL {
	u, err := url.Parse(raw)
	if err != nil {
		return nil
	}
	return u
}
