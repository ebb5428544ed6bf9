#!/usr/bin/env bash
# package-windows.sh cross-builds MCP Tray for Windows from Linux (`make package-windows`; run
# by `make package` when the tools are present) into dist/:
#
#   dist/mcptray-VERSION-windows-amd64.msi   the installer: per user (no administrator), to
#       %LOCALAPPDATA%\Programs\MCP Tray, with a Start-menu entry; start at login when asked:
#       msiexec /i mcptray-VERSION-windows-amd64.msi INSTALLLEVEL=2
#   dist/windows/mcptray-app.exe, mcptray.exe, mcptray-otel.exe  the same programs, with the
#       app icon and version resources, for a portable copy (keep them in one folder)
#   dist/winget/MCPTray.MCPTray*.yaml        the winget manifest for this MSI (its SHA-256 filled in)
#
# Needs Debian's gcc-mingw-w64-x86-64 (x86_64-w64-mingw32-gcc, for the tray app's cgo) and wixl
# (the MSI); go-winres (icon and version resources) is built with Go, pinned in package-lib.sh.
# WINDOWS_APP=skip builds only mcptray.exe (pure Go, no mingw needed) and an MSI around it,
# named …-windows-amd64-cli.msi, without the tray app or a Start-menu entry: what CI checks,
# because the tray app's first cgo cross-build is too slow for every run (docs/packaging.md).
set -euo pipefail
# shellcheck source=scripts/package-lib.sh
source "$(dirname "$0")/package-lib.sh"

CC_WIN=${CC_WIN:-x86_64-w64-mingw32-gcc}
WINDOWS_APP=${WINDOWS_APP:-build}
command -v wixl >/dev/null || fail "wixl is missing (it builds the MSI); Debian/Ubuntu: sudo apt-get install wixl msitools"
if [ "$WINDOWS_APP" != skip ] && ! command -v "$CC_WIN" >/dev/null; then
	fail "$CC_WIN is missing (it builds the tray app); Debian/Ubuntu: sudo apt-get install gcc-mingw-w64-x86-64, or WINDOWS_APP=skip"
fi

mkdir -p "$DIST/windows" "$DIST/winget"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage="$work/stage"
mkdir -p "$stage"

# The version resources are a .syso file beside main.go; it is written into a copy of the
# source, never into the working tree (other builds for Windows would pick it up).
src="$work/src"
mkdir -p "$src"
tar --exclude=./.git --exclude=./bin --exclude="./$DIST" --exclude=node_modules -cf - . | tar -xf - -C "$src" ||
	fail "could not copy the source to build from"
go run ./packaging/icons -png assets/icons/app.png -out "$work/icons" -ico "$stage/app.ico"
(cd "$src/cmd/mcptray" && winres simply --arch amd64 --icon "$work/icons/256/io.github.mcptray.png" \
	--manifest gui --product-name "MCP Tray" --file-description "MCP Tray" \
	--product-version "$PKG_VERSION.0" --file-version "$PKG_VERSION.0" --copyright "The MCP Tray authors" >/dev/null) ||
	fail "go-winres could not write the version resources"

# Built from a fresh copy each time: -trimpath keeps the build cache valid across copies.
TRIMPATH=-trimpath
if [ "$WINDOWS_APP" = skip ]; then
	say "building mcptray $VERSION for windows/amd64 (WINDOWS_APP=skip: no tray app)"
	(cd "$src" && CGO_ENABLED=0 GOOS=windows GOARCH=amd64 go build -trimpath -ldflags "$LDFLAGS" -o "$stage/mcptray.exe" ./cmd/mcptray) ||
		fail "could not build mcptray.exe (see above)"
	(cd "$src" && CGO_ENABLED=0 GOOS=windows GOARCH=amd64 go build -trimpath -ldflags "$LDFLAGS" -o "$stage/mcptray-otel.exe" ./cmd/mcptray-otel) ||
		fail "could not build mcptray-otel.exe (see above)"
	with_app=no
	msi="$DIST/mcptray-$PKG_VERSION-windows-amd64-cli.msi"
else
	with_app=yes
	msi="$DIST/mcptray-$PKG_VERSION-windows-amd64.msi"
	(cd "$src" && build_pair "$stage" windows amd64 "$CC_WIN")
fi
printf '%s\n' "winget upgrade --id MCPTray.MCPTray (or install the newest MSI from https://github.com/mcptray/mcptray/releases)" >"$stage/installed-by.txt"

# wixl takes file sources relative to the recipe's folder, so the recipe is copied into the stage.
cp packaging/windows/mcptray.wxs "$stage/"
msi_abs="$ROOT/$msi"
[[ $msi = /* ]] && msi_abs=$msi
(cd "$stage" && wixl -a x64 -D Version="$PKG_VERSION" -D Stage=. -D WithApp=$with_app -o "$msi_abs" mcptray.wxs) ||
	fail "wixl could not build the MSI (see above)"
cp "$stage"/*.exe "$DIST/windows/"
say "wrote $msi and $DIST/windows/ ($(cd "$stage" && echo *.exe))"
[ "$with_app" = yes ] || exit 0

sum=$(sha256sum "$msi" | cut -d' ' -f1)
for f in packaging/winget/*.yaml; do
	sed -e "s/\${VERSION}/$PKG_VERSION/g" -e "s/\${SHA256}/$sum/g" "$f" >"$DIST/winget/$(basename "$f")"
done
say "wrote $DIST/winget/ (submit with: wingetcreate submit $DIST/winget)"
