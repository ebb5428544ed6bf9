package reconcile

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/keychain"
)

// Restored says what RestoreClient did.
type Restored struct {
	Files    []clients.Restored
	Disabled bool     // MCP Tray stopped changing the client's files (it had a binding)
	Warnings []string // sentences about credentials that could not be put back
}

// RestoreClient puts back the newest backup of each of the client's files and hands them
// back to the person: the client's binding leaves config.json, so MCP Tray neither adds its
// entries again nor takes out the ones the backup holds (a switched-off client's entries are
// taken out, which backed the restored file up as a newer generation, and the next restore
// found that copy instead of going one change further back). Enabling the client binds it
// afresh (every server). Credentials an import took out of the backup come back from the
// keychain. It blocks on file I/O and the keychain.
func RestoreClient(ctx context.Context, opts ImportOptions, id string) (Restored, error) {
	return restoreClient(ctx, opts, id, clients.Restore)
}

// RestoreClientOriginal is RestoreClient with each of the client's files put back as it was
// before MCP Tray's first change to it (clients.RestoreOriginal): a file that change created
// is removed. The original stays kept. A file with no original is left as it is; with none at
// all the error wraps clients.ErrNoBackup.
func RestoreClientOriginal(ctx context.Context, opts ImportOptions, id string) (Restored, error) {
	return restoreClient(ctx, opts, id, clients.RestoreOriginal)
}

// FileBackups is what MCP Tray keeps of one of a client's files.
type FileBackups struct {
	Path     string
	Backups  []clients.Backup // newest first
	Original clients.Original
	// HasOriginal is false when MCP Tray keeps no copy from before its first change.
	HasOriginal bool
}

// ClientBackups lists the backups kept of each of the client's files that has any. It only
// reads.
func ClientBackups(opts ImportOptions, id string) ([]FileBackups, error) {
	c, ok := clients.ByID(id)
	if !ok {
		return nil, fmt.Errorf("MCP Tray does not know an AI client called %q", id)
	}
	if opts.Env.GOOS == "" {
		opts.Env = clients.FromOS()
	}
	dir := clients.BackupDir(opts.Home.BackupDir())
	var out []FileBackups
	for _, path := range c.Paths(opts.Env) {
		list, err := clients.Backups(c, path, dir)
		if err != nil {
			return nil, err
		}
		orig, has := clients.OriginalOf(c, path, dir)
		if len(list) > 0 || has {
			out = append(out, FileBackups{Path: path, Backups: list, Original: orig, HasOriginal: has})
		}
	}
	return out, nil
}

func restoreClient(ctx context.Context, opts ImportOptions, id string, restore func(clients.Client, string, clients.BackupDir) (clients.Restored, error)) (Restored, error) {
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
		r, warnings, err := restoreFileWith(ctx, c, path, backups, opts.Keys, restore)
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
		if b := cfg.Clients[id]; b != nil {
			out.Disabled = true
			delete(cfg.Clients, id)
		}
		return nil
	})
	return out, err
}

// restoreFile puts the newest backup of path back (clients.Restore) and fills in the
// credentials an import took out of it, from keys. Credentials that are no longer in the
// keychain stay markers, each reported in a sentence.
func restoreFile(ctx context.Context, c clients.Client, path string, backups clients.BackupDir, keys keychain.Store) (clients.Restored, []string, error) {
	return restoreFileWith(ctx, c, path, backups, keys, clients.Restore)
}

// restoreFileWith is restoreFile with restore (clients.Restore or clients.RestoreOriginal)
// putting the copy back.
func restoreFileWith(ctx context.Context, c clients.Client, path string, backups clients.BackupDir, keys keychain.Store, restore func(clients.Client, string, clients.BackupDir) (clients.Restored, error)) (clients.Restored, []string, error) {
	r, err := restore(c, path, backups)
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
	if err := clients.Rewrite(path, out); err != nil {
		return r, warnings, fmt.Errorf("putting the credentials back into %s: %w", path, err)
	}
	return r, warnings, nil
}
