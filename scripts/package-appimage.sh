#!/usr/bin/env bash
# package-appimage.sh builds dist/mcptray-VERSION-ARCH.AppImage for Linux distributions without
# .deb or .rpm, from the recipe in packaging/appimage/. Needs appimagetool on PATH (not a
# Debian package: https://github.com/AppImage/appimagetool/releases) and what
# `scripts/deps.sh build` installs. `make package` does not run it.
set -euo pipefail
# shellcheck source=scripts/package-lib.sh
source "$(dirname "$0")/package-lib.sh"

command -v appimagetool >/dev/null ||
	fail "appimagetool is missing; download it from https://github.com/AppImage/appimagetool/releases and put it on PATH"
GOARCH=$(go env GOARCH)
arch=$(case "$GOARCH" in amd64) echo x86_64 ;; arm64) echo aarch64 ;; *) echo "$GOARCH" ;; esac)
mkdir -p "$DIST"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
app="$work/AppDir"
mkdir -p "$app/usr/bin"
build_pair "$app/usr/bin" linux "$GOARCH"
go run ./packaging/icons -png assets/icons/app.png -out "$work/icons"
for n in 512 256 128 48; do
	install -Dm644 "$work/icons/$n/io.github.mcptray.png" "$app/usr/share/icons/hicolor/${n}x$n/apps/io.github.mcptray.png"
done
install -m755 packaging/appimage/AppRun "$app/AppRun"
install -m644 packaging/linux/io.github.mcptray.desktop "$app/io.github.mcptray.desktop"
install -m644 "$work/icons/256/io.github.mcptray.png" "$app/io.github.mcptray.png"
out="$DIST/mcptray-$VERSION-$arch.AppImage"
ARCH=$arch appimagetool "$app" "$out" >/dev/null || fail "appimagetool failed (see above)"
say "wrote $out"
