package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/keychain"
)

// SecretParams names a server's secret and, for secrets.set, its value. The value is never
// logged, stored anywhere but the keychain, nor returned.
type SecretParams struct {
	Server string `json:"server"`
	Name   string `json:"name"`
	Value  string `json:"value,omitempty"`
}

// SecretItem is one secret of a server: its name and whether the keychain holds a value.
type SecretItem struct {
	Key string `json:"key"`
	Set bool   `json:"set"`
}

// SecretsResult is the answer of secrets.list, in config.json's order.
type SecretsResult struct {
	Server  string       `json:"server"`
	Secrets []SecretItem `json:"secrets"`
}

// keychainTimeout bounds one keychain operation: an unlock prompt may wait for the person.
const keychainTimeout = 2 * time.Minute

func (d *Daemon) secretRoutes() {
	c := d.ctl
	c.Handle("secrets.list", func(ctx context.Context, raw json.RawMessage) (any, error) {
		p, s, err := d.decodeSecretServer(raw)
		if err != nil {
			return nil, err
		}
		res := SecretsResult{Server: p.Server, Secrets: []SecretItem{}}
		if len(s.Secrets) == 0 {
			return res, nil
		}
		err = d.withKeychain(ctx, func(ctx context.Context, keys keychain.Store) error {
			items, err := keys.List(ctx, p.Server, s.Secrets)
			if err != nil {
				return err
			}
			for _, it := range items {
				res.Secrets = append(res.Secrets, SecretItem{Key: it.Key, Set: it.Set})
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		return res, nil
	})
	c.Handle("secrets.set", func(ctx context.Context, raw json.RawMessage) (any, error) {
		p, err := decode[SecretParams](raw)
		if err != nil {
			return nil, err
		}
		err = d.withKeychain(ctx, func(ctx context.Context, keys keychain.Store) error {
			return d.opts.Home.SetSecret(ctx, keys, p.Server, p.Name, p.Value)
		})
		switch {
		case errors.Is(err, config.ErrNoSecretValue):
			return nil, &control.Error{Code: control.CodeBadRequest, Message: fmt.Sprintf("Type a value for %s first.", p.Name)}
		case errors.Is(err, config.ErrNoServer), errors.Is(err, config.ErrBadSecretName):
			return nil, changeError(p.Server, err)
		case err != nil: // the keychain's own sentence
			return nil, err
		}
		return nil, d.restartForSecrets(ctx, p.Server)
	})
	c.Handle("secrets.delete", func(ctx context.Context, raw json.RawMessage) (any, error) {
		p, s, err := d.decodeSecretServer(raw)
		if err != nil {
			return nil, err
		}
		names := s.Secrets
		if p.Name != "" {
			names = []string{p.Name}
		}
		err = d.withKeychain(ctx, func(ctx context.Context, keys keychain.Store) error {
			return keychain.DeleteAll(ctx, keys, p.Server, names)
		})
		if err != nil {
			return nil, err
		}
		return nil, d.restartForSecrets(ctx, p.Server)
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

// decodeSecretServer reads a secrets request and the server it names, as configuredServer
// finds it.
func (d *Daemon) decodeSecretServer(raw json.RawMessage) (SecretParams, *config.Server, error) {
	p, err := decode[SecretParams](raw)
	if err != nil {
		return p, nil, err
	}
	s, err := d.configuredServer(p.Server)
	return p, s, err
}

// restartForSecrets forgets a server's remembered secrets and restarts it if it runs, as the
// CLI's secrets.changed does.
func (d *Daemon) restartForSecrets(ctx context.Context, server string) error {
	raw, _ := json.Marshal(NameParams{Name: server})
	_, err := d.secretsChanged(ctx, raw)
	return err
}
