package reconcile

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/keychain"
)

// Execute carries the plan out: credentials into the keychain, the entries rewritten, the
// backups cleaned of credentials, the servers added to config.json and the client switched
// on for them (a server of one project stays in that project's entry only). A plan from
// another manager's setup (Client nil) leaves that file as it is and switches no client on.
// If a step fails, what was done is undone and nothing has changed. It blocks on the
// keychain (which may show an unlock prompt) and on file I/O.
func (p *ImportPlan) Execute(ctx context.Context) (ImportResult, error) {
	var res ImportResult
	if len(p.Servers) == 0 {
		return res, nil
	}
	binary := p.opts.Binary
	if binary == "" {
		var err error
		if binary, err = DefaultBinary(); err != nil {
			return res, err
		}
	}
	stored, err := p.storeSecrets(ctx)
	if err != nil {
		return res, err
	}
	backups := clients.BackupDir(p.opts.Home.BackupDir())
	first := map[string]string{}         // file → its backup from before the import
	owner := map[string]clients.Client{} // file → the client narrowed to it
	undo := func() {
		for path := range first {
			if _, _, err := restoreFile(ctx, owner[path], path, backups, p.opts.Keys); err != nil {
				res.Warnings = append(res.Warnings, errorSentence(err))
			}
		}
		for _, ref := range stored {
			p.opts.Keys.Delete(ctx, ref.server, ref.key)
		}
	}
	for _, s := range p.Servers {
		if p.Client == nil {
			break // another manager's setup is only read
		}
		entry := clients.NewEntry(binary, s.Name).WithHome(clients.HomeArg(p.Client, p.opts.Env, string(p.opts.Home)))
		c := s.client
		if c == nil {
			c = p.Client
		}
		r, err := clients.ReplaceWithOurs(c, s.Path, s.Key, entry, clients.ApplyOptions{Backups: backups})
		if err != nil {
			undo()
			return res, fmt.Errorf("MCP Tray changed nothing, because it could not rewrite %q: %w", s.Key, err)
		}
		if _, ok := first[s.Path]; !ok {
			first[s.Path], owner[s.Path] = r.BackupPath, c
			res.Backups = append(res.Backups, r.BackupPath)
		} else if r.BackupPath != "" {
			os.Remove(r.BackupPath) // a step of the import's own: restore goes back to before all of it
		}
		res.Files = append(res.Files, r)
	}
	for path, backup := range first {
		res.Warnings = append(res.Warnings, redactBackups(filepath.Dir(backup), path, stored, owner[path].Format() == "YAML")...)
		// Older copies may hold what this version knows for a credential (one on a command line).
		if err := backups.Clean(owner[path], path); err != nil {
			res.Warnings = append(res.Warnings, fmt.Sprintf("MCP Tray could not take every credential out of the older backups of %s (%s); delete the folder %s once you no longer need to undo the import.", path, errorSentence(err), filepath.Dir(backup)))
		}
	}
	if err := p.opts.Home.Update(p.addServers); err != nil {
		undo()
		return ImportResult{Warnings: res.Warnings}, fmt.Errorf("MCP Tray changed nothing, because config.json could not take the new servers: %w", err)
	}
	return res, nil
}

// secretRef is one credential moved to the keychain.
type secretRef struct{ server, key, value string }

func (p *ImportPlan) storeSecrets(ctx context.Context) ([]secretRef, error) {
	var stored []secretRef
	for _, s := range p.Servers {
		if s.Same {
			continue
		}
		for _, k := range s.Server.Secrets {
			if p.opts.Keys == nil {
				return nil, errors.New("MCP Tray has no keychain to keep the credentials in, so it changed nothing")
			}
			if err := p.opts.Keys.Set(ctx, s.Name, k, s.secrets[k]); err != nil {
				for _, ref := range stored {
					p.opts.Keys.Delete(ctx, ref.server, ref.key)
				}
				return nil, fmt.Errorf("MCP Tray changed nothing, because it could not keep %s of %q in the system keychain: %w", k, s.Key, keychainReason(err))
			}
			stored = append(stored, secretRef{server: s.Name, key: k, value: s.secrets[k]})
		}
	}
	return stored, nil
}

// keychainReason is the keychain's own sentence for err, without the operation in front.
func keychainReason(err error) error {
	var op *keychain.OpError
	if errors.As(err, &op) {
		return op.Err
	}
	return err
}

// addServers is the config.json change of an import.
func (p *ImportPlan) addServers(c *config.Config) error {
	var names []string
	for _, s := range p.Servers {
		if s.Same {
			continue
		}
		if _, exists := c.Servers[s.Name]; exists {
			return fmt.Errorf("a server called %q appeared meanwhile; run the import again", s.Name)
		}
		c.Servers[s.Name] = s.Server
		if s.Project == "" { // a project's server stays in that project (its entry there)
			names = append(names, s.Name)
		}
	}
	if len(names) == 0 || p.Client == nil {
		return nil
	}
	id := p.Client.ID()
	if b := c.Clients[id]; b == nil || !b.Enabled || len(b.Servers) > 0 {
		EnableClient(c, id, names) // the client keeps seeing exactly what it saw, now through MCP Tray
	}
	return nil
}
