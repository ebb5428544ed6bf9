package app

import (
	"errors"
	"strings"

	"github.com/mcptray/mcptray/keychain"
)

// When the keychain cannot be read, the daemon cannot check which settings the person
// approved (the seal of accepted.json, config.Acceptance), and every setting waits in the
// pending banner. The daemon says so with its whole error chain, which the person cannot act
// on; the window shows one plain sentence saying what to do (in the words of this computer's
// keychain, keyring_text_*.go), and the details stay in the daemon's log.

// keyringWords names this computer's keychain and what unlocking it takes; one per OS.
type keyringWords struct {
	locked      string // the keychain is locked, or waits for its password
	unavailable string // there is no keychain to ask
	denied      string // the keychain refused MCP Tray
	failed      string // anything else
}

// keyringSentinels are the keychain's own sentences, in the order they are looked for.
var keyringSentinels = []error{keychain.ErrLocked, keychain.ErrTimeout, keychain.ErrUnavailable, keychain.ErrDenied, keychain.ErrBackend}

// keyringProblem returns the plain sentence for a line of the daemon's that carries one of
// the keychain's errors, and false for any other line.
func keyringProblem(line string) (string, bool) {
	for _, sentinel := range keyringSentinels {
		if !strings.Contains(line, sentinel.Error()) {
			continue
		}
		switch {
		case errors.Is(sentinel, keychain.ErrLocked), errors.Is(sentinel, keychain.ErrTimeout):
			return keyringText.locked, true
		case errors.Is(sentinel, keychain.ErrUnavailable):
			return keyringText.unavailable, true
		case errors.Is(sentinel, keychain.ErrDenied):
			return keyringText.denied, true
		}
		return keyringText.failed, true
	}
	return "", false
}
