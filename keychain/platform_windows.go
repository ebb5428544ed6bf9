package keychain

import (
	"errors"
	"syscall"
)

// maxValueBytes is Windows Credential Manager's limit for a credential blob,
// which go-keyring enforces too.
const maxValueBytes = 2560

const tooLargeSentence = "This secret is too large for Windows Credential Manager, which holds at most 2,560 bytes per secret; store a shorter value, such as a token instead of a whole file."

const unavailableSentence = "MCP Tray keeps credentials in Windows Credential Manager, which is not available in this session; sign in to Windows with your own account (not as a service or over SSH) and try again."

// tooLarge reports whether value is too large to store for the account user.
func tooLarge(user, value string) bool {
	return len(value) > maxValueBytes
}

// Win32 errors of the Cred* functions.
const (
	errorAccessDenied       = syscall.Errno(5)    // ERROR_ACCESS_DENIED
	errorNoSuchLogonSession = syscall.Errno(1312) // ERROR_NO_SUCH_LOGON_SESSION: no credential set, e.g. a service account
)

// classifyPlatform maps the Win32 errors go-keyring passes through from
// Windows Credential Manager. It returns nil for errors it does not recognize.
func classifyPlatform(err error) error {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return nil
	}
	switch errno {
	case errorNoSuchLogonSession:
		return ErrUnavailable
	case errorAccessDenied:
		return ErrDenied
	}
	return nil
}

// describeCause returns err unchanged: Win32 error texts name the error.
func describeCause(err error) error { return err }

// sessionBus is the Secret Service's reachability check; the system's own store needs none.
func sessionBus() error { return nil }
