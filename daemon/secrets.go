package daemon

import (
	"context"
	"errors"
	"fmt"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/keychain"
	"github.com/mcptray/mcptray/supervisor"
)

// secretsFor returns a server's secrets at spawn: from the keychain the first time, then from
// memory (the daemon keeps them anyway, to redact them) until the person changes one or
// config.json changes, so a crashed server or a new warm spare does not wait for the keychain.
// A deleted secret is never handed out from memory: `secret delete` and `secret set` tell the
// daemon (secrets.changed), and a server removed from config.json and added again is a new
// entry that reads the keychain. Problems the person must fix (a secret not set, no keychain,
// a locked or refusing keychain) keep the server down with a sentence instead of restarting it
// in a loop; a slow keychain is retried with backoff.
func (d *Daemon) secretsFor(ctx context.Context, server string, keys []string) (map[string]string, error) {
	if d.opts.Keys == nil {
		return nil, supervisor.Permanent(fmt.Errorf("The server %q needs secrets, but MCP Tray has no keychain to read them from.", server))
	}
	src := d.serverEntry(server)
	if vals, ok := d.secrets.Lookup(server, src, keys); ok {
		return vals, nil
	}
	vals, err := keychain.GetAll(ctx, d.opts.Keys, server, keys)
	if err != nil {
		var missing *keychain.MissingError
		switch {
		case errors.As(err, &missing):
			return nil, supervisor.Permanent(err)
		case errors.Is(err, keychain.ErrTimeout):
			return nil, err
		default:
			return nil, supervisor.Permanent(err)
		}
	}
	d.secrets.Remember(server, src, vals)
	return vals, nil
}

// serverEntry is server's entry in the configuration in effect, or nil.
func (d *Daemon) serverEntry(server string) *config.Server {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cfg == nil {
		return nil
	}
	return d.cfg.Servers[server]
}

// secretsChanged is called after the person set or deleted a secret of a server: the server
// is restarted so that its warm spare has the new value (clients already connected keep the
// process they have).
func (d *Daemon) secretsChanged(ctx context.Context, p api.NameParams) (api.None, error) {
	d.forgetSecrets(p.Name)
	for _, st := range d.sup.Status() {
		if st.Name != p.Name {
			continue
		}
		if st.State == supervisor.Stopped || st.State == supervisor.Disabled {
			return api.None{}, nil
		}
		return api.None{}, serverError(d.sup.Restart(ctx, p.Name))
	}
	return api.None{}, nil
}
