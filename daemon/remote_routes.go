package daemon

import (
	"context"
	"errors"
	"sync"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/gateway"
	"github.com/mcptray/mcptray/remote"
	"github.com/mcptray/mcptray/supervisor"
)

// remoteTokens gives the connector of a remote server its access token once the person has
// signed in (config's oauth names the login): the login is read from the keychain at the
// first request that finds it named, refreshed before it expires and kept again. Until
// then no token is sent: the server answers 401 and the AI app is told to sign in. The
// sign-in is looked for at each request, not once at the connector's start, because `mcptray
// server login` writes config.json and restarts the server while MCP Tray may not have read
// the file again yet. Nil when MCP Tray has no keychain.
func (d *Daemon) remoteTokens(server, url string) func(context.Context) (string, error) {
	if d.opts.Keys == nil {
		return nil
	}
	keys := d.opts.Keys
	var (
		mu     sync.Mutex
		src    func(context.Context) (string, error)
		issuer string
		looked bool
	)
	return func(ctx context.Context) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		s := d.serverEntry(server)
		if s == nil || s.OAuth == nil {
			if src != nil {
				return src(ctx) // found in the file below; MCP Tray reads it again soon
			}
			if looked {
				return "", nil
			}
			// Signing in writes config.json and restarts the server at once, maybe before
			// MCP Tray read the file again: a connection's first request looks at the file
			// itself. Only the sign-in is taken from it (it is neutral in the review), and
			// only for the same address.
			looked = true
			f, err := d.opts.Home.Server(server)
			if err != nil || !f.IsRemote() || f.URL != url || f.OAuth == nil {
				return "", nil
			}
			s = f
		}
		if src == nil || issuer != s.OAuth.Issuer {
			l, err := remote.LoadLogin(ctx, keys, s.OAuth.Issuer, remote.ResourceOf(url))
			if err != nil {
				return "", err
			}
			d.rememberSignIn(server, l)
			issuer = s.OAuth.Issuer
			src = remote.TokenSource(l, url, s.AllowPrivateNetwork, func(ctx context.Context, l *remote.Login) error {
				d.rememberSignIn(server, l) // a refresh's new tokens are scrubbed from here on
				return remote.SaveLogin(ctx, keys, l)
			})
		}
		return src(ctx)
	}
}

// rememberSignIn tells the book of handed secrets the tokens of server's sign-in, so that
// they are scrubbed from logs and traffic records and the data-loss checks catch an AI app
// passing one to another server, as for the secrets a server is started with (red team:
// OAuth tokens were known to neither).
func (d *Daemon) rememberSignIn(server string, l *remote.Login) {
	d.secrets.RememberSignIn(server, map[string]string{"OAUTH_ACCESS_TOKEN": l.AccessToken,
		"OAUTH_REFRESH_TOKEN": l.RefreshToken, "OAUTH_CLIENT_SECRET": l.ClientSecret})
}

func (d *Daemon) remoteRoutes() {
	api.Handle(d.ctl, api.ServersSignIn, func(ctx context.Context, p api.SignInParams) (api.None, error) {
		if d.opts.Keys == nil {
			return api.None{}, errors.New("MCP Tray has no keychain to keep the sign-in in.")
		}
		err := d.opts.Home.SignIn(ctx, d.opts.Keys, p.Name, p.ClientID, nil)
		switch {
		case errors.Is(err, config.ErrNoServer):
			return api.None{}, api.Errorf(api.ErrNotFound, "%s", err.Error())
		case errors.Is(err, config.ErrNotRemote), errors.Is(err, remote.ErrNoSignIn):
			return api.None{}, api.Errorf(api.ErrBadRequest, "%s", err.Error())
		case err != nil:
			return api.None{}, err
		}
		d.reload() // the sign-in is in effect when the answer arrives
		return d.secretsChanged(ctx, api.NameParams{Name: p.Name})
	})
}

// waitSignIn, when the remote server name wants the person to sign in, says so to every
// client of its shared process and waits until the server is started again (signing in
// restarts it) or ctx ends, then reports true: a sign-in is not a crash, and is not retried.
// It reports false at once for any other server.
func (d *Daemon) waitSignIn(ctx context.Context, name string, hub *gateway.Hub, events <-chan supervisor.Status) bool {
	var msg string
	for _, st := range d.sup.Status() {
		if st.Name == name && st.NeedsSignIn {
			msg = st.Error
		}
	}
	if msg == "" {
		return false
	}
	hub.SetDown(msg)
	waitStatus(ctx, events, nil, func(st supervisor.Status) bool { return st.State == supervisor.Starting })
	return true
}
