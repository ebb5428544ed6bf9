package keychain

import (
	"encoding/base64"
	"errors"
	"os/exec"
	"strings"
)

// go-keyring stores a value on macOS by writing one command line to
// `security -i`, with the value base64-encoded behind a prefix, and refuses
// command lines over 4096 bytes. tooLarge computes that line's length and
// keeps a margin below the limit: about 2,900 bytes of value.
const (
	darwinCommandLimit  = 4096 - 128
	darwinBase64Prefix  = "go-keyring-base64:"
	darwinCommandFormat = len("add-generic-password -U -s ") + len(" -a ") + len(" -w ") + len("\n")
)

const tooLargeSentence = "This secret is too large for the macOS Keychain, which holds at most about 2,900 bytes per secret; store a shorter value, such as a token instead of a whole file."

const unavailableSentence = "MCP Tray keeps credentials in the macOS Keychain, which could not be reached; log in to this Mac's desktop (not only over SSH) and try again."

// tooLarge reports whether value is too large to store for the account user.
func tooLarge(user, value string) bool {
	encoded := darwinBase64Prefix + base64.StdEncoding.EncodeToString([]byte(value))
	n := darwinCommandFormat + quotedLen(Service) + quotedLen(user) + quotedLen(encoded)
	return n > darwinCommandLimit
}

// quotedLen is an upper bound of the length of s quoted for the shell the
// way go-keyring does it: in single quotes, each ' written as '"'"'.
func quotedLen(s string) int {
	return len(s) + 2 + 4*strings.Count(s, "'")
}

// The macOS security tool exits with the low byte of the Security framework
// status code (OSStatus).
const (
	exitInteractionNotAllowed = 36  // errSecInteractionNotAllowed -25308: locked, and no way to ask
	exitNoDefaultKeychain     = 37  // errSecNoDefaultKeychain -25307
	exitInvalidKeychain       = 49  // errSecInvalidKeychain -25295
	exitNoSuchKeychain        = 50  // errSecNoSuchKeychain -25294
	exitAuthFailed            = 51  // errSecAuthFailed -25293: wrong password in the prompt
	exitNotAvailable          = 53  // errSecNotAvailable -25291
	exitUserCanceled          = 128 // errSecUserCanceled -128: "Deny" in the prompt
)

// classifyPlatform maps the exit status of the security tool that go-keyring
// runs. It returns nil for errors it does not recognize.
func classifyPlatform(err error) error {
	var execErr *exec.Error
	if errors.As(err, &execErr) {
		return ErrUnavailable // /usr/bin/security missing
	}
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		return nil
	}
	switch exitErr.ExitCode() {
	case exitInteractionNotAllowed:
		return ErrLocked
	case exitAuthFailed, exitUserCanceled:
		return ErrDenied
	case exitNoDefaultKeychain, exitInvalidKeychain, exitNoSuchKeychain, exitNotAvailable:
		return ErrUnavailable
	}
	return nil
}

// describeCause returns err unchanged: the exit status is all go-keyring keeps.
func describeCause(err error) error { return err }

// sessionBus is the Secret Service's reachability check; the system's own store needs none.
func sessionBus() error { return nil }
