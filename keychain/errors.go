package keychain

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mcptray/mcptray/internal/prose"
	"github.com/zalando/go-keyring"
)

// The sentinel errors. Each one's text is one plain sentence a person can act
// on; at the edge (CLI, GUI) test for them with errors.Is and show that
// sentence. The texts of ErrUnavailable and ErrTooLarge depend on the
// operating system.
var (
	// ErrNotFound means no value is stored for the server and key.
	ErrNotFound = errors.New("This secret is not stored in the system keychain yet; set it in MCP Tray (or with `mcptray secret set SERVER KEY`) and try again.")

	// ErrTooLarge means the value exceeds what this system's credential store
	// accepts. It is checked before the store is called.
	ErrTooLarge = errors.New(tooLargeSentence)

	// ErrUnavailable means there is no credential store to talk to: on Linux
	// no Secret Service on the session bus, or no session bus at all.
	ErrUnavailable = errors.New(unavailableSentence)

	// ErrLocked means the credential store is locked and was not unlocked,
	// for example because the unlock prompt was dismissed.
	ErrLocked = errors.New("The system keychain is locked; unlock it (log in to your desktop session, or enter your keychain password when asked) and try again.")

	// ErrDenied means the credential store refused MCP Tray access.
	ErrDenied = errors.New("The system keychain refused to give MCP Tray access; allow MCP Tray when your keychain asks, or check the keychain's access settings, and try again.")

	// ErrTimeout means the credential store did not answer within the
	// Store's timeout, usually because it is waiting for the person to
	// unlock it in a prompt.
	ErrTimeout = errors.New("The system keychain did not answer in time; if it is showing a password prompt, unlock it and try again.")

	// ErrInvalidName means a server or key name was rejected before the
	// credential store was called.
	ErrInvalidName = errors.New("This secret's name is not valid: a secret name must look like an environment variable name (letters, digits and _, not starting with a digit), and a server name must not be empty or contain control characters.")

	// ErrInvalidValue means the value was empty or contained a NUL byte,
	// which cannot be passed to a server in its environment.
	ErrInvalidValue = errors.New("This secret's value is empty or contains a NUL character, which cannot be passed to a server; enter the value again.")

	// ErrBackend means the credential store failed in a way this package does
	// not recognize; OpError.Cause holds its own message.
	ErrBackend = errors.New("The system keychain failed unexpectedly; try again, and if it keeps failing, restart your computer.")
)

// OpError is the error every Store method returns. It names what was being
// done; Err is one of the sentinel errors (or the caller's context error when
// the caller cancelled), and errors.Is sees it through Unwrap.
type OpError struct {
	Op     string // "reading", "storing", "deleting"
	Server string
	Key    string
	Err    error
	// Cause is the credential store's own error, for logs; nil when Err says
	// everything. It never contains the secret value.
	Cause error
}

// Error returns what was being done followed by the sentence of Err. For
// ErrBackend the credential store's own message comes before the sentence,
// in parentheses, since it is the only clue there is.
func (e *OpError) Error() string {
	if e.Cause != nil && errors.Is(e.Err, ErrBackend) {
		return fmt.Sprintf("keychain: %s secret %q of server %q (%v): %v", e.Op, e.Key, e.Server, e.Cause, e.Err)
	}
	return fmt.Sprintf("keychain: %s secret %q of server %q: %v", e.Op, e.Key, e.Server, e.Err)
}

// Unwrap returns Err.
func (e *OpError) Unwrap() error { return e.Err }

// plainOpError returns the *OpError for err, a sentinel error or a context
// error. The caller's own deadline becomes ErrTimeout: to the person it is
// the same story.
func plainOpError(op, server, key string, err error) *OpError {
	if err == context.DeadlineExceeded {
		return &OpError{Op: op, Server: server, Key: key, Err: ErrTimeout, Cause: err}
	}
	return &OpError{Op: op, Server: server, Key: key, Err: err}
}

// MissingError is returned by GetAll when some of a server's secrets are not
// set. It satisfies errors.Is(err, ErrNotFound).
type MissingError struct {
	Server string
	Keys   []string // in the order they were asked for
}

// Error is one plain sentence naming the missing secrets.
func (e *MissingError) Error() string {
	noun, verb, pronoun := "secret", "is", "it"
	if len(e.Keys) > 1 {
		noun, verb, pronoun = "secrets", "are", "them"
	}
	return fmt.Sprintf("The %s %s of server %s %s not set in the system keychain; set %s in MCP Tray (or with `mcptray secret set %s KEY`) and start the server again.",
		noun, prose.JoinAnd(e.Keys), e.Server, verb, pronoun, e.Server)
}

// Unwrap returns ErrNotFound.
func (e *MissingError) Unwrap() error { return ErrNotFound }

// classify maps an error of go-keyring (or of what it calls: D-Bus, the
// macOS security tool, Windows Credential Manager) onto a sentinel error.
// It returns ErrBackend for errors it does not recognize.
func classify(err error) error {
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		return ErrNotFound
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return ErrTooLarge
	case errors.Is(err, keyring.ErrUnsupportedPlatform):
		return ErrUnavailable
	case errors.Is(err, context.DeadlineExceeded):
		return ErrTimeout
	}
	if sentinel := classifyPlatform(err); sentinel != nil {
		return sentinel
	}
	return ErrBackend
}

// withoutValue returns err, or a stand-in when err's text contains value, so
// that no error this package returns can carry a secret.
func withoutValue(err error, value string) error {
	if err != nil && value != "" && strings.Contains(err.Error(), value) {
		return errors.New("the credential store's error message is withheld because it contained the secret value")
	}
	return err
}
