package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"sync"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/keychain"
	"github.com/mcptray/mcptray/redact"
	"github.com/mcptray/mcptray/supervisor"
)

// secretBook remembers the secret values the daemon has handed to servers, so that every log
// line, traffic record and message can be scrubbed of them. It never logs or returns a value.
//
// Each server's values are remembered together with the config.json entry they were read for
// (the *config.Server of the configuration in effect): they are handed out again only for that
// very entry. Every reload of config.json makes new entries, so a server that is removed (its
// keychain items deleted) and added again under the same name, or changed in any way, reads
// the keychain afresh instead of receiving what an earlier server was given.
type secretBook struct {
	mu   sync.Mutex
	vals map[string]map[string]string // server → key → value
	src  map[string]*config.Server    // server → the entry vals were read for
	// retired are values replaced or deleted while the daemon runs: a process started with
	// one may still print it, so it stays redacted until MCP Tray stops.
	retired map[string]string // value → "server/key"
	red     *redact.Redactor
}

func newSecretBook() *secretBook {
	return &secretBook{vals: map[string]map[string]string{}, src: map[string]*config.Server{}, retired: map[string]string{}, red: redact.New(nil)}
}

// remember keeps the values read for server's config entry src (nil when it has none).
func (b *secretBook) remember(server string, src *config.Server, vals map[string]string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.src[server] = src
	if maps.Equal(b.vals[server], vals) {
		return
	}
	b.retireLocked(server)
	b.vals[server] = maps.Clone(vals)
	b.rebuildLocked()
}

// lookup returns the remembered values of a server's keys, if all are known and were read
// for the same config entry src.
func (b *secretBook) lookup(server string, src *config.Server, keys []string) (map[string]string, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if cur, ok := b.src[server]; !ok || cur != src {
		return nil, false
	}
	kv := b.vals[server]
	out := make(map[string]string, len(keys))
	for _, k := range keys {
		v, ok := kv[k]
		if !ok {
			return nil, false
		}
		out[k] = v
	}
	return out, true
}

func (b *secretBook) forget(server string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.retireLocked(server)
	delete(b.vals, server)
	delete(b.src, server)
	b.rebuildLocked()
}

func (b *secretBook) retireLocked(server string) {
	for k, v := range b.vals[server] {
		b.retired[v] = server + "/" + k
	}
}

// rebuildLocked gives the redactor every known value, marked by its key; a key that two
// servers set to different values is marked with the server's name too.
func (b *secretBook) rebuildLocked() {
	all := map[string]string{}
	for server, kv := range b.vals {
		for k, v := range kv {
			if old, taken := all[k]; taken && old != v {
				all[server+"/"+k] = v
				continue
			}
			all[k] = v
		}
	}
	n := 0
	for v, id := range b.retired {
		n++
		all[fmt.Sprintf("%s (old %d)", id, n)] = v
	}
	b.red.Set(all)
}

// redactString scrubs known secret values from s.
func (b *secretBook) redactString(s string) string { return b.red.RedactString(s) }

// secretsFor returns a server's secrets at spawn: from the keychain the first time, then from
// memory (the daemon keeps them anyway, to redact them) until the person changes one or
// config.json changes, so a crashed server or a new warm spare does not wait for the keychain.
// A deleted secret is never handed out from memory: `secret delete` and `secret set` tell the
// daemon (secrets.changed), and a server removed from config.json and added again is a new
// entry that reads the keychain. Problems the person must fix (a secret not set, no keychain,
// a locked or refusing keychain) keep the server down with a sentence instead of restarting it
// in a loop; a slow keychain is retried with backoff.
func (d *Daemon) secretsFor(ctx context.Context, server string, keys []string) (map[string]string, error) {
	if d.opts.Keys == nil {
		return nil, supervisor.Permanent(fmt.Errorf("The server %q needs secrets, but MCP Tray has no keychain to read them from.", server))
	}
	src := d.serverEntry(server)
	if vals, ok := d.secrets.lookup(server, src, keys); ok {
		return vals, nil
	}
	vals, err := keychain.GetAll(ctx, d.opts.Keys, server, keys)
	if err != nil {
		var missing *keychain.MissingError
		switch {
		case errors.As(err, &missing):
			return nil, supervisor.Permanent(err)
		case errors.Is(err, keychain.ErrTimeout):
			return nil, err
		default:
			return nil, supervisor.Permanent(err)
		}
	}
	d.secrets.remember(server, src, vals)
	return vals, nil
}

// serverEntry is server's entry in the configuration in effect, or nil.
func (d *Daemon) serverEntry(server string) *config.Server {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cfg == nil {
		return nil
	}
	return d.cfg.Servers[server]
}

// secretsChanged is called after the person set or deleted a secret of a server: the server
// is restarted so that its warm spare has the new value (clients already connected keep the
// process they have).
func (d *Daemon) secretsChanged(ctx context.Context, raw json.RawMessage) (any, error) {
	p, err := decode[NameParams](raw)
	if err != nil {
		return nil, err
	}
	d.secrets.forget(p.Name)
	for _, st := range d.sup.Status() {
		if st.Name != p.Name {
			continue
		}
		if st.State == supervisor.Stopped || st.State == supervisor.Disabled {
			return nil, nil
		}
		return nil, serverError(d.sup.Restart(ctx, p.Name))
	}
	return nil, nil
}
