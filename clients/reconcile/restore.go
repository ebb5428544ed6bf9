package reconcile

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/internal/atomicfile"
	"github.com/mcptray/mcptray/keychain"
)

// Restored says what RestoreClient did.
type Restored struct {
	Files    []clients.Restored
	Disabled bool     // MCP Tray stopped writing the client's files
	Warnings []string // sentences about credentials that could not be put back
}

// RestoreClient puts back the newest backup of each of the client's files and switches the
// client off in config.json, so MCP Tray does not add its entries again. Credentials an
// import took out of the backup come back from the keychain. It blocks on file I/O and the
// keychain.
func RestoreClient(ctx context.Context, opts ImportOptions, id string) (Restored, error) {
	var out Restored
	c, ok := clients.ByID(id)
	if !ok {
		return out, fmt.Errorf("MCP Tray does not know an AI client called %q", id)
	}
	if opts.Env.GOOS == "" {
		opts.Env = clients.FromOS()
	}
	backups := clients.BackupDir(opts.Home.BackupDir())
	var firstErr error
	for _, path := range c.Paths(opts.Env) {
		r, warnings, err := restoreFile(ctx, c, path, backups, opts.Keys)
		switch {
		case errors.Is(err, clients.ErrNoBackup):
			if firstErr == nil {
				firstErr = err
			}
		case err != nil:
			return out, err
		default:
			out.Files = append(out.Files, r)
			out.Warnings = append(out.Warnings, warnings...)
		}
	}
	if len(out.Files) == 0 {
		return out, firstErr
	}
	err := opts.Home.Update(func(cfg *config.Config) error {
		if b := cfg.Clients[id]; b != nil && b.Enabled {
			DisableClient(cfg, id, nil)
			out.Disabled = true
		}
		return nil
	})
	return out, err
}

// restoreFile puts the newest backup of path back (clients.Restore) and fills in the
// credentials an import took out of it, from keys. Credentials that are no longer in the
// keychain stay markers, each reported in a sentence.
func restoreFile(ctx context.Context, c clients.Client, path string, backups clients.BackupDir, keys keychain.Store) (clients.Restored, []string, error) {
	r, err := clients.Restore(c, path, backups)
	if err != nil {
		return r, nil, err
	}
	content, err := os.ReadFile(path)
	if err != nil || !markerRE.Match(content) {
		return r, nil, nil
	}
	var warnings []string
	missing := map[string]bool{}
	out := markerRE.ReplaceAllFunc(content, func(m []byte) []byte {
		sub := markerRE.FindSubmatch(m)
		server, key := string(sub[1]), string(sub[2])
		if keys != nil {
			if v, err := keys.Get(ctx, server, key); err == nil {
				return []byte(v)
			}
		}
		if !missing[string(m)] {
			missing[string(m)] = true
			warnings = append(warnings, fmt.Sprintf("%s of %s is no longer in the system keychain, so %s holds %s in its place; put the value there by hand.", key, server, path, m))
		}
		return m
	})
	if err := atomicfile.WriteFile(path, out, 0o777); err != nil {
		return r, warnings, fmt.Errorf("putting the credentials back into %s: %w", path, err)
	}
	return r, warnings, nil
}
