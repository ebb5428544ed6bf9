package config

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/mcptray/mcptray/internal/atomicfile"
	"github.com/mcptray/mcptray/keychain"
)

// The accepted configuration is the last state of config.json the person confirmed (see
// Review). It is kept in accepted.json beside config.json, sealed with an HMAC-SHA256 whose
// key lives in the keychain, so another program cannot simply write its own.

// ErrNoAccepted means nothing was accepted yet for this home: no accepted.json and no key.
// A home from before this record existed is in this state once; its config.json is then
// accepted as it is.
var ErrNoAccepted = errors.New("MCP Tray has no record yet of what you accepted")

// ErrTampered means accepted.json is missing while its key exists, or its seal does not
// match: something other than MCP Tray changed it.
var ErrTampered = errors.New("MCP Tray's record of what you accepted (accepted.json) was changed or removed by another program")

// AcceptedFile is where the sealed accepted configuration lives.
func (h Home) AcceptedFile() string { return filepath.Join(string(h), "accepted.json") }

// acceptKeyFile keeps the seal key when no keychain is reachable: weaker (any program of the
// user can read it), but the seal still stops a program that only edits MCP Tray's files.
func (h Home) acceptKeyFile() string { return filepath.Join(string(h), "accepted.key") }

// sealed is the content of accepted.json.
type sealed struct {
	Config json.RawMessage `json:"config"`
	MAC    string          `json:"mac"`
}

// AcceptKey is the key that seals a home's accepted.json. The zero value cannot seal.
type AcceptKey struct {
	key []byte
	// Fresh is true when the key did not exist before this call.
	Fresh bool
}

// keychainAccount names a home's seal key in the keychain: one key per home, under a "server"
// name no configured server can have (it has spaces).
func keychainAccount(h Home) (server, key string) {
	abs, err := filepath.Abs(string(h))
	if err != nil {
		abs = string(h)
	}
	sum := sha256.Sum256([]byte(abs))
	return "mcptray config " + hex.EncodeToString(sum[:8]), "SEAL_KEY"
}

// LoadAcceptKey returns the seal key of h, creating it if there is none: from keys when it
// is reachable (nil means none), else from a file in the home. It blocks while the keychain
// asks the person to unlock it, until ctx ends.
func (h Home) LoadAcceptKey(ctx context.Context, keys keychain.Store) (AcceptKey, error) {
	if keys != nil {
		server, name := keychainAccount(h)
		v, err := keys.Get(ctx, server, name)
		if err == nil {
			return decodeKey(v)
		}
		if errors.Is(err, keychain.ErrNotFound) {
			if _, ferr := os.Stat(h.acceptKeyFile()); ferr == nil {
				return h.fileKey(false) // sealed while the keychain was unreachable
			}
			k := newKey()
			if err := keys.Set(ctx, server, name, hex.EncodeToString(k)); err != nil {
				return AcceptKey{}, fmt.Errorf("saving MCP Tray's config seal in the keychain: %w", err)
			}
			return AcceptKey{key: k, Fresh: true}, nil
		}
		if !errors.Is(err, keychain.ErrUnavailable) {
			return AcceptKey{}, fmt.Errorf("reading MCP Tray's config seal from the keychain: %w", err)
		}
		_, kerr := os.Stat(h.acceptKeyFile())
		if _, aerr := os.Stat(h.AcceptedFile()); aerr == nil && errors.Is(kerr, fs.ErrNotExist) {
			// Sealed with the keychain's key earlier: a new key would call the record forged.
			return AcceptKey{}, fmt.Errorf("reading MCP Tray's config seal from the keychain: %w", err)
		}
	}
	return h.fileKey(true)
}

func (h Home) fileKey(create bool) (AcceptKey, error) {
	b, err := os.ReadFile(h.acceptKeyFile())
	if err == nil {
		return decodeKey(strings.TrimSpace(string(b)))
	}
	if !errors.Is(err, fs.ErrNotExist) || !create {
		return AcceptKey{}, fmt.Errorf("reading MCP Tray's config seal: %w", err)
	}
	if err := h.Ensure(); err != nil {
		return AcceptKey{}, err
	}
	k := newKey()
	if err := atomicfile.WriteFile(h.acceptKeyFile(), []byte(hex.EncodeToString(k)+"\n"), 0o600); err != nil {
		return AcceptKey{}, fmt.Errorf("saving MCP Tray's config seal: %w", err)
	}
	return AcceptKey{key: k, Fresh: true}, nil
}

func newKey() []byte {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		panic("config: no randomness: " + err.Error())
	}
	return k
}

func decodeKey(v string) (AcceptKey, error) {
	k, err := hex.DecodeString(v)
	if err != nil || len(k) < 32 {
		return AcceptKey{}, ErrTampered
	}
	return AcceptKey{key: k}, nil
}

func (k AcceptKey) mac(h Home, data []byte) string {
	m := hmac.New(sha256.New, k.key)
	abs, _ := filepath.Abs(string(h))
	m.Write([]byte(abs))
	m.Write([]byte{0})
	m.Write(data)
	return hex.EncodeToString(m.Sum(nil))
}

// LoadAccepted reads and checks accepted.json. It returns ErrNoAccepted when there is none
// and the key was fresh (nothing was ever accepted), ErrTampered when the seal does not
// match or the file is gone while the key exists.
func (h Home) LoadAccepted(k AcceptKey) (*Config, error) {
	if k.key == nil {
		return nil, errors.New("config: LoadAccepted without a key")
	}
	data, err := os.ReadFile(h.AcceptedFile())
	if errors.Is(err, fs.ErrNotExist) {
		if k.Fresh {
			return nil, ErrNoAccepted
		}
		return nil, ErrTampered
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", h.AcceptedFile(), err)
	}
	var s sealed
	if err := json.Unmarshal(data, &s); err != nil || !hmac.Equal([]byte(s.MAC), []byte(k.mac(h, s.Config))) {
		return nil, ErrTampered
	}
	c, err := Parse(h.AcceptedFile(), s.Config)
	if err != nil {
		return nil, ErrTampered
	}
	return c, nil
}

// SaveAccepted seals c and writes it atomically to accepted.json (0600).
func (h Home) SaveAccepted(k AcceptKey, c *Config) error {
	if k.key == nil {
		return errors.New("config: SaveAccepted without a key")
	}
	if err := h.Ensure(); err != nil {
		return err
	}
	data, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encoding the accepted config: %w", err)
	}
	out, err := json.Marshal(sealed{Config: data, MAC: k.mac(h, data)})
	if err != nil {
		return fmt.Errorf("encoding the accepted config: %w", err)
	}
	if err := atomicfile.WriteFile(h.AcceptedFile(), append(out, '\n'), 0o600); err != nil {
		return fmt.Errorf("saving the accepted config: %w", err)
	}
	return nil
}

// SameConfig reports whether a and b are the same configuration, unknown fields included.
func SameConfig(a, b *Config) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}
