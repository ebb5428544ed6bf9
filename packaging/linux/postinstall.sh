#!/bin/sh
# postinstall.sh is the .deb's postinst (configure, and triggered when a package changes
# /etc/apparmor.d/abi) and the .rpm's %post. It puts MCP Tray's AppArmor profile in
# /etc/apparmor.d and loads it, so that on Ubuntu 23.10 and later the daemon may start servers
# in their own namespaces (docs/sandbox.md). Only where the AppArmor parser accepts the
# profile: it allows `userns`, which AppArmor 4 brought, and an older parser (Ubuntu 22.04,
# Debian 12) would fail on it at every boot; there the copy is taken away again. Nothing here
# fails the install: without AppArmor, or where loading fails, the sandbox falls back to
# Landlock alone and says so. DPKG_ROOT is the root dpkg installs into (empty: this system);
# into another root the profile is copied but not loaded.
set -e

shipped=/usr/share/mcptray/apparmor/mcptray
dir="${DPKG_ROOT:-}/etc/apparmor.d"
profile="$dir/mcptray"

[ -d "$dir" ] || exit 0 # no AppArmor here
if ! command -v apparmor_parser >/dev/null 2>&1 ||
	! apparmor_parser --skip-kernel-load --skip-cache --quiet --base "$dir" "${DPKG_ROOT:-}$shipped" >/dev/null 2>&1; then
	rm -f "$profile"
	exit 0
fi
# A dot-name is skipped by AppArmor's loader until it is renamed into place.
cp "${DPKG_ROOT:-}$shipped" "$dir/.mcptray.new"
chmod 0644 "$dir/.mcptray.new"
mv -f "$dir/.mcptray.new" "$profile"

[ -z "${DPKG_ROOT:-}" ] || exit 0
[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] || exit 0 # AppArmor is off
[ -d /sys/kernel/security/apparmor ] || exit 0
[ ! -e "$dir/disable/mcptray" ] || exit 0 # the person disabled the profile
apparmor_parser --replace --skip-read-cache --write-cache "$profile" ||
	echo "MCP Tray: the AppArmor profile $profile could not be loaded now; it is loaded at the next start." >&2
exit 0
