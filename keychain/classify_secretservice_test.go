//go:build !darwin && !windows

package keychain

import (
	"errors"
	"fmt"
	"net"
	"os/exec"
	"syscall"
	"testing"

	"github.com/godbus/dbus/v5"
	"github.com/zalando/go-keyring"
)

func TestClassifySecretService(t *testing.T) {
	dbusErr := func(name, msg string) error { return dbus.Error{Name: name, Body: []any{msg}} }
	for _, c := range []struct {
		name string
		err  error
		want error
	}{
		{"not found", keyring.ErrNotFound, ErrNotFound},
		{"too big", keyring.ErrSetDataTooBig, ErrTooLarge},
		{"unsupported platform", keyring.ErrUnsupportedPlatform, ErrUnavailable},
		{"no dbus-launch", &exec.Error{Name: "dbus-launch", Err: exec.ErrNotFound}, ErrUnavailable},
		{"dbus-launch failed", fmt.Errorf("autolaunch: %w", &exec.ExitError{}), ErrUnavailable},
		{"no bus address", errors.New("dbus: couldn't determine address of session bus"), ErrUnavailable},
		{"bus authentication", errors.New("dbus: authentication failed"), ErrUnavailable},
		{"dead bus socket", &net.OpError{Op: "dial", Net: "unix", Err: syscall.ECONNREFUSED}, ErrUnavailable},
		{"connection closed", dbus.ErrClosed, ErrUnavailable},
		{"no provider", dbusErr("org.freedesktop.DBus.Error.ServiceUnknown", "The name org.freedesktop.secrets was not provided by any .service files"), ErrUnavailable},
		{"no provider, pointer", &dbus.Error{Name: "org.freedesktop.DBus.Error.NameHasNoOwner", Body: []any{"no owner"}}, ErrUnavailable},
		{"provider failed to start", dbusErr("org.freedesktop.DBus.Error.Spawn.ChildExited", "exited with 1"), ErrUnavailable},
		{"no such collection", dbusErr("org.freedesktop.Secret.Error.NoSuchObject", "no such object"), ErrUnavailable},
		{"locked", dbusErr("org.freedesktop.Secret.Error.IsLocked", "collection is locked"), ErrLocked},
		{"unlock failed or prompt dismissed", errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"), ErrLocked},
		{"access denied", dbusErr("org.freedesktop.DBus.Error.AccessDenied", "not allowed"), ErrDenied},
		{"no reply", fmt.Errorf("calling: %w", dbusErr("org.freedesktop.DBus.Error.NoReply", "no reply")), ErrTimeout},
		{"unknown D-Bus error", dbusErr("org.example.Error.Weird", "weird"), ErrBackend},
		{"unknown error", errors.New("weird"), ErrBackend},
	} {
		if got := classify(c.err); got != c.want {
			t.Errorf("%s: classify(%v) = %q, want %q", c.name, c.err, got, c.want)
		}
	}
}

func TestDescribeCauseNamesTheDBusError(t *testing.T) {
	err := dbus.Error{Name: "org.freedesktop.DBus.Error.ServiceUnknown", Body: []any{"The name is not provided"}}
	got := describeCause(err)
	if want := "org.freedesktop.DBus.Error.ServiceUnknown: The name is not provided"; got.Error() != want {
		t.Errorf("describeCause = %q, want %q", got, want)
	}
	var inner dbus.Error
	if !errors.As(got, &inner) || inner.Name != err.Name {
		t.Error("describeCause hides the original error from errors.As")
	}
	plain := errors.New("plain")
	if got := describeCause(plain); got != plain {
		t.Errorf("describeCause(plain error) = %v, want it unchanged", got)
	}
}
