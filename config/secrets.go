package config

import (
	"context"
	"errors"
	"fmt"

	"github.com/mcptray/mcptray/keychain"
)

// ErrBadSecretName is wrapped by SetSecret's error for a name that cannot be an environment
// variable's.
var ErrBadSecretName = errors.New("not a secret name")

// ErrNoSecretValue is wrapped by SetSecret's error for an empty value.
var ErrNoSecretValue = errors.New("no secret value")

// SetSecret keeps value in keys under the server's name and key, then declares key among the
// server's secrets in config.json (a value once kept in its env moves out: it lives in the
// keychain only). The server must be in config.json as it is now (Home.Server). The error
// wraps ErrBadSecretName, ErrNoSecretValue or ErrNoServer, or is the keychain's; the value is
// never part of it. The command line without MCP Tray running and the daemon's secrets.set
// both call it; telling a running server is the caller's part.
func (h Home) SetSecret(ctx context.Context, keys keychain.Store, server, key, value string) error {
	if !ValidEnvKey(key) {
		return &sentenceError{fmt.Sprintf("%q cannot be a secret name: use letters, digits and _ (like API_TOKEN)", key), ErrBadSecretName}
	}
	if value == "" {
		return &sentenceError{fmt.Sprintf("no value for %s was given", key), ErrNoSecretValue}
	}
	if _, err := h.Server(server); err != nil {
		return err
	}
	if err := keys.Set(ctx, server, key, value); err != nil {
		return err
	}
	return h.UpdateServer(server, func(s *Server) error { s.DeclareSecret(key); return nil })
}
