package remote

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/mcptray/mcptray/keychain"
	"golang.org/x/oauth2"
)

// A login lives in the keychain only: its item is named by the issuer (the sign-in service)
// and, within it, by the server (the resource), so two servers behind one sign-in service
// keep their own tokens, and nothing of it is in config.json (which names the issuer only).

// refreshAhead is how long before its expiry a token is refreshed.
const refreshAhead = time.Minute

func loginItem(issuer, resource string) (server, key string) {
	sum := sha256.Sum256([]byte(resource))
	server = issuer
	if len(server) > 120 {
		is := sha256.Sum256([]byte(issuer))
		server = "oauth " + hex.EncodeToString(is[:20])
	}
	return server, "TOKEN_" + hex.EncodeToString(sum[:10])
}

// SaveLogin keeps l in keys.
func SaveLogin(ctx context.Context, keys keychain.Store, l *Login) error {
	b, err := json.Marshal(l)
	if err != nil {
		return err
	}
	server, key := loginItem(l.Issuer, l.Resource)
	return keys.Set(ctx, server, key, string(b))
}

// ErrNoLogin is returned by LoadLogin when nobody signed in yet.
var ErrNoLogin = fmt.Errorf("nobody signed in: %w", ErrNeedsSignIn)

// LoadLogin reads the login for the server at resource from the sign-in service issuer.
func LoadLogin(ctx context.Context, keys keychain.Store, issuer, resource string) (*Login, error) {
	server, key := loginItem(issuer, resource)
	v, err := keys.Get(ctx, server, key)
	if errors.Is(err, keychain.ErrNotFound) {
		return nil, ErrNoLogin
	}
	if err != nil {
		return nil, err
	}
	var l Login
	if err := json.Unmarshal([]byte(v), &l); err != nil || l.AccessToken == "" {
		return nil, ErrNoLogin
	}
	return &l, nil
}

// DeleteLogin forgets a login (signing out).
func DeleteLogin(ctx context.Context, keys keychain.Store, issuer, resource string) error {
	server, key := loginItem(issuer, resource)
	err := keys.Delete(ctx, server, key)
	if errors.Is(err, keychain.ErrNotFound) {
		return nil
	}
	return err
}

// ResourceOf is the resource identifier (RFC 8707) of the server at raw, the key its login
// is kept under.
func ResourceOf(raw string) string { return canonicalResource(mustParse(raw)) }

// TokenSource gives a connector l's access token, refreshing it shortly before it expires
// (oauth2's ReuseTokenSourceWithExpiry over its refresher) and keeping the refreshed login
// with save: the keychain is the token store. A login that cannot be refreshed any more
// gives an error that wraps ErrNeedsSignIn; a refresh that fails otherwise (the service is
// unreachable) keeps using the current token while it has not expired. The refresh is
// bounded by the sign-in request timeout, not by ctx. It is safe for concurrent use.
func TokenSource(l *Login, serverURL string, allowPrivate bool, save func(context.Context, *Login) error) func(context.Context) (string, error) {
	u, err := CheckURL(serverURL)
	if err == nil {
		_, err = CheckURL(l.TokenEndpoint)
	}
	if err != nil {
		return func(context.Context) (string, error) { return "", err }
	}
	k := &kept{cur: *l, save: save}
	k.tctx, _ = k.cur.tokenContext(context.Background(), reachFor(u, allowPrivate))
	src := oauth2.ReuseTokenSourceWithExpiry(l.token(), k, refreshAhead)
	return func(ctx context.Context) (string, error) {
		tok, err := src.Token()
		if err == nil {
			return tok.AccessToken, nil
		}
		k.mu.Lock()
		defer k.mu.Unlock()
		if time.Until(k.cur.Expiry) > 0 && !errors.Is(err, ErrNeedsSignIn) {
			return k.cur.AccessToken, nil // not expired yet: try again on the next request
		}
		return "", err
	}
}

// kept is the refresher under TokenSource: each refresh starts from the latest refresh
// token (a service may rotate it) and the new login is saved.
type kept struct {
	mu   sync.Mutex
	cur  Login
	tctx context.Context
	save func(context.Context, *Login) error
}

func (k *kept) Token() (*oauth2.Token, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	next := k.cur
	if err := next.refresh(k.tctx); err != nil {
		return nil, err
	}
	k.cur = next
	if k.save != nil {
		k.save(k.tctx, &next) // used now even if not kept; kept when a later refresh saves
	}
	return next.token(), nil
}
