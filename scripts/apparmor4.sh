#!/usr/bin/env bash
# apparmor4.sh DIR puts AppArmor 4's parser and policy files into DIR, for test/packaging on a
# machine whose own AppArmor is older or missing (Debian 12 has 3.0, which cannot read MCP
# Tray's profile): Debian 13's apparmor package and the C library its parser needs (2.38),
# unpacked, not installed. DIR/apparmor_parser runs the parser; DIR/etc/apparmor.d holds
# abi/4.0 and tunables. The test finds them through MCPTRAY_APPARMOR4=DIR (.ci/run sets it).
# apt runs with its own state in DIR: the system's sources and package lists stay as they are.
set -euo pipefail
dir=${1:?usage: scripts/apparmor4.sh DIR}
mkdir -p "$dir/apt/lists/partial" "$dir/apt/cache/archives/partial" "$dir/debs" "$dir/root"
dir=$(cd "$dir" && pwd)
cat >"$dir/apt/trixie.sources" <<SOURCES
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
apt=(apt-get -q -o "Dir::Etc::SourceList=$dir/apt/trixie.sources" -o Dir::Etc::SourceParts=/nonexistent
	-o "Dir::State::Lists=$dir/apt/lists" -o "Dir::Cache=$dir/apt/cache" -o Dir::State::status=/dev/null
	-o APT::Sandbox::User=root)
"${apt[@]}" update >/dev/null
(cd "$dir/debs" && "${apt[@]}" download apparmor libc6 >/dev/null)
for deb in "$dir"/debs/*.deb; do dpkg-deb -x "$deb" "$dir/root"; done
loader=$(ls "$dir"/root/usr/lib*/ld-linux*.so.* | head -n1)
libs=$(ls -d "$dir"/root/usr/lib/*-linux-gnu | head -n1)
cat >"$dir/apparmor_parser" <<WRAPPER
#!/bin/sh
exec "$loader" --library-path "$libs" "$dir/root/usr/sbin/apparmor_parser" --config-file /dev/null "\$@"
WRAPPER
chmod 0755 "$dir/apparmor_parser"
ln -sfn root/etc "$dir/etc"
"$dir/apparmor_parser" --version | head -n1
