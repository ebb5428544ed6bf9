#!/bin/sh
# run-with-secret-service.sh runs a command (normally `go test ./...`) against a
# private, real Secret Service: a fresh D-Bus session bus on which gnome-keyring
# serves org.freedesktop.secrets, with HOME (and the XDG directories) set to a
# temporary directory, so the keyring lives there and the person's own keyring
# is never touched. The keyring password is a throwaway ("pw"): an empty one
# would not create the login collection. The bus has no service activation, so
# nothing else (a second keyring daemon, a password prompter) can start on it.
#
# Usage: keychain/run-with-secret-service.sh go test ./...
# Needs dbus and gnome-keyring (Debian/Ubuntu: sudo apt install dbus gnome-keyring).
set -eu

if [ "$#" -eq 0 ]; then
	echo "usage: $0 COMMAND [ARGS]..." >&2
	exit 2
fi
for tool in dbus-run-session dbus-send gnome-keyring-daemon; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "$0: $tool not found: install dbus and gnome-keyring (Debian/Ubuntu: sudo apt install dbus gnome-keyring)" >&2
		exit 1
	fi
done

# The Go toolchain keeps its caches and settings under HOME by default: pin
# them first, or every run would download and build everything anew.
if command -v go >/dev/null 2>&1; then
	GOPATH=${GOPATH:-$(go env GOPATH)}
	GOMODCACHE=${GOMODCACHE:-$(go env GOMODCACHE)}
	GOCACHE=${GOCACHE:-$(go env GOCACHE)}
	GOENV=${GOENV:-$(go env GOENV)}
	export GOPATH GOMODCACHE GOCACHE GOENV
fi

home=$(mktemp -d "${TMPDIR:-/tmp}/mcptray-keyring.XXXXXX")
trap 'rm -rf "$home"' EXIT INT TERM
cat >"$home/session.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <keep_umask/>
  <listen>unix:dir=$home</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF

dbus-run-session --config-file="$home/session.conf" -- sh -c '
	set -eu
	export HOME="$1" XDG_DATA_HOME="$1/data" XDG_CONFIG_HOME="$1/config" XDG_CACHE_HOME="$1/cache" XDG_RUNTIME_DIR="$1/run"
	mkdir -m 700 "$XDG_RUNTIME_DIR"
	shift
	printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null
	# gnome-keyring-daemon returns before it owns its bus name: wait for it (5 s at most).
	i=0
	until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
		org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"; do
		i=$((i + 1))
		if [ "$i" -ge 100 ]; then
			echo "run-with-secret-service.sh: gnome-keyring did not start its Secret Service" >&2
			exit 1
		fi
		sleep 0.05
	done
	# The keychain tests refuse to write to any Secret Service but this one.
	export MCPTRAY_TEST_ISOLATED_KEYRING=1
	"$@"
' sh "$home" "$@"
