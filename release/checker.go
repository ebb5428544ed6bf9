package release

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"time"
)

// Interval is how often a check may run: never more than once a day.
const Interval = 24 * time.Hour

// maxManifest bounds what is read of a manifest; a real one is a few kilobytes.
const maxManifest = 1 << 20

// Checker finds out whether a newer MCP Tray is published. Its zero value is not usable:
// URL and Key are required. It is safe for concurrent use once set up.
type Checker struct {
	// URL is the published, signed manifest (https, or http on the loopback for tests).
	URL string
	// Key is MCP Tray's release public key.
	Key ed25519.PublicKey
	// Current is the running version (main.version).
	Current string
	// Platform is GOOS-GOARCH; empty means this computer's.
	Platform string
	// Client fetches the manifest and the programs; nil means a client with a 30-minute limit
	// (the tray app is some 60 MB). Callers bound a check further with their context.
	Client *http.Client
}

// Offer is a newer version that may be applied.
type Offer struct {
	Version string
	Notes   string
	Files   []File
}

// Due reports whether a check should run at now under the person's settings: only when they
// agreed, and at most once per Interval since the last check.
func Due(s Settings, now time.Time) bool {
	return s.Enabled && (s.LastCheck.IsZero() || !now.Before(s.LastCheck.Add(Interval)))
}

// Check fetches and verifies the manifest and returns the offer for this platform. It returns
// ErrBadSignature, ErrNotNewer (this version or an older one is published: nothing to do, or
// a replayed old manifest) or ErrNoPlatform, or an error saying the manifest could not be
// fetched. It replaces nothing.
func (c *Checker) Check(ctx context.Context) (Offer, error) {
	if len(c.Key) != ed25519.PublicKeySize || c.URL == "" {
		return Offer{}, ErrNoKey
	}
	if !allowedURL(c.URL) {
		return Offer{}, fmt.Errorf("the update address %q is not https, so it was not used", c.URL)
	}
	body, err := c.get(ctx, c.URL, maxManifest)
	if err != nil {
		return Offer{}, fmt.Errorf("could not fetch the update description: %w", err)
	}
	m, err := Open(body, c.Key)
	if err != nil {
		return Offer{}, err
	}
	newer, ok := Newer(m.Version, c.Current)
	if !ok {
		return Offer{}, fmt.Errorf("this copy of MCP Tray (%s) is not a numbered release, so it is not updated", c.Current)
	}
	if !newer {
		return Offer{}, ErrNotNewer
	}
	files := m.Platforms[c.platform()]
	if len(files) == 0 {
		return Offer{}, fmt.Errorf("%w (%s)", ErrNoPlatform, c.platform())
	}
	return Offer{Version: m.Version, Notes: m.Notes, Files: files}, nil
}

func (c *Checker) platform() string {
	if c.Platform != "" {
		return c.Platform
	}
	return runtime.GOOS + "-" + runtime.GOARCH
}

func (c *Checker) client() *http.Client {
	if c.Client != nil {
		return c.Client
	}
	return &http.Client{Timeout: 30 * time.Minute}
}

// get reads at most limit bytes from u; more than limit is an error.
func (c *Checker) get(ctx context.Context, u string, limit int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.client().Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("the server answered %s", resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("the answer is larger than expected")
	}
	return b, nil
}

// allowedURL accepts https, and plain http only to this computer (a local test server).
func allowedURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return false
	}
	switch u.Scheme {
	case "https":
		return true
	case "http":
		h := u.Hostname()
		ip := net.ParseIP(h)
		return h == "localhost" || (ip != nil && ip.IsLoopback())
	}
	return false
}
