package release

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"time"
)

// Manifest describes one release: its version and, per platform ("linux-amd64",
// "windows-amd64", …), the programs that make it up. It is only ever read from the bytes a
// valid signature covers (Open).
type Manifest struct {
	App       string            `json:"app"`
	Version   string            `json:"version"`
	Published time.Time         `json:"published"`
	Notes     string            `json:"notes,omitempty"`
	Platforms map[string][]File `json:"platforms"`
}

// File is one program of a release: its name in the install folder (without ".exe"), where
// to download it, and what it must hash to.
type File struct {
	Name   string `json:"name"`
	URL    string `json:"url"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// Signed is the form a manifest is published in: the manifest's exact bytes and an Ed25519
// signature over them, both base64. The signature covers signingContext followed by the
// bytes, so a signature made with the key for anything else never verifies here.
type Signed struct {
	Manifest  string `json:"manifest"`
	Signature string `json:"signature"`
}

const signingContext = "mcptray release manifest v1\n"

// Sign returns the published form of a manifest's bytes signed with key: what the release
// process uploads, and what tests serve with a throwaway key.
func Sign(manifest []byte, key ed25519.PrivateKey) ([]byte, error) {
	sig := ed25519.Sign(key, append([]byte(signingContext), manifest...))
	return json.MarshalIndent(Signed{
		Manifest:  base64.StdEncoding.EncodeToString(manifest),
		Signature: base64.StdEncoding.EncodeToString(sig),
	}, "", "  ")
}

var (
	fileName = regexp.MustCompile(`^mcptray(-app|-otel)?$`)
	hexSum   = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// Open verifies a published manifest with key and returns what it signs. It returns
// ErrBadSignature unless the signature is valid, and reads nothing the signature does not
// cover; a signed manifest must then be well formed (known members only, MCP Tray's app id,
// a version, programs named mcptray, mcptray-app or mcptray-otel with a SHA-256 and size each, https URLs
// or loopback http ones).
func Open(published []byte, key ed25519.PublicKey) (Manifest, error) {
	var m Manifest
	if len(key) != ed25519.PublicKeySize {
		return m, ErrNoKey
	}
	var s Signed
	if err := strict(published, &s); err != nil {
		return m, ErrBadSignature
	}
	body, err1 := base64.StdEncoding.DecodeString(s.Manifest)
	sig, err2 := base64.StdEncoding.DecodeString(s.Signature)
	if err1 != nil || err2 != nil || !ed25519.Verify(key, append([]byte(signingContext), body...), sig) {
		return m, ErrBadSignature
	}
	if err := strict(body, &m); err != nil {
		return m, fmt.Errorf("the signed update description cannot be read: %w", err)
	}
	if m.App != AppID {
		return m, fmt.Errorf("the signed update is for another app (%q), so it was not used", m.App)
	}
	if _, ok := parseVersion(m.Version); !ok {
		return m, fmt.Errorf("the signed update has no usable version number")
	}
	for platform, files := range m.Platforms {
		seen := map[string]bool{}
		for _, f := range files {
			if !fileName.MatchString(f.Name) || seen[f.Name] || !hexSum.MatchString(f.SHA256) || f.Size <= 0 || !allowedURL(f.URL) {
				return m, fmt.Errorf("the signed update lists a program for %s that cannot be used", platform)
			}
			seen[f.Name] = true
		}
	}
	return m, nil
}

// strict decodes exactly one JSON value with no unknown members.
func strict(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return fmt.Errorf("more than one value")
	}
	return nil
}
