#!/usr/bin/env bash
# ci-install-deb.sh installs the .deb for real on a disposable CI machine, as a person would
# (`apt install ./mcptray_….deb`), starts the installed tray app on a virtual screen until its
# daemon answers the installed `mcptray`, then purges the package and checks that the programs
# are gone and the person's MCP Tray home is untouched. It changes the system: .ci/run calls
# it, `make test` does not (test/packaging installs the same package into a scratch root).
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "ci-install-deb: $*"; }
fail() { echo "ci-install-deb: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "run it as root on a disposable machine: it installs and removes the mcptray package"
if dpkg-query -W -f='${Status}' mcptray 2>/dev/null | grep -q "install ok installed"; then
	fail "the mcptray package is installed already; this check needs a machine without it"
fi

dist=$(mktemp -d)
DIST=$dist scripts/package.sh deb
deb=$(ls "$dist"/mcptray_*.deb)
say "installing $deb with apt"
apt-get install -y -q "$deb" >/dev/null

home=$(mktemp -d)
# ours lists the processes running an installed MCP Tray program (by executable, whatever
# their command line says).
ours() {
	local p
	for p in /proc/[0-9]*; do
		case "$(readlink "$p/exe" 2>/dev/null)" in /usr/bin/mcptray | /usr/bin/mcptray-app | /usr/bin/mcptray-otel | "/usr/bin/mcptray (deleted)" | "/usr/bin/mcptray-app (deleted)") echo "${p#/proc/}" ;; esac
	done
}
trap 'kill -9 $(ours) 2>/dev/null || true; sleep 0.5; rm -rf "$home" "$dist"' EXIT
[ "$(command -v mcptray)" = /usr/bin/mcptray ] || fail "mcptray is not /usr/bin/mcptray after the install"
[ -x /usr/bin/mcptray-app ] && [ -x /usr/bin/mcptray-otel ] || fail "the package did not install mcptray-app and mcptray-otel"
[ -f /usr/share/applications/io.github.mcptray.desktop ] || fail "no desktop entry after the install"
HOME=$home mcptray version
HOME=$home mcptray update-app --check | grep -q "installed with apt, which also updates it" ||
	fail "update-app does not defer to apt for a copy apt installed"

# The person's home, with something of theirs in it, and the tray app on a virtual screen.
mkdir -p "$home/.config/mcptray" && echo '{}' >"$home/.config/mcptray/keep-me"
HOME=$home xvfb-run -a -s '-screen 0 1280x1024x24 -noreset' /usr/bin/mcptray-app >"$home/app.log" 2>&1 </dev/null &
app=$!
answered=no
for _ in $(seq 1 100); do
	if HOME=$home mcptray approvals >/dev/null 2>&1; then answered=yes; break; fi  # needs the daemon
	sleep 0.2
done
[ "$answered" = yes ] || { cat "$home/app.log"; fail "the installed tray app's daemon did not answer within 20 s"; }
say "the installed tray app started and its daemon answered"
# Ended as a desktop session ends it: the app and everything it started go.
pids=$(ours)
[ -n "$pids" ] || fail "no MCP Tray process to end"
kill -TERM $pids
for _ in $(seq 1 50); do
	[ -z "$(ours)" ] && break
	sleep 0.2
done
[ -z "$(ours)" ] || { ps -o pid,args -p "$(ours | tr '\n' ',' | sed 's/,$//')"; fail "MCP Tray processes were left 10 s after the tray app was told to end"; }
wait "$app" 2>/dev/null || true

apt-get purge -y -q mcptray >/dev/null
for f in /usr/bin/mcptray /usr/bin/mcptray-app /usr/bin/mcptray-otel /usr/share/applications/io.github.mcptray.desktop; do
	[ ! -e "$f" ] || fail "$f is still there after apt-get purge"
done
[ -f "$home/.config/mcptray/keep-me" ] || fail "purging the package removed the person's MCP Tray home"
say "ok: installed, started, purged; the home was left alone"
