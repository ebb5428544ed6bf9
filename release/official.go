package release

import (
	"crypto/ed25519"
	"encoding/base64"
)

// publicKey is MCP Tray's Ed25519 release public key, base64, set by a release build with
// -ldflags "-X github.com/mcptray/mcptray/release.publicKey=…". The private key is not in the
// repository; a build without the public key cannot update itself (Official returns ErrNoKey).
var publicKey = ""

// manifestURL is where the signed release manifest is published; a release build may set it
// with -ldflags "-X github.com/mcptray/mcptray/release.manifestURL=…".
var manifestURL = "https://github.com/mcptray/mcptray/releases/latest/download/manifest.json"

// Official returns the checker for MCP Tray's own releases, for the running version current
// (main.version). It returns ErrNoKey when this build has no release key compiled in.
func Official(current string) (*Checker, error) {
	key, err := base64.StdEncoding.DecodeString(publicKey)
	if err != nil || len(key) != ed25519.PublicKeySize {
		return nil, ErrNoKey
	}
	return &Checker{URL: manifestURL, Key: ed25519.PublicKey(key), Current: current}, nil
}
