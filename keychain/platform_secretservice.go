//go:build !darwin && !windows

package keychain

import (
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/godbus/dbus/v5"
)

// maxValueBytes bounds a value on Secret Service systems. The protocol has no
// limit of its own, but values far beyond any token slow the keyring down;
// 16 KiB holds a PEM key or a service-account JSON file with room to spare.
const maxValueBytes = 16 << 10

const tooLargeSentence = "This secret is too large: MCP Tray keeps at most 16 KB per secret in the system keyring; store a shorter value, such as a token instead of a whole file."

const unavailableSentence = "MCP Tray keeps credentials in the system keyring, but none is running: a desktop session normally provides one, and on a server or in WSL you can install gnome-keyring (Debian/Ubuntu: `sudo apt install gnome-keyring`) or run KeePassXC with its Secret Service integration turned on, then try again."

// tooLarge reports whether value is too large to store for the account user.
func tooLarge(user, value string) bool {
	return len(value) > maxValueBytes
}

// classifyPlatform maps the errors of go-keyring's Secret Service backend:
// failures to reach the session bus, D-Bus error replies, and go-keyring's
// own texts. It returns nil for errors it does not recognize.
func classifyPlatform(err error) error {
	if name := dbusErrorName(err); name != "" {
		switch {
		case name == "org.freedesktop.DBus.Error.ServiceUnknown",
			name == "org.freedesktop.DBus.Error.NameHasNoOwner",
			name == "org.freedesktop.DBus.Error.Disconnected",
			strings.HasPrefix(name, "org.freedesktop.DBus.Error.Spawn."),
			// No default (login) collection, or a provider that does not
			// implement what go-keyring calls.
			name == "org.freedesktop.Secret.Error.NoSuchObject",
			name == "org.freedesktop.DBus.Error.UnknownObject",
			name == "org.freedesktop.DBus.Error.UnknownMethod",
			name == "org.freedesktop.DBus.Error.UnknownInterface":
			return ErrUnavailable
		case name == "org.freedesktop.Secret.Error.IsLocked":
			return ErrLocked
		case name == "org.freedesktop.DBus.Error.AccessDenied",
			name == "org.freedesktop.DBus.Error.AuthFailed":
			return ErrDenied
		case name == "org.freedesktop.DBus.Error.NoReply",
			name == "org.freedesktop.DBus.Error.Timeout",
			name == "org.freedesktop.DBus.Error.TimedOut":
			return ErrTimeout
		}
		return nil
	}

	// No session bus: godbus runs dbus-launch when DBUS_SESSION_BUS_ADDRESS
	// is unset (`exec: "dbus-launch": executable file not found in $PATH`),
	// or cannot dial the address it was given.
	var execErr *exec.Error
	var exitErr *exec.ExitError
	var netErr *net.OpError
	if errors.As(err, &execErr) || errors.As(err, &exitErr) || errors.As(err, &netErr) ||
		errors.Is(err, dbus.ErrClosed) {
		return ErrUnavailable
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "failed to unlock correct collection"):
		// go-keyring's text when the collection stayed locked, including
		// when the person dismissed the unlock prompt.
		return ErrLocked
	case strings.HasPrefix(msg, "dbus: "), // address, transport and authentication failures
		strings.Contains(msg, "dbus-launch"):
		return ErrUnavailable
	}
	return nil
}

// dbusErrorName returns the name of the D-Bus error reply err holds, or "".
func dbusErrorName(err error) string {
	var v dbus.Error
	if errors.As(err, &v) {
		return v.Name
	}
	var p *dbus.Error
	if errors.As(err, &p) && p != nil {
		return p.Name
	}
	return ""
}

// describeCause adds the D-Bus error name to err for logs: godbus's Error
// method returns only the message, which rarely says which error it was.
func describeCause(err error) error {
	if name := dbusErrorName(err); name != "" && !strings.Contains(err.Error(), name) {
		return &namedError{name: name, err: err}
	}
	return err
}

// namedError is a D-Bus error with its name in front of its message.
type namedError struct {
	name string
	err  error
}

func (e *namedError) Error() string { return e.name + ": " + e.err.Error() }
func (e *namedError) Unwrap() error { return e.err }

// errNoSessionBus is sessionBus's answer when there is no session bus to reach.
var errNoSessionBus = errors.New("dbus: no session bus (DBUS_SESSION_BUS_ADDRESS is unset and $XDG_RUNTIME_DIR/bus does not exist)")

// sessionBus reports whether a session bus can be reached without starting one. With neither
// DBUS_SESSION_BUS_ADDRESS nor $XDG_RUNTIME_DIR/bus, godbus would run dbus-launch, which starts
// a bus (and, through activation, a keyring daemon) that outlives MCP Tray and holds no
// unlocked keyring anyway: on a headless machine every call would leave processes behind.
// Such a machine has no keyring to use, so the answer is ErrUnavailable at once.
func sessionBus() error {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") != "" {
		return nil
	}
	if dir := os.Getenv("XDG_RUNTIME_DIR"); dir != "" {
		if fi, err := os.Stat(filepath.Join(dir, "bus")); err == nil && fi.Mode()&os.ModeSocket != 0 {
			return nil
		}
	}
	return errNoSessionBus
}
