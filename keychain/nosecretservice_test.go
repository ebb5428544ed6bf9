//go:build linux

package keychain

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// busConfig is a session bus without service activation, so that nothing
// (such as gnome-keyring, if installed) starts on it by itself.
const busConfig = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=DIR</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`

// waitForKeyring starts gnome-keyring without unlocking it (so it has no
// usable collection), waits until it owns its bus name, and runs "$@".
const waitForKeyring = `gnome-keyring-daemon --start --components=secrets >/dev/null
i=0
until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
	org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"; do
	i=$((i + 1)); [ "$i" -lt 200 ] || { echo "gnome-keyring did not start" >&2; exit 1; }
	sleep 0.05
done
exec "$@"`

// TestNoSecretService runs the test binary as a child in sessions where no
// credential store can be used, and checks the error a person would see.
func TestNoSecretService(t *testing.T) {
	for _, tool := range []string{"dbus-run-session", "dbus-send", "gnome-keyring-daemon"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s not found: install dbus and gnome-keyring (Debian/Ubuntu: sudo apt install dbus gnome-keyring)", tool)
		}
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "session.conf")
	if err := os.WriteFile(conf, []byte(strings.ReplaceAll(busConfig, "DIR", dir)), 0o600); err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		name      string
		argv      []string
		busAddr   string // DBUS_SESSION_BUS_ADDRESS for the child; "" leaves it unset
		wantErr   error
		wantCause string
	}{
		{
			name:      "session bus without a Secret Service",
			argv:      []string{"dbus-run-session", "--config-file=" + conf, "--", exe},
			wantErr:   ErrUnavailable,
			wantCause: "org.freedesktop.DBus.Error.ServiceUnknown",
		},
		{
			name:      "session bus address that leads nowhere",
			argv:      []string{exe},
			busAddr:   "unix:path=" + filepath.Join(dir, "no-bus-here"),
			wantErr:   ErrUnavailable,
			wantCause: "no-bus-here",
		},
		{
			// No bus at all: nothing may be started (dbus-launch would leave a bus and a
			// keyring daemon running after MCP Tray exits).
			name:      "no session bus",
			argv:      []string{exe},
			wantErr:   ErrUnavailable,
			wantCause: "no session bus",
		},
		{
			name:      "keyring without an unlocked collection",
			argv:      []string{"dbus-run-session", "--config-file=" + conf, "--", "sh", "-c", waitForKeyring, "sh", exe},
			wantErr:   ErrLocked,
			wantCause: "failed to unlock",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			home := t.TempDir()
			cmd := exec.CommandContext(t.Context(), c.argv[0], c.argv[1:]...)
			cmd.Env = childEnviron(home, c.busAddr)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("child: %v\nstderr:\n%s", err, stderr.Bytes())
			}
			var got probeResult
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("decoding the child's report %q: %v\nstderr:\n%s", out, err, stderr.Bytes())
			}
			if got.Unavailable != (c.wantErr == ErrUnavailable) || got.Locked != (c.wantErr == ErrLocked) {
				t.Errorf("child got %+v, want an error that is %q", got, c.wantErr)
			}
			if !strings.HasSuffix(got.Error, ": "+c.wantErr.Error()) {
				t.Errorf("error = %q, want it to end with the plain sentence %q", got.Error, c.wantErr)
			}
			if !strings.Contains(got.Cause, c.wantCause) {
				t.Errorf("cause = %q, want it to mention %q", got.Cause, c.wantCause)
			}
		})
	}
}

// childEnviron is this process's environment for a probe child: a fresh HOME,
// and no trace of the session bus this test runs on.
func childEnviron(home, busAddr string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "DBUS_SESSION_BUS_ADDRESS", "HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR", isolatedKeyringEnv, childEnv:
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "HOME="+home, "XDG_RUNTIME_DIR="+home, childEnv+"=probe")
	if busAddr != "" {
		env = append(env, "DBUS_SESSION_BUS_ADDRESS="+busAddr)
	}
	return env
}
