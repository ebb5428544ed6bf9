package daemon

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/keychain"
)

// knownSecrets reads the keychain secrets of every configured server, started or not, so that
// the data-loss checks and the redaction of logs know them all: a server turned off or not yet
// started this session would otherwise have its token leave through another server's tool
// unnoticed. One goroutine (read) does the reading, beside the daemon, so that a keychain
// waiting for an unlock prompt delays no reload and no call.
type knownSecrets struct {
	wake chan struct{} // a pass over the configuration in effect is wanted

	mu      sync.Mutex // orders a read's Remember against a change's Forget
	changes uint64     // counts secretsChanged calls
}

func newKnownSecrets() *knownSecrets {
	return &knownSecrets{wake: make(chan struct{}, 1)}
}

// again asks for the secrets of the servers in the configuration in effect to be read; asks
// made before the next pass begins are one. It never blocks.
func (k *knownSecrets) again() {
	select {
	case k.wake <- struct{}{}:
	default:
	}
}

// knownSecretsTimeout bounds one server's keychain reads.
const knownSecretsTimeout = 30 * time.Second

// readKnownSecrets reads what again asks for until ctx ends. Values already held for the same
// configuration entry are not read again. It is the daemon's (Run's) goroutine.
func (d *Daemon) readKnownSecrets(ctx context.Context) {
	if d.opts.Keys == nil {
		return
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-d.known.wake:
			d.mu.Lock()
			cfg := d.cfg
			d.mu.Unlock()
			if cfg == nil {
				continue
			}
			for _, name := range cfg.ServerNames() {
				if ctx.Err() != nil {
					return
				}
				d.learnSecrets(ctx, name, cfg.Servers[name])
			}
		}
	}
}

// learnSecrets reads the secrets of server's entry s from the keychain and remembers them,
// unless s is no longer the entry in effect, its values are held already, or a secret of the
// server changed meanwhile (then the change asks for another pass). A secret not set
// is left out; a keychain that cannot be read is said in the log.
func (d *Daemon) learnSecrets(ctx context.Context, server string, s *config.Server) {
	if len(s.Secrets) == 0 || d.serverEntry(server) != s {
		return
	}
	if _, ok := d.secrets.Lookup(server, s, s.Secrets); ok {
		return
	}
	d.known.mu.Lock()
	changes := d.known.changes
	d.known.mu.Unlock()
	rctx, cancel := context.WithTimeout(ctx, knownSecretsTimeout)
	defer cancel()
	vals, err := keychain.GetAll(rctx, d.opts.Keys, server, s.Secrets)
	var missing *keychain.MissingError
	if err != nil && !errors.As(err, &missing) {
		if ctx.Err() == nil { // not MCP Tray stopping
			d.log.Warn("the data-loss checks do not know the secrets of a server: the keychain could not be read", "server", server, "err", err)
		}
		return
	}
	if len(vals) == 0 {
		return
	}
	d.known.mu.Lock()
	defer d.known.mu.Unlock()
	if d.known.changes == changes && d.serverEntry(server) == s {
		d.secrets.Remember(server, s, vals)
	}
}

// forgetSecrets drops what is held of server's secrets after the person changed one, and has
// them read again for the configuration in effect.
func (d *Daemon) forgetSecrets(server string) {
	d.known.mu.Lock()
	d.known.changes++
	d.secrets.Forget(server)
	d.known.mu.Unlock()
	d.known.again()
}
