package installer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/mcptray/mcptray/bundle"
	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/config"
)

// fetchTimeout bounds downloading one bundle.
const fetchTimeout = 5 * time.Minute

// BundlesDir is where bundles downloaded from the registry are kept, named by their sha256.
func BundlesDir(home config.Home) string { return filepath.Join(string(home), "bundles") }

// FetchBundle downloads the bundle ref names into BundlesDir (or finds it there already) and
// returns its path. The file is kept only when its sha256 is the one the registry lists; any
// other file is refused with one sentence and nothing is kept. hc nil means a client with a
// 5-minute timeout. It blocks until the download ends or ctx does.
func FetchBundle(ctx context.Context, home config.Home, ref catalog.BundleRef, hc *http.Client) (string, error) {
	dir := BundlesDir(home)
	final := filepath.Join(dir, ref.SHA256+".mcpb")
	if sum, err := fileSHA256(final); err == nil && sum == ref.SHA256 {
		// Reused: PruneBundles keeps it through the install that is about to use it.
		now := time.Now()
		_ = os.Chtimes(final, now, now)
		return final, nil
	}
	host := ref.URL
	if u, err := url.Parse(ref.URL); err == nil {
		host = u.Host
	}
	if hc == nil {
		hc = &http.Client{Timeout: fetchTimeout}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ref.URL, nil)
	if err != nil {
		return "", failf("The bundle's address %s cannot be used.", ref.URL)
	}
	resp, err := hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", failf("The bundle could not be downloaded from %s (%v); check the internet connection and try again.", host, rootCause(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", failf("The bundle could not be downloaded from %s (it answered %s).", host, resp.Status)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("making the folder for bundles: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".download-*.mcpb")
	if err != nil {
		return "", fmt.Errorf("saving the bundle: %w", err)
	}
	keep := false
	defer func() {
		if !keep {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(resp.Body, bundle.MaxFile+1))
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", failf("The bundle could not be downloaded from %s (%v); try again.", host, rootCause(err))
	}
	if n > bundle.MaxFile {
		return "", failf("The bundle at %s is larger than %d MB, so it was not installed.", host, bundle.MaxFile>>20)
	}
	if sum := hex.EncodeToString(h.Sum(nil)); sum != ref.SHA256 {
		return "", failf("The bundle downloaded from %s is not the file the registry lists (its checksum differs), so nothing was installed.", host)
	}
	if err := tmp.Sync(); err != nil {
		return "", fmt.Errorf("saving the bundle: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("saving the bundle: %w", err)
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return "", fmt.Errorf("saving the bundle: %w", err)
	}
	keep = true
	return final, nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, io.LimitReader(f, bundle.MaxFile+1)); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
