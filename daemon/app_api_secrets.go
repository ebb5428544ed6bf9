package daemon

import (
	"context"
	"errors"
	"time"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/keychain"
)

// keychainTimeout bounds one keychain operation: an unlock prompt may wait for the person.
const keychainTimeout = 2 * time.Minute

func (d *Daemon) secretRoutes() {
	c := d.ctl
	api.Handle(c, api.SecretsList, func(ctx context.Context, p api.SecretParams) (api.SecretsResult, error) {
		res := api.SecretsResult{Server: p.Server, Secrets: []api.SecretItem{}}
		s, err := d.configuredServer(p.Server)
		if err != nil {
			return res, err
		}
		if len(s.Secrets) == 0 {
			return res, nil
		}
		err = d.withKeychain(ctx, func(ctx context.Context, keys keychain.Store) error {
			items, err := keys.List(ctx, p.Server, s.Secrets)
			if err != nil {
				return err
			}
			for _, it := range items {
				res.Secrets = append(res.Secrets, api.SecretItem{Key: it.Key, Set: it.Set})
			}
			return nil
		})
		return res, err
	})
	api.Handle(c, api.SecretsSet, func(ctx context.Context, p api.SecretParams) (api.None, error) {
		err := d.withKeychain(ctx, func(ctx context.Context, keys keychain.Store) error {
			return d.opts.Home.SetSecret(ctx, keys, p.Server, p.Name, p.Value)
		})
		switch {
		case errors.Is(err, config.ErrNoSecretValue):
			return api.None{}, api.Errorf(api.ErrBadRequest, "Type a value for %s first.", p.Name)
		case errors.Is(err, config.ErrNoServer), errors.Is(err, config.ErrBadSecretName):
			return api.None{}, changeError(p.Server, err)
		case err != nil: // the keychain's own sentence
			return api.None{}, err
		}
		return d.secretsChanged(ctx, api.NameParams{Name: p.Server})
	})
	api.Handle(c, api.SecretsDelete, func(ctx context.Context, p api.SecretParams) (api.None, error) {
		s, err := d.configuredServer(p.Server)
		if err != nil {
			return api.None{}, err
		}
		names := s.Secrets
		if p.Name != "" {
			names = []string{p.Name}
		}
		err = d.withKeychain(ctx, func(ctx context.Context, keys keychain.Store) error {
			return keychain.DeleteAll(ctx, keys, p.Server, names)
		})
		if err != nil {
			return api.None{}, err
		}
		return d.secretsChanged(ctx, api.NameParams{Name: p.Server})
	})
}

// keys returns the daemon's keychain, or the sentence saying there is none.
func (d *Daemon) keys() (keychain.Store, error) {
	if d.opts.Keys == nil {
		return nil, errors.New("MCP Tray has no keychain to keep secrets in on this computer.")
	}
	return d.opts.Keys, nil
}

// withKeychain runs f with the daemon's keychain and ctx bounded by keychainTimeout, and
// returns f's error; with no keychain it returns the sentence saying so and f does not run.
func (d *Daemon) withKeychain(ctx context.Context, f func(ctx context.Context, keys keychain.Store) error) error {
	keys, err := d.keys()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, keychainTimeout)
	defer cancel()
	return f(ctx, keys)
}

// configuredServer returns a server as config.json says now (not the last applied version,
// so a server the person just added can be given its secrets at once).
func (d *Daemon) configuredServer(name string) (*config.Server, error) {
	s, err := d.opts.Home.Server(name)
	if errors.Is(err, config.ErrNoServer) {
		return nil, changeError(name, err)
	}
	return s, err
}
