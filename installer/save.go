package installer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/keychain"
)

// keychainTimeout bounds one keychain operation: an unlock prompt can wait forever.
const keychainTimeout = 2 * time.Minute

// save stores the secrets, then adds the server to config.json. Secrets go first, so the
// running MCP Tray finds them when it starts the server.
func (j *job) save(ctx context.Context) error {
	for _, s := range j.plan.Secrets {
		// Counted for undo before the write: a keychain call that timed out or was
		// cancelled can still complete later, and undo's delete then removes it.
		key := s.Key()
		j.secrets = append(j.secrets, key)
		j.changed = true
		kctx, cancel := context.WithTimeout(ctx, keychainTimeout)
		err := j.in.Keys.Set(kctx, j.name, key, s.Value.Reveal())
		cancel()
		if err != nil {
			return fmt.Errorf("saving %s in the system keychain: %w", key, err)
		}
	}
	if j.plan.Remote != nil {
		def := remoteDefinition(j.plan)
		// The person said yes to an address on the local network: the connection may go there.
		def.AllowPrivateNetwork = slices.Contains(j.req.Allow, catalog.HazardLocalNetwork)
		return j.addServer(&config.Server{Remote: def, Secrets: slices.Clone(j.secrets),
			Source: &config.Source{Catalog: j.entry.ID(), Version: j.plan.Version}, Allowed: slices.Clone(j.req.Allow)})
	}
	command, args, frozen := j.serverCommand()
	env, err := dataFileEnv(j.in.Source.Home, j.name, j.entry, j.plan.Env)
	if err != nil {
		return err
	}
	srv := &config.Server{Command: command, Args: args, Env: env, Secrets: slices.Clone(j.secrets),
		Source: &config.Source{Catalog: j.entry.ID(), Version: j.plan.Version}, Sandbox: config.SandboxOf(j.plan.Sandbox),
		Frozen: frozen, Allowed: slices.Clone(j.req.Allow)}
	if j.entry.Meta.Kubernetes {
		srv.Kube = &config.Kube{}
	}
	return j.addServer(srv)
}

// addServer adds srv to config.json under the job's name, with the non-secret answers and
// the catalog's suggested timeout.
func (j *job) addServer(srv *config.Server) error {
	setSourceValues(srv.Source, answersToKeep(j.plan, j.req.Values))
	if t := j.entry.Meta.Timeout; t != "" { // the catalog's suggestion; `mcptray policy limit` changes it
		srv.Limits = []config.Limit{{Timeout: t}}
	}
	err := j.in.Source.Home.AddServer(j.name, srv)
	if errors.Is(err, config.ErrServerExists) {
		return nameTaken(j.name)
	}
	if err != nil {
		return err
	}
	j.changed, j.addedServer = true, true
	return nil
}

// bindClients lets the chosen AI clients see the server and writes their files now. A
// client not in config.json yet sees every server; one limited to a list gets this server
// added to it.
func (j *job) bindClients(ctx context.Context) error {
	if len(j.req.Clients) == 0 {
		return nil
	}
	j.prevBindings = map[string]*config.ClientBinding{}
	err := j.in.Source.Home.Update(func(c *config.Config) error {
		if c.Clients == nil {
			c.Clients = map[string]*config.ClientBinding{}
		}
		for _, id := range j.req.Clients {
			b := c.Clients[id]
			if _, done := j.prevBindings[id]; !done {
				j.prevBindings[id] = cloneBinding(b)
			}
			if b == nil {
				c.Clients[id] = &config.ClientBinding{Enabled: true}
				continue
			}
			b.Enabled = true
			if len(b.Servers) > 0 && !slices.Contains(b.Servers, j.name) {
				b.Servers = append(b.Servers, j.name)
			}
		}
		return nil
	})
	if err != nil {
		j.prevBindings = nil
		return fmt.Errorf("letting the AI apps see %s: %w", j.name, err)
	}
	j.say(StepClients, "%s", clientsMessage(j.req.Clients))
	j.in.Runtime.Apply()
	err = j.in.Runtime.SyncClients(j.req.Clients)
	j.syncFailed = err != nil
	return err
}

func cloneBinding(b *config.ClientBinding) *config.ClientBinding {
	if b == nil {
		return nil
	}
	raw, _ := json.Marshal(b)
	var c config.ClientBinding
	_ = json.Unmarshal(raw, &c)
	return &c
}

// undo takes back every step the job took, newest first, with its own deadline (the job's
// context may be what ended it). It returns a sentence-worthy error naming what could not be
// removed; when writing the AI apps' files is what failed, that reason is not repeated.
func (j *job) undo() error {
	if !j.changed {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), keychainTimeout)
	defer cancel()
	var errs []error
	if j.addedServer || j.prevBindings != nil {
		err := j.in.Source.Home.Update(func(c *config.Config) error {
			for id, prev := range j.prevBindings {
				if prev == nil {
					delete(c.Clients, id)
				} else {
					c.Clients[id] = prev
				}
			}
			if j.addedServer {
				delete(c.Servers, j.name)
			}
			return nil
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("the server %q could not be removed from config.json again (%v); remove it with: mcptray server remove %s", j.name, err, j.name))
		}
		j.in.Runtime.Apply()
		if len(j.prevBindings) > 0 {
			ids := make([]string, 0, len(j.prevBindings))
			for id := range j.prevBindings {
				ids = append(ids, id)
			}
			slices.Sort(ids)
			if err := j.in.Runtime.SyncClients(ids); err != nil && j.syncFailed {
				errs = append(errs, errors.New("an AI app's settings could not be put back either"))
			} else if err != nil {
				errs = append(errs, fmt.Errorf("an AI app's settings could not be put back (%v)", err))
			}
		}
	}
	for _, key := range j.secrets {
		err := j.in.Keys.Delete(ctx, j.name, key)
		if err != nil && !errors.Is(err, keychain.ErrNotFound) {
			errs = append(errs, fmt.Errorf("the secret %s could not be removed from the keychain again (%v)", key, err))
		}
	}
	j.in.Runtime.Forget(j.name)
	if err := j.unfreeze(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// dataFileEnv returns env with the entry's data file (catalog.Meta.DataFile) set to a file in
// the server's own folder when the person gave no path, and makes that folder (0700). The
// server's default place is beside its code, which an installed server may not change.
func dataFileEnv(home config.Home, server string, e catalog.Entry, env map[string]string) (map[string]string, error) {
	df := e.Meta.DataFile
	if df == nil || env[df.Env] != "" {
		return env, nil
	}
	dir := filepath.Join(home.StateDir(), server)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("making the folder where %s keeps its data: %w", server, err)
	}
	env = maps.Clone(env)
	if env == nil {
		env = map[string]string{}
	}
	env[df.Env] = filepath.Join(dir, df.Name)
	return env, nil
}
