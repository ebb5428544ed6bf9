package policy

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/mcptray/mcptray/keychain"
)

// The key that seals an audit log's head mark lives in the keychain, one item per audit
// directory, under a "server" name that no configured server can have (server names have no
// spaces), so it never meets a server's secrets: "mcptray audit 1a2b…" with the key name
// AUDIT_KEY, under the service "mcptray" (like config.json's seal, "mcptray config 1a2b…").
// The name comes from the directory's absolute path: two MCP Tray homes have two keys, and a
// home that is moved needs its log sealed anew (Verify then says the key is missing).

// auditKeyBytes is the size of the random HMAC key.
const auditKeyBytes = 32

// auditKeyName is where dir's audit key is kept in the keychain.
func auditKeyName(dir string) (server, key string) {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	sum := sha256.Sum256([]byte(filepath.Clean(dir)))
	return "mcptray audit " + hex.EncodeToString(sum[:8]), "AUDIT_KEY"
}

// AuditKey reads the key that seals the head mark of the audit log in dir from the keychain.
// With create, a missing key is made (32 random bytes) and stored first; only the daemon,
// which writes the log, creates it. Without create, a missing key is an error wrapping
// keychain.ErrNotFound. Other errors are the keychain's (unavailable, locked, timed out).
func AuditKey(ctx context.Context, store keychain.Store, dir string, create bool) ([]byte, error) {
	server, name := auditKeyName(dir)
	v, err := store.Get(ctx, server, name)
	if errors.Is(err, keychain.ErrNotFound) && create {
		var key [auditKeyBytes]byte
		if _, err := rand.Read(key[:]); err != nil {
			return nil, fmt.Errorf("making the audit log's key: %w", err)
		}
		if err := store.Set(ctx, server, name, hex.EncodeToString(key[:])); err != nil {
			return nil, fmt.Errorf("saving the audit log's key in the keychain: %w", err)
		}
		return key[:], nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the audit log's key from the keychain: %w", err)
	}
	key, err := hex.DecodeString(v)
	if err != nil || len(key) != auditKeyBytes {
		return nil, errors.New("the audit log's key in the keychain is damaged, so the end of the log cannot be checked")
	}
	return key, nil
}
