#!/bin/sh
# postremove.sh is the .deb's postrm and the .rpm's %postun. When MCP Tray is removed (not
# upgraded: the .deb says "upgrade", the .rpm 1) it unloads its AppArmor profile and deletes
# the copy postinstall.sh made in /etc/apparmor.d; changes of the person's own in
# /etc/apparmor.d/local/mcptray stay. Nothing here fails the removal.
set -e

case "${1:-}" in
remove | purge | abort-install | disappear | 0) ;;
*) exit 0 ;;
esac
profile="${DPKG_ROOT:-}/etc/apparmor.d/mcptray"
[ -f "$profile" ] || exit 0
if [ -z "${DPKG_ROOT:-}" ] && [ -d /sys/kernel/security/apparmor ] && command -v apparmor_parser >/dev/null 2>&1; then
	apparmor_parser --remove "$profile" >/dev/null 2>&1 || true # not loaded: nothing to unload
fi
rm -f "$profile"
exit 0
