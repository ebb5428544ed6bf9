// Package keychain keeps the secrets of MCP servers (API tokens, passwords) in
// the operating system's credential store: the macOS Keychain, Windows
// Credential Manager, or a Secret Service provider on Linux (GNOME Keyring,
// KWallet, KeePassXC).
//
// Every secret is one item under the service name "mcptray" whose user (account)
// string is "SERVER/KEY", for example "github/GITHUB_TOKEN". Key names look like
// environment variable names and never contain "/", so the split is unambiguous
// even for server names that do. On macOS the item shows up in Keychain Access
// as "mcptray" with account "github/GITHUB_TOKEN"; on Windows as the generic
// credential "mcptray:github/GITHUB_TOKEN"; with the Secret Service as
// "Password for 'github/GITHUB_TOKEN' on 'mcptray'".
//
// The credential stores cannot list their items, so the names of a server's
// secrets live in config.json and callers pass them in (see [Store.List] and
// [GetAll]).
//
// The package never logs, and its errors never contain a secret value. It never
// falls back to writing a secret to a file: when no credential store is
// reachable, calls fail with [ErrUnavailable].
package keychain

import (
	"context"
	"errors"
)

// Service is the service name every MCP Tray item is stored under.
const Service = "mcptray"

// Store keeps secrets, one per server and key. Implementations are safe for
// concurrent use. Every method validates its names first (see [ErrInvalidName])
// and returns errors that satisfy errors.Is with one of this package's
// sentinel errors, wrapped in an [*OpError] that names the server and key.
type Store interface {
	// Get returns the value stored for key of server, or an error that is
	// ErrNotFound when there is none. It blocks until the credential store
	// answers or the Store's timeout expires.
	Get(ctx context.Context, server, key string) (string, error)
	// Set stores value for key of server, replacing any previous value. It is
	// idempotent. Values that are empty or contain a NUL byte fail with
	// ErrInvalidValue, values too large for this system's credential store
	// with ErrTooLarge, both before the store is called.
	Set(ctx context.Context, server, key, value string) error
	// Delete removes the value of key of server. Deleting a value that does
	// not exist fails with ErrNotFound; callers that want "make sure it is
	// gone" semantics treat that as success.
	Delete(ctx context.Context, server, key string) error
	// List reports, for each of the given key names (the names live in
	// config.json because the credential stores cannot list), whether a value
	// is set, in the order given. It never returns values. It fails on the
	// first error other than ErrNotFound.
	List(ctx context.Context, server string, keys []string) ([]Item, error)
}

// Item says whether a secret is set. It never carries the value.
type Item struct {
	Key string `json:"key"`
	Set bool   `json:"set"`
}

// GetAll reads the secrets named by keys for server, as needed to spawn it,
// and returns them as a map from key to value. Keys that have no value are
// collected into one [*MissingError] (which satisfies errors.Is(err,
// ErrNotFound)); the returned map then holds the values that were found. Any
// other error stops the reading and is returned with a nil map. Keys are read
// one after another: a System store serializes its calls anyway.
func GetAll(ctx context.Context, s Store, server string, keys []string) (map[string]string, error) {
	values := make(map[string]string, len(keys))
	var missing []string
	seen := make(map[string]bool, len(keys))
	for _, key := range keys {
		if seen[key] {
			continue
		}
		seen[key] = true
		v, err := s.Get(ctx, server, key)
		switch {
		case err == nil:
			values[key] = v
		case errors.Is(err, ErrNotFound):
			missing = append(missing, key)
		default:
			return nil, err
		}
	}
	if len(missing) > 0 {
		return values, &MissingError{Server: server, Keys: missing}
	}
	return values, nil
}

// DeleteAll removes the values of a server's keys from s, one after another; a key that holds
// no value is fine. It stops at the first other error and returns it.
func DeleteAll(ctx context.Context, s Store, server string, keys []string) error {
	for _, key := range keys {
		if err := s.Delete(ctx, server, key); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	return nil
}

// listWith implements Store.List on top of a Get function.
func listWith(ctx context.Context, get func(context.Context, string, string) (string, error), server string, keys []string) ([]Item, error) {
	items := make([]Item, 0, len(keys))
	for _, key := range keys {
		_, err := get(ctx, server, key)
		switch {
		case err == nil:
			items = append(items, Item{Key: key, Set: true})
		case errors.Is(err, ErrNotFound):
			items = append(items, Item{Key: key, Set: false})
		default:
			return nil, err
		}
	}
	return items, nil
}

// user is the account string of the item holding key of server.
func user(server, key string) string {
	return server + "/" + key
}
