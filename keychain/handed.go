package keychain

import (
	"fmt"
	"maps"
	"sync"

	"github.com/mcptray/mcptray/redact"
)

// Handed remembers the secret values handed to servers, so that every log line, traffic
// record and message can be scrubbed of them (Redactor). It never logs or returns a value
// except to hand it out again.
//
// Each server's values are remembered together with the configuration entry they were read
// for (the daemon passes the *config.Server of the configuration in effect; entries compare
// with ==): they are handed out again only for that very entry. Every reload of config.json
// makes new entries, so a server that is removed (its keychain items deleted) and added again
// under the same name, or changed in any way, reads the keychain afresh instead of receiving
// what an earlier server was given. Safe for concurrent use.
type Handed struct {
	mu   sync.Mutex
	vals map[string]map[string]string // server → key → value
	src  map[string]any               // server → the entry vals were read for
	// retired are values replaced or deleted while MCP Tray runs: a process started with
	// one may still print it, so it stays redacted until MCP Tray stops.
	retired map[string]string // value → "server/key"
	// signIns are the tokens of remote servers' sign-ins (access, refresh, client secret),
	// kept apart from vals: they are not handed out at a start, only scrubbed and checked for.
	signIns map[string]map[string]string
	red     *redact.Redactor
}

// NewHanded returns an empty book.
func NewHanded() *Handed {
	return &Handed{vals: map[string]map[string]string{}, src: map[string]any{}, retired: map[string]string{},
		signIns: map[string]map[string]string{}, red: redact.New(nil)}
}

// Remember keeps the values read for server's configuration entry (nil when it has none).
func (b *Handed) Remember(server string, entry any, vals map[string]string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.src[server] = entry
	if maps.Equal(b.vals[server], vals) {
		return
	}
	b.retireLocked(server, b.vals[server])
	b.vals[server] = maps.Clone(vals)
	b.rebuildLocked()
}

// Lookup returns the remembered values of a server's keys, if all are known and were read
// for the same entry.
func (b *Handed) Lookup(server string, entry any, keys []string) (map[string]string, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if cur, ok := b.src[server]; !ok || cur != entry {
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

// RememberSignIn keeps the tokens of a remote server's sign-in (name → value; empty values
// are left out), so that logs, traffic records and messages are scrubbed of them and the
// data-loss checks know them as the server's, like its secrets. Tokens replaced by a refresh
// stay redacted.
func (b *Handed) RememberSignIn(server string, tokens map[string]string) {
	kept := map[string]string{}
	for k, v := range tokens {
		if v != "" {
			kept[k] = v
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if maps.Equal(b.signIns[server], kept) {
		return
	}
	b.retireLocked(server, b.signIns[server])
	b.signIns[server] = kept
	b.rebuildLocked()
}

// Forget drops a server's values (the person changed or deleted one, or the server is gone);
// they stay redacted.
func (b *Handed) Forget(server string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.retireLocked(server, b.vals[server])
	b.retireLocked(server, b.signIns[server])
	delete(b.vals, server)
	delete(b.src, server)
	delete(b.signIns, server)
	b.rebuildLocked()
}

// ByServer returns a copy of every server's values, for the data-loss checks.
func (b *Handed) ByServer() map[string]map[string]string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make(map[string]map[string]string, len(b.vals))
	for server, kv := range b.vals {
		out[server] = maps.Clone(kv)
	}
	for server, kv := range b.signIns {
		if out[server] == nil {
			out[server] = map[string]string{}
		}
		maps.Copy(out[server], kv)
	}
	return out
}

// Redactor is the redactor that knows every value remembered or retired.
func (b *Handed) Redactor() *redact.Redactor { return b.red }

// RedactString scrubs every known value from s.
func (b *Handed) RedactString(s string) string { return b.red.RedactString(s) }

// retireLocked keeps kv, values of server no longer in use, redacted until MCP Tray stops.
func (b *Handed) retireLocked(server string, kv map[string]string) {
	for k, v := range kv {
		b.retired[v] = server + "/" + k
	}
}

// rebuildLocked gives the redactor every known value, marked by its key; a key that two
// servers set to different values is marked with the server's name too.
func (b *Handed) rebuildLocked() {
	all := map[string]string{}
	for _, book := range []map[string]map[string]string{b.vals, b.signIns} {
		for server, kv := range book {
			for k, v := range kv {
				if old, taken := all[k]; taken && old != v {
					all[server+"/"+k] = v
					continue
				}
				all[k] = v
			}
		}
	}
	n := 0
	for v, id := range b.retired {
		n++
		all[fmt.Sprintf("%s (old %d)", id, n)] = v
	}
	b.red.Set(all)
}
