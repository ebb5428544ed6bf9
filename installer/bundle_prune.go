package installer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mcptray/mcptray/bundle"
	"github.com/mcptray/mcptray/config"
)

// bundleGrace is how long a file in BundlesDir is kept even when no server records it: an
// install that has just downloaded it (or found it there, see FetchBundle) saves its server
// only after checking and unpacking, and must not lose the file meanwhile.
const bundleGrace = time.Hour

// PruneBundles deletes the bundles in BundlesDir that no server in config.json uses any more,
// neither as what it runs nor as what `mcptray update --rollback` would put back. A bundle
// that released (servers just removed, or definitions an update just dropped) ran is deleted
// at once; any other is kept for an hour after it was downloaded or reused, for the install
// that may be about to use it. It returns the files deleted. Call it after a server is
// removed or updated; it is safe to call at any time and twice. A file it cannot delete is
// left and named in the error.
func PruneBundles(home config.Home, released ...*config.Server) ([]string, error) {
	dir := BundlesDir(home)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the folder of downloaded bundles: %w", err)
	}
	cfg, err := home.Load()
	if err != nil {
		return nil, fmt.Errorf("config.json has a problem, so no downloaded bundle was deleted: %w", err)
	}
	used, gone := map[string]bool{}, map[string]bool{}
	for _, s := range cfg.Servers {
		bundlesOf(s, used)
	}
	for _, s := range released {
		bundlesOf(s, gone)
	}
	cutoff := time.Now().Add(-bundleGrace)
	var deleted []string
	var errs []error
	for _, e := range entries {
		sha, ok := strings.CutSuffix(e.Name(), ".mcpb")
		if !ok || !e.Type().IsRegular() || used[sha] {
			continue // a download under way is ".download-*.mcpb" and is never used: the grace keeps it
		}
		info, err := e.Info()
		if err != nil || !gone[sha] && info.ModTime().After(cutoff) {
			continue
		}
		p := filepath.Join(dir, e.Name())
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("deleting the downloaded bundle %s: %w", p, err))
			continue
		}
		deleted = append(deleted, p)
	}
	return deleted, errors.Join(errs...)
}

// bundlesOf adds the sha256 of the bundle s runs, and of the one its rollback ran, to set.
func bundlesOf(s *config.Server, set map[string]bool) {
	if s == nil {
		return
	}
	for _, d := range []*config.Server{s, s.Rollback} {
		if d != nil && d.Frozen != nil && d.Frozen.Registry == bundle.RegistryType {
			set[strings.TrimPrefix(d.Frozen.Lock, "sha256:")] = true
		}
	}
}
