package release

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
)

// Programs are the names of the programs an MCP Tray install folder holds.
var Programs = []string{"mcptray", "mcptray-app", "mcptray-otel"}

// Apply downloads the programs of o that dir holds now, checks each against the SHA-256 and
// size the signed manifest gave, and only when every one matches swaps them into dir: each
// current program becomes its Previous name (replacing an older one kept there) and the new
// one takes its place. A program o lists that dir does not hold is not added.
//
// On a checksum or size mismatch it returns an error matching ErrBadFile and dir is as it was;
// if a swap fails part way, the programs already swapped are put back. A running program may
// be replaced (it keeps running from the old file); the new version runs from its next start.
func (c *Checker) Apply(ctx context.Context, o Offer, dir string) error {
	type ready struct{ tmp, target string }
	var staged []ready
	defer func() {
		for _, r := range staged {
			os.Remove(r.tmp)
		}
	}()
	for _, f := range o.Files {
		target := filepath.Join(dir, f.Name+exeSuffix())
		if _, err := os.Stat(target); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		tmp, err := c.download(ctx, f, dir)
		if err != nil {
			return err
		}
		staged = append(staged, ready{tmp, target})
	}
	if len(staged) == 0 {
		return fmt.Errorf("the update holds none of the programs in %s, so nothing was replaced", dir)
	}
	var done []string
	for _, r := range staged {
		if err := swapIn(r.tmp, r.target); err != nil {
			for _, t := range done {
				os.Rename(Previous(t), t)
			}
			return fmt.Errorf("replacing %s: %w; the previous version stays in place", filepath.Base(r.target), err)
		}
		done = append(done, r.target)
	}
	staged = nil
	return nil
}

// Previous is where the version before the last update of program is kept.
func Previous(program string) string {
	ext := filepath.Ext(program)
	if ext != ".exe" {
		ext = ""
	}
	return program[:len(program)-len(ext)] + ".previous" + ext
}

// Rollback puts back, in dir, the programs kept by the last Apply, and keeps the versions it
// replaces as Previous in turn (so a second Rollback goes forward again). It returns
// ErrNoRollback when nothing was kept.
func Rollback(dir string) error {
	var found bool
	for _, p := range Programs {
		cur := filepath.Join(dir, p+exeSuffix())
		prev := Previous(cur)
		if _, err := os.Stat(prev); err != nil {
			continue
		}
		found = true
		tmp := cur + ".rollback"
		if err := os.Rename(cur, tmp); err != nil {
			return fmt.Errorf("going back to the previous %s: %w", p, err)
		}
		if err := os.Rename(prev, cur); err != nil {
			os.Rename(tmp, cur)
			return fmt.Errorf("going back to the previous %s: %w", p, err)
		}
		if err := os.Rename(tmp, prev); err != nil {
			return fmt.Errorf("keeping the newer %s after going back: %w", p, err)
		}
	}
	if !found {
		return ErrNoRollback
	}
	return nil
}

// swapIn keeps target as Previous(target) and renames tmp into its place.
func swapIn(tmp, target string) error {
	prev := Previous(target)
	if err := os.Rename(target, prev); err != nil {
		return err
	}
	if err := os.Rename(tmp, target); err != nil {
		os.Rename(prev, target)
		return err
	}
	return nil
}

// download fetches f into a temporary file in dir and returns its path once its size and
// SHA-256 match; on any error the file is removed.
func (c *Checker) download(ctx context.Context, f File, dir string) (path string, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.URL, nil)
	if err != nil {
		return "", fmt.Errorf("downloading %s: %w", f.Name, err)
	}
	resp, err := c.client().Do(req)
	if err != nil {
		return "", fmt.Errorf("could not download %s: %w", f.Name, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("could not download %s: the server answered %s", f.Name, resp.Status)
	}
	out, err := os.CreateTemp(dir, "."+f.Name+".new-*")
	if err != nil {
		return "", fmt.Errorf("could not write into %s: %w", dir, err)
	}
	defer func() {
		if err != nil {
			out.Close()
			os.Remove(out.Name())
		}
	}()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), io.LimitReader(resp.Body, f.Size+1))
	if err != nil {
		return "", fmt.Errorf("could not download %s: %w", f.Name, err)
	}
	if n != f.Size || hex.EncodeToString(h.Sum(nil)) != f.SHA256 {
		return "", fmt.Errorf("%w (%s)", ErrBadFile, f.Name)
	}
	if err := out.Chmod(0o755); err != nil && runtime.GOOS != "windows" {
		return "", fmt.Errorf("could not make %s runnable: %w", f.Name, err)
	}
	if err := out.Sync(); err != nil {
		return "", fmt.Errorf("could not write %s: %w", f.Name, err)
	}
	if err := out.Close(); err != nil {
		return "", fmt.Errorf("could not write %s: %w", f.Name, err)
	}
	return out.Name(), nil
}

func exeSuffix() string {
	if runtime.GOOS == "windows" {
		return ".exe"
	}
	return ""
}
