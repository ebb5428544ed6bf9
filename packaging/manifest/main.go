// Command manifest writes MCP Tray's signed release manifest (docs/app-updates.md) for the
// programs of one release, at release time, on the machine that holds the signing key:
//
//	manifest -genkey                      print a new key pair (keep the private key secret;
//	                                      the public one goes into MCPTRAY_UPDATE_KEY)
//	MCPTRAY_RELEASE_SIGNING_KEY=… manifest -version 0.2.0 \
//	    -base-url https://github.com/mcptray/mcptray/releases/download/v0.2.0 \
//	    linux-amd64:mcptray=dist/release/mcptray-linux-amd64 \
//	    linux-amd64:mcptray-app=dist/release/mcptray-app-linux-amd64 … > manifest.json
//
// Each argument is PLATFORM:PROGRAM=FILE; the file is uploaded next to the manifest under its
// own name, so its URL is the base URL and that name. The key is the base64 Ed25519 private
// key (64 bytes) or its seed (32 bytes).
package main

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mcptray/mcptray/release"
)

func main() {
	genkey := flag.Bool("genkey", false, "print a new key pair and stop")
	version := flag.String("version", "", "the release's version, e.g. 0.2.0")
	base := flag.String("base-url", "", "where the files are downloaded from (https)")
	notes := flag.String("notes", "", "what changed, in a sentence or two")
	flag.Parse()
	if *genkey {
		pub, priv, err := ed25519.GenerateKey(nil)
		if err != nil {
			fail(err)
		}
		fmt.Printf("MCPTRAY_UPDATE_KEY=%s\nMCPTRAY_RELEASE_SIGNING_KEY=%s\n",
			base64.StdEncoding.EncodeToString(pub), base64.StdEncoding.EncodeToString(priv.Seed()))
		return
	}
	key, err := signingKey(os.Getenv("MCPTRAY_RELEASE_SIGNING_KEY"))
	if err != nil {
		fail(err)
	}
	out, err := build(*version, *base, *notes, flag.Args(), key, time.Now().UTC())
	if err != nil {
		fail(err)
	}
	os.Stdout.Write(out)
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "manifest: %v\n", err)
	os.Exit(1)
}

// signingKey reads a base64 private key or seed.
func signingKey(s string) (ed25519.PrivateKey, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	switch {
	case err != nil || s == "":
		return nil, fmt.Errorf("MCPTRAY_RELEASE_SIGNING_KEY must hold the base64 signing key")
	case len(b) == ed25519.SeedSize:
		return ed25519.NewKeyFromSeed(b), nil
	case len(b) == ed25519.PrivateKeySize:
		return ed25519.PrivateKey(b), nil
	}
	return nil, fmt.Errorf("MCPTRAY_RELEASE_SIGNING_KEY is not an Ed25519 key")
}

// build hashes the files the arguments name and returns the signed manifest; it checks the
// result with release.Open, so it never writes a manifest MCP Tray would refuse.
func build(version, base, notes string, args []string, key ed25519.PrivateKey, now time.Time) ([]byte, error) {
	m := release.Manifest{App: release.AppID, Version: version, Published: now, Notes: notes, Platforms: map[string][]release.File{}}
	for _, a := range args {
		platform, rest, ok1 := strings.Cut(a, ":")
		name, path, ok2 := strings.Cut(rest, "=")
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("%q is not PLATFORM:PROGRAM=FILE", a)
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		h := sha256.New()
		n, err := io.Copy(h, f)
		f.Close()
		if err != nil {
			return nil, err
		}
		m.Platforms[platform] = append(m.Platforms[platform], release.File{
			Name: name, URL: strings.TrimSuffix(base, "/") + "/" + filepath.Base(path),
			SHA256: hex.EncodeToString(h.Sum(nil)), Size: n,
		})
	}
	body, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	signed, err := release.Sign(body, key)
	if err != nil {
		return nil, err
	}
	if _, err := release.Open(signed, key.Public().(ed25519.PublicKey)); err != nil {
		return nil, fmt.Errorf("the manifest would be refused: %w", err)
	}
	return append(signed, '\n'), nil
}
