package config

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/mcptray/mcptray/keychain"
	"github.com/mcptray/mcptray/remote"
)

// Remote is what a remote server has instead of a command: where it is and how to reach it.
// It is embedded in Server, so its members sit beside command in config.json.
type Remote struct {
	// URL is the server's address (https, or http to this computer only).
	URL string `json:"url,omitempty"`
	// Transport is "http" (streamable HTTP), "sse" (the older HTTP+SSE) or empty to detect.
	Transport string `json:"transport,omitempty"`
	// Headers are sent with every request. A value names a secret of the server as
	// ${secret:NAME}: a credential is never written here, only where in the value it goes.
	Headers map[string]string `json:"headers,omitempty"`
	// Query values are added to the address, with the same ${secret:NAME} rule.
	Query map[string]string `json:"query,omitempty"`
	// AllowPrivateNetwork lets MCP Tray follow the server to addresses on the local network
	// (a team server at 10.0.0.5); this computer's own addresses are reached only when URL
	// names it.
	AllowPrivateNetwork bool `json:"allowPrivateNetwork,omitempty"`
	// OAuth is set once the person signed in (mcptray server login): where the login is
	// kept. The tokens themselves are in the keychain only.
	OAuth *OAuth `json:"oauth,omitempty"`
}

// OAuth names a remote server's sign-in: the sign-in service (issuer) its tokens come from
// and the client id MCP Tray has there. Neither is a secret.
type OAuth struct {
	Issuer   string `json:"issuer"`
	ClientID string `json:"clientId,omitempty"`
}

// IsRemote reports whether the server is reached over the network instead of run.
func (s *Server) IsRemote() bool { return s != nil && s.URL != "" }

// SecretRef finds ${secret:NAME}, the one way a value in config.json (an argument, a remote
// server's header or query value) names one of the server's secrets; its group is NAME.
var SecretRef = regexp.MustCompile(`\$\{secret:([A-Za-z_][A-Za-z0-9_]*)\}`)

// SecretRefs returns the secret names ${secret:NAME} in v, in order.
func SecretRefs(v string) []string {
	var names []string
	for _, m := range SecretRef.FindAllStringSubmatch(v, -1) {
		names = append(names, m[1])
	}
	return names
}

// validateRemote checks a remote server's members; a local server must not have them.
func validateRemote(s *Server, bad func(f, msg string) error) error {
	if s.URL == "" {
		if s.Transport != "" || len(s.Headers) > 0 || len(s.Query) > 0 || s.AllowPrivateNetwork || s.OAuth != nil {
			return bad(".url", "is missing: transport, headers, query and allowPrivateNetwork are only for a remote server")
		}
		return nil
	}
	if s.Command != "" || len(s.Args) > 0 {
		return bad(".url", "is set together with a command: a server is either a program MCP Tray runs or a remote address, not both")
	}
	if _, err := remote.CheckURL(s.URL); err != nil {
		return bad(".url", err.Error())
	}
	switch remote.Transport(s.Transport) {
	case remote.Auto, remote.Streamable, remote.SSE:
	default:
		return bad(".transport", fmt.Sprintf("is %q: it must be \"http\", \"sse\" or empty to detect", s.Transport))
	}
	if s.OAuth != nil {
		if _, err := remote.CheckURL(s.OAuth.Issuer); err != nil {
			return bad(".oauth.issuer", "is not the address of a sign-in service: sign in again with mcptray server login")
		}
	}
	if s.Sandbox.Confined() {
		return bad(".sandbox", "is set for a remote server: it runs on another computer, there is nothing here to confine")
	}
	for _, part := range []struct {
		field string
		m     map[string]string
	}{{".headers", s.Headers}, {".query", s.Query}} {
		for _, k := range slices.Sorted(maps.Keys(part.m)) {
			v := part.m[k]
			if part.field == ".headers" && !validHeader(k, v) {
				return bad(part.field, fmt.Sprintf("has %q, which cannot be sent as an HTTP header", k))
			}
			if part.field == ".headers" && reservedHeader(k) {
				return bad(part.field, fmt.Sprintf("sets %q, which MCP Tray sets itself", k))
			}
			for _, name := range SecretRefs(v) {
				if !slices.Contains(s.Secrets, name) {
					return bad(part.field+"."+k, fmt.Sprintf("uses the secret %s, which is not among the server's secrets: add it with mcptray secret set", name))
				}
			}
		}
	}
	return nil
}

func validHeader(k, v string) bool {
	if k == "" || strings.ContainsAny(v, "\r\n\x00") {
		return false
	}
	for _, r := range k {
		if r <= ' ' || r >= 0x7f || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r) {
			return false
		}
	}
	return true
}

// reservedHeader names the headers the connector owns.
func reservedHeader(k string) bool {
	switch http.CanonicalHeaderKey(k) {
	case "Mcp-Session-Id", "Mcp-Protocol-Version", "Content-Type", "Accept", "Content-Length", "Host", "Last-Event-Id":
		return true
	}
	return false
}

// where is what the review holds back when it changes (Review): where a remote server is and
// what it is sent. Which sign-in it uses is neutral: it names a login in the keychain, which
// only the person's sign-in puts there.
func (r Remote) where() Remote {
	r.OAuth = nil
	return r
}

// withSignIn is r with the sign-in o.
func (r Remote) withSignIn(o *OAuth) Remote {
	r.OAuth = o
	return r
}

// ErrNotRemote is wrapped by SignIn's error for a server that runs on this computer.
var ErrNotRemote = errors.New("not a remote server")

// SignIn signs the person in to the remote server name (remote.SignIn: the browser opens
// with open, nil meaning remote.OpenBrowser), keeps the login in keys and records its issuer
// and client id in config.json. It blocks until the person finished in the browser or ctx
// ends. The error wraps ErrNoServer, ErrNotRemote or remote.ErrNoSignIn, or is one sentence.
// The command line (mcptray server login) and the daemon (servers.signin) both call it.
func (h Home) SignIn(ctx context.Context, keys keychain.Store, name, clientID string, open func(string) error) error {
	cfg, err := h.Load()
	if err != nil {
		return err
	}
	s, ok := cfg.Servers[name]
	if !ok {
		return noServer(name)
	}
	if !s.IsRemote() {
		return &sentenceError{fmt.Sprintf("%q is not a remote server: it runs on this computer and needs no sign-in", name), ErrNotRemote}
	}
	var prev *remote.Login
	if s.OAuth != nil { // signing in again: ask for what was granted and what is now lacking
		prev, _ = remote.LoadLogin(ctx, keys, s.OAuth.Issuer, remote.ResourceOf(s.URL))
	}
	login, err := remote.SignIn(ctx, remote.SignInOptions{URL: s.URL, AllowPrivate: s.AllowPrivateNetwork, ClientID: clientID,
		ClientMetadataURL: cfg.Settings.ClientMetadataURL, Open: open, Previous: prev})
	if errors.Is(err, remote.ErrNoSignIn) {
		return &sentenceError{fmt.Sprintf("the server %q does not ask anyone to sign in; it works as it is", name), remote.ErrNoSignIn}
	}
	if err != nil {
		return fmt.Errorf("signing in to %s did not work: %w", name, err)
	}
	if err := remote.SaveLogin(ctx, keys, login); err != nil {
		return err
	}
	return h.UpdateServer(name, func(s *Server) error {
		s.OAuth = &OAuth{Issuer: login.Issuer, ClientID: login.ClientID}
		return nil
	})
}

// ForgetSignIn deletes the login of the remote server s (its tokens) from keys; a server
// without a sign-in, or whose login is gone already, is fine. Removing a server calls it, so
// no token outlives the server it was for.
func ForgetSignIn(ctx context.Context, keys keychain.Store, s *Server) error {
	if !s.IsRemote() || s.OAuth == nil {
		return nil
	}
	if err := remote.DeleteLogin(ctx, keys, s.OAuth.Issuer, remote.ResourceOf(s.URL)); err != nil {
		return fmt.Errorf("deleting the sign-in of %s from the keychain: %w", remote.Host(s.URL), err)
	}
	return nil
}
